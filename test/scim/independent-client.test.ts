import SCIMMY from 'scimmy';
import { eventually, useScimHost, type ScimResponse } from './support';

/**
 * Our SCIM endpoints driven end to end by an implementation of SCIM that is not ours: SCIMMY
 * (https://scimmyjs.github.io, npm `scimmy`, pinned in devDependencies), an independent
 * implementation of RFC 7643 (schemas) and RFC 7644 (protocol). SCIMMY is a service-provider
 * library, not a client product such as Entra's or Okta's provisioning service: here it plays the
 * client's part. It builds every request body (Users from its RFC 7643 §4.1 User schema with the
 * §4.3 enterprise extension, filters from its own filter expressions, PatchOps from its PatchOp
 * message), validates every answer against its own schemas and messages (ListResponse, Error,
 * User, ResourceType, ServiceProviderConfig), works out independently what a PATCH should leave
 * (PatchOp.apply on the User it read) and checks our published /Schemas against its RFC 7643 §8.7.1
 * definitions. Only fetch carries the requests; nothing of ours builds or judges them.
 */
const t = useScimHost();

// SCIMMY takes a Schema class here (its extend() checks for one); its typings only name an instance.
SCIMMY.Schemas.User.extend(SCIMMY.Schemas.EnterpriseUser as unknown as SCIMMY.Types.Schema, false);
const { User, ResourceType, ServiceProviderConfig } = SCIMMY.Schemas;
const ENTERPRISE = SCIMMY.Schemas.EnterpriseUser.id;

/** What a validated SCIMMY object says, as plain JSON (its instances serialise through toJSON). */
const plain = (value: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

/** Drops what SCIMMY adds or reshapes while it validates (meta, and an absent attribute left as null). */
function comparable(value: Record<string, unknown>): Record<string, unknown> {
  const { meta: _meta, ...rest } = value;
  return JSON.parse(JSON.stringify(rest, (_key, v: unknown) => (v === null ? undefined : v))) as Record<string, unknown>;
}

/**
 * An answer SCIMMY accepts as a User of RFC 7643 (direction "out": a service provider's
 * response), and one that carries nothing SCIMMY's schemas do not define: its coercion drops an
 * unknown attribute silently, so the answer must equal what survives it.
 */
function validUser(answer: ScimResponse | Record<string, unknown>): InstanceType<typeof User> {
  const json = 'json' in answer && 'status' in answer ? (answer.json as Record<string, unknown>) : (answer as Record<string, unknown>);
  const user = new User(json, 'out');
  expect(comparable(plain(user))).toEqual(comparable(json));
  expect(user.id).toEqual(expect.any(String));
  expect(user.meta).toMatchObject({ resourceType: 'User' });
  return user;
}

/** A ListResponse as SCIMMY reads one (its schema alone, integer counts), each of its Users valid. */
function validList(answer: ScimResponse): InstanceType<typeof User>[] {
  expect(answer.status).toBe(200);
  expect(answer.contentType).toMatch(/^application\/scim\+json/);
  const list = new SCIMMY.Messages.ListResponse(answer.json as never);
  expect(list.totalResults).toBe(answer.json.totalResults);
  return (answer.json.Resources as Record<string, unknown>[]).map((r) => validUser(r));
}

/** An RFC 7644 §3.12 Error SCIMMY accepts: its schema, and a status (and scimType) that go together. */
function validError(answer: ScimResponse, status: number): void {
  expect(answer.status).toBe(status);
  const { schemas, ...error } = answer.json as { schemas: string[]; status: string; scimType?: string; detail?: string };
  expect(schemas).toEqual([SCIMMY.Messages.ErrorResponse.id]);
  expect(() => new SCIMMY.Messages.ErrorResponse(error as never)).not.toThrow();
  expect(error.status).toBe(String(status));
}

/** A User body as SCIMMY builds one for a request (direction "in": read-only attributes left out). */
function userRequest(externalId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return plain(
    new User(
      {
        schemas: [User.id, ENTERPRISE],
        externalId,
        userName: `${externalId.toLowerCase()}@independent.example`,
        active: true,
        displayName: `Independent ${externalId}`,
        name: { givenName: 'Indie', familyName: `Client${externalId}` },
        title: 'Analyst',
        emails: [{ type: 'work', value: `${externalId.toLowerCase()}@independent.example`, primary: true }],
        addresses: [{ type: 'work', country: 'GB', locality: 'Leeds' }],
        [ENTERPRISE]: { department: 'Finance', employeeNumber: externalId },
        ...extra,
      },
      'in',
    ),
  );
}

/** A filter SCIMMY writes from its expression object, and the query string that carries it. */
function filterFor(expression: Record<string, unknown>): { filter: InstanceType<typeof SCIMMY.Types.Filter>; query: string } {
  const filter = new SCIMMY.Types.Filter(expression);
  return { filter, query: `/Users?filter=${encodeURIComponent(filter.expression)}` };
}

/** A PatchOp as SCIMMY's message accepts one (it validates op, path and value as RFC 7644 §3.5.2 says). */
function patchOp(operations: { op: 'add' | 'remove' | 'replace'; path?: string; value?: unknown }[]): InstanceType<typeof SCIMMY.Messages.PatchOp> {
  return new SCIMMY.Messages.PatchOp({ schemas: [SCIMMY.Messages.PatchOp.id], Operations: operations as never });
}

describe('an independent SCIM implementation (SCIMMY) discovering the service provider', () => {
  it('when it reads ServiceProviderConfig, then SCIMMY accepts it as RFC 7643 §5 describes it, patch supported and bulk not', async () => {
    const answer = await t.fabrikam('GET', '/ServiceProviderConfig');
    expect(answer.status).toBe(200);
    const config = plain(new ServiceProviderConfig(answer.json));
    // `primary` on an authentication scheme is in RFC 7643 §8.5's example but not in §5's definition, which SCIMMY follows.
    const schemes = (answer.json.authenticationSchemes as Record<string, unknown>[]).map(({ primary: _primary, ...scheme }) => scheme);
    expect(comparable(config)).toEqual(comparable({ ...answer.json, authenticationSchemes: schemes }));
    expect(config).toMatchObject({ patch: { supported: true }, bulk: { supported: false }, filter: { supported: true } });
  });

  it('when it reads ResourceTypes, then it is a ListResponse of ResourceTypes SCIMMY accepts, User at /Users with the enterprise extension optional', async () => {
    const answer = await t.fabrikam('GET', '/ResourceTypes');
    expect(answer.status).toBe(200);
    new SCIMMY.Messages.ListResponse(answer.json as never);
    const types = (answer.json.Resources as Record<string, unknown>[]).map((r) => {
      const type = plain(new ResourceType(r));
      expect(comparable(type)).toEqual(comparable(r));
      return type;
    });
    expect(types).toEqual([expect.objectContaining({ name: 'User', endpoint: '/Users', schema: User.id, schemaExtensions: [{ schema: ENTERPRISE, required: false }] })]);
    expect(comparable(plain(new ResourceType((await t.fabrikam('GET', '/ResourceTypes/User')).json)))).toEqual(comparable(types[0]!));
  });

  it('when it reads Schemas, then every attribute published has the characteristics RFC 7643 §8.7.1 gives it, and only the documented ones are left out', async () => {
    const answer = await t.fabrikam('GET', '/Schemas');
    expect(answer.status).toBe(200);
    new SCIMMY.Messages.ListResponse(answer.json as never);
    const published = answer.json.Resources as { id: string; attributes: Record<string, unknown>[] }[];
    const differences: string[] = [];
    // RFC 7643 §2.2: a characteristic left out has its default, so an absent one and its default are the same thing.
    const defaults: Record<string, unknown> = { type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', canonicalValues: [], referenceTypes: [] };
    const characteristic = (attribute: Record<string, unknown>, c: string) => JSON.stringify(attribute[c] ?? defaults[c]);
    const compare = (ours: Record<string, unknown>[], rfc: Record<string, unknown>[], at: string) => {
      for (const attribute of ours) {
        const name = String(attribute.name);
        const theirs = rfc.find((a) => String(a.name).toLowerCase() === name.toLowerCase());
        if (!theirs) differences.push(`${at}${name}: not in RFC 7643`);
        else {
          for (const c of Object.keys(defaults)) if (characteristic(attribute, c) !== characteristic(theirs, c)) differences.push(`${at}${name}.${c}: ${characteristic(attribute, c)}, RFC ${characteristic(theirs, c)}`);
          if (attribute.subAttributes) compare(attribute.subAttributes as Record<string, unknown>[], (theirs.subAttributes ?? []) as Record<string, unknown>[], `${at}${name}.`);
        }
      }
    };
    const left: Record<string, string[]> = {};
    for (const definition of [SCIMMY.Schemas.User.definition, SCIMMY.Schemas.EnterpriseUser.definition]) {
      const rfc = plain(definition.describe()) as { id: string; attributes: Record<string, unknown>[] };
      const ours = published.find((s) => s.id === rfc.id);
      expect(ours).toBeDefined();
      compare(ours!.attributes, rfc.attributes, `${rfc.id}:`);
      left[rfc.id] = rfc.attributes.map((a) => String(a.name)).filter((n) => !ours!.attributes.some((a) => a.name === n));
    }
    expect(differences).toEqual([]);
    expect(left).toEqual({ [User.id]: ['password', 'groups', 'entitlements', 'roles', 'x509Certificates'], [ENTERPRISE]: [] });
  });
});

describe('an independent SCIM implementation (SCIMMY) provisioning a worker through its life', () => {
  it('when it creates a User it built, then the 201 answer is a User SCIMMY accepts, holding what was sent, and the simulated tenant gets the account', async () => {
    const sent = userRequest('INDIE1');
    const created = await t.home('POST', '/Users', sent);
    expect(created.status).toBe(201);
    expect(created.contentType).toMatch(/^application\/scim\+json/);
    const user = validUser(created);
    expect(comparable({ ...plain(user), id: undefined })).toEqual(comparable(sent));
    expect(created.headers.get('location')).toBe(user.meta.location);
    const account = await eventually(() => t.sim.userByEmployeeId('INDIE1')[0]);
    expect(account).toMatchObject({ accountEnabled: true, department: 'Finance', usageLocation: 'GB' });
  });

  it('when it looks the User up with filters it wrote (userName eq, externalId eq), then each is a ListResponse of exactly that User, which the filter matches', async () => {
    const created = validUser(await t.home('POST', '/Users', userRequest('INDIE2')));
    for (const expression of [{ userName: ['eq', 'indie2@independent.example'] }, { externalId: ['eq', 'INDIE2'] }]) {
      const { filter, query } = filterFor(expression);
      const found = validList(await t.home('GET', query));
      expect({ filter: filter.expression, ids: found.map((u) => u.id) }).toEqual({ filter: filter.expression, ids: [created.id] });
      expect(filter.match(found.map(plain))).toHaveLength(1);
    }
    const { query } = filterFor({ externalId: ['eq', 'INDIE-NOBODY'] });
    expect(validList(await t.home('GET', query))).toEqual([]);
  });

  it('when it replaces the User (PUT) with one it built, then the answer is the new User, SCIMMY accepts it, and the account follows the new title', async () => {
    const created = validUser(await t.home('POST', '/Users', userRequest('INDIE3')));
    await eventually(() => t.sim.userByEmployeeId('INDIE3')[0]);
    const sent = userRequest('INDIE3', { title: 'Controller', name: { givenName: 'Indie', familyName: 'Renamed' } });
    const replaced = await t.home('PUT', `/Users/${created.id}`, sent);
    expect(replaced.status).toBe(200);
    const user = validUser(replaced);
    expect(comparable({ ...plain(user), id: undefined })).toEqual(comparable(sent));
    expect(comparable(plain(validUser(await t.home('GET', `/Users/${created.id}`))))).toEqual(comparable(plain(user)));
    await eventually(() => {
      const account = t.sim.userByEmployeeId('INDIE3')[0] as { jobTitle?: string; surname?: string } | undefined;
      return account?.jobTitle === 'Controller' && account.surname === 'Renamed' ? account : undefined;
    });
  });

  it('when it PATCHes replace active false, then the answer is what SCIMMY itself makes of that PatchOp on the User it read, and the leaver disables the account', async () => {
    const created = validUser(await t.home('POST', '/Users', userRequest('INDIE4')));
    await eventually(() => (t.sim.userByEmployeeId('INDIE4')[0]?.accountEnabled === true ? true : undefined));
    const message = patchOp([{ op: 'replace', path: 'active', value: false }]);
    const before = validUser(await t.home('GET', `/Users/${created.id}`));
    const expected = await message.apply(before);
    const patched = await t.home('PATCH', `/Users/${created.id}`, plain(message));
    expect(patched.status).toBe(200);
    const user = validUser(patched);
    expect(user.active).toBe(false);
    expect(comparable(plain(user))).toEqual(comparable(plain(expected)));
    await eventually(() => (t.sim.userByEmployeeId('INDIE4')[0]?.accountEnabled === false ? true : undefined));
  });

  it('when it PATCHes with a value filter and an extension path, then our result equals the one SCIMMY computes for the same PatchOp', async () => {
    const created = validUser(await t.home('POST', '/Users', userRequest('INDIE5', { phoneNumbers: [{ type: 'work', value: '+44 113 000 0000' }] })));
    const message = patchOp([
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'indie5.new@independent.example' },
      { op: 'add', path: 'phoneNumbers', value: [{ type: 'mobile', value: '+44 7700 900000' }] },
      { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Audit' },
      { op: 'remove', path: 'title' },
    ]);
    const expected = await message.apply(validUser(await t.home('GET', `/Users/${created.id}`)));
    const patched = await t.home('PATCH', `/Users/${created.id}`, plain(message));
    expect(patched.status).toBe(200);
    expect(comparable(plain(validUser(patched)))).toEqual(comparable(plain(expected)));
  });

  it('when it deletes the User, then 204 with no body, and the id answers an RFC 7644 Error 404 that SCIMMY accepts, for GET and for a filter', async () => {
    const created = validUser(await t.home('POST', '/Users', userRequest('INDIE6')));
    await eventually(() => t.sim.userByEmployeeId('INDIE6')[0]);
    const deleted = await t.home('DELETE', `/Users/${created.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.json).toEqual({});
    validError(await t.home('GET', `/Users/${created.id}`), 404);
    validError(await t.home('PATCH', `/Users/${created.id}`, plain(patchOp([{ op: 'replace', path: 'title', value: 'x' }]))), 404);
    expect(validList(await t.home('GET', filterFor({ externalId: ['eq', 'INDIE6'] }).query))).toEqual([]);
    await eventually(() => (t.sim.userByEmployeeId('INDIE6')[0]?.accountEnabled === false ? true : undefined));
  });
});

/** SCIMMY's own verdict on a PatchOp applied to a User: the status and scimType it fails with, or none. */
async function scimmyVerdict(message: InstanceType<typeof SCIMMY.Messages.PatchOp>, user: InstanceType<typeof User>): Promise<{ status: number; scimType?: string } | undefined> {
  try {
    await message.apply(user);
    return undefined;
  } catch (error) {
    const { status, scimType } = error as { status: number; scimType?: string };
    return { status: Number(status), ...(scimType ? { scimType } : {}) };
  }
}

describe('an independent SCIM implementation (SCIMMY) judging the refusals', () => {
  it('when a PATCH cannot be applied (a value filter that matches nothing, a path on a read-only attribute), then our status and scimType are the ones SCIMMY gives for the same PatchOp, in an Error it accepts', async () => {
    const created = validUser(await t.home('POST', '/Users', userRequest('INDIE7')));
    const before = validUser(await t.home('GET', `/Users/${created.id}`));
    const verdicts: { path: string; scimmy: unknown; ours: unknown }[] = [];
    for (const path of ['emails[type eq "home"].value', 'id']) {
      const message = patchOp([{ op: 'replace', path, value: 'x@independent.example' }]);
      const answer = await t.home('PATCH', `/Users/${created.id}`, plain(message));
      validError(answer, answer.status);
      const { status, scimType } = answer.json as { status: string; scimType?: string };
      verdicts.push({ path, scimmy: await scimmyVerdict(message, before), ours: { status: Number(status), ...(scimType ? { scimType } : {}) } });
    }
    expect(verdicts.map(({ path, ours }) => ({ path, verdict: ours }))).toEqual(verdicts.map(({ path, scimmy }) => ({ path, verdict: scimmy })));
    expect(verdicts.map((v) => v.ours)).toEqual([{ status: 400, scimType: 'noTarget' }, { status: 400, scimType: 'mutability' }]);
  });

  it('when a PATCH path is malformed, then both refuse it with 400; ours says invalidPath, as RFC 7644 §3.12 table 9 names a malformed path (SCIMMY says invalidValue)', async () => {
    const created = validUser(await t.home('POST', '/Users', userRequest('INDIE10')));
    const message = patchOp([{ op: 'replace', path: 'emails[type eq]', value: 'x@independent.example' }]);
    expect(await scimmyVerdict(message, validUser(await t.home('GET', `/Users/${created.id}`)))).toMatchObject({ status: 400 });
    const answer = await t.home('PATCH', `/Users/${created.id}`, plain(message));
    validError(answer, 400);
    expect(answer.json.scimType).toBe('invalidPath');
  });

  it('when a User it built takes an externalId or a userName another User has, then an Error SCIMMY accepts: 409 uniqueness (RFC 7644 §3.3)', async () => {
    validUser(await t.home('POST', '/Users', userRequest('INDIE8')));
    validError(await t.home('POST', '/Users', userRequest('INDIE8')), 409);
    validError(await t.home('POST', '/Users', userRequest('INDIE9', { userName: 'indie8@independent.example' })), 409);
    expect((await t.home('POST', '/Users', userRequest('INDIE8'))).json.scimType).toBe('uniqueness');
  });

  it('when a filter is not SCIM filter grammar (SCIMMY cannot parse it either), then an Error SCIMMY accepts: 400 invalidFilter', async () => {
    for (const broken of ['(userName eq "x"', 'userName zz "x"', 'emails[type eq "work"']) {
      expect(() => new SCIMMY.Types.Filter(broken)).toThrow();
      const answer = await t.home('GET', `/Users?filter=${encodeURIComponent(broken)}`);
      validError(answer, 400);
      expect({ broken, scimType: answer.json.scimType }).toEqual({ broken, scimType: 'invalidFilter' });
    }
  });
});
