import { ENTERPRISE, eventually, PATCH_OP, scimUser, useScimHost, USER_SCHEMA } from './support';

/**
 * The flows a SCIM client runs against a service provider, re-expressed from Microsoft's own
 * checks — the test collection of AzureAD/SCIMReferenceCode (PostmanCollection.json: "Endpoint
 * tests", "User tests", "User tests with garbage") and the Microsoft Entra SCIM Validator's user
 * tests (https://learn.microsoft.com/entra/identity/app-provisioning/scim-validator-tutorial) —
 * with the request shapes Entra provisioning sends
 * (https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups).
 * Their externalIds are GUIDs; here they are HR worker ids, since the default mapping makes
 * externalId Entra's employeeId (at most 16 characters).
 */
const t = useScimHost();

describe('a SCIM client discovering the service provider (SCIMReferenceCode "Endpoint tests")', () => {
  it('when it reads ServiceProviderConfig, then PATCH is supported, bulk, sort and etag are not, and the scheme is an OAuth bearer token', async () => {
    const answer = await t.home('GET', '/ServiceProviderConfig');
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/scim\+json/);
    expect(answer.json).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 200 },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
    });
  });

  it('when it reads ResourceTypes, then the first resource type is User at /Users with the enterprise extension', async () => {
    const answer = await t.home('GET', '/ResourceTypes');
    expect(answer.status).toBe(200);
    expect((answer.json.Resources as Record<string, unknown>[])[0]).toMatchObject({ id: 'User', endpoint: '/Users', schema: USER_SCHEMA, schemaExtensions: [{ schema: ENTERPRISE, required: false }] });
    expect((await t.home('GET', '/ResourceTypes/User')).json).toMatchObject({ endpoint: '/Users' });
  });

  it('when it reads Schemas, then the User Account schema lists userName as required and server-unique, and no password attribute', async () => {
    const answer = await t.home('GET', '/Schemas');
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.json)).toContain('User Account');
    const user = (answer.json.Resources as { id: string; attributes: { name: string; required: boolean; uniqueness: string }[] }[]).find((s) => s.id === USER_SCHEMA)!;
    expect(user.attributes.find((a) => a.name === 'userName')).toMatchObject({ required: true, uniqueness: 'server' });
    expect(user.attributes.map((a) => a.name)).not.toContain('password');
    expect((await t.home('GET', `/Schemas/${ENTERPRISE}`)).status).toBe(200);
  });

  it('when it lists Users before any exist, then it gets an empty ListResponse', async () => {
    const answer = await t.fabrikam('GET', '/Users');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });
});

describe('a SCIM client provisioning a worker (SCIMReferenceCode "User tests", the validator\'s user tests)', () => {
  it('when it creates a User, then it gets 201 with the User, an id and Location, and the simulated tenant gets the account', async () => {
    const created = await t.home('POST', '/Users', scimUser('SCIM100', { emails: [{ primary: true, type: 'work', value: 'testing@bob.com' }] }));
    expect(created.status).toBe(201);
    expect(created.contentType).toMatch(/^application\/scim\+json/);
    const id = created.json.id as string;
    expect(id).toMatch(/^[A-Za-z0-9_-]+\.1$/);
    expect(created.headers.get('location')).toBe(`${t.host.url}/api/scim/v2/Users/${id}`);
    expect(created.json).toMatchObject({ externalId: 'SCIM100', userName: 'scim100@hr.example', active: true, meta: { resourceType: 'User', location: created.headers.get('location') } });
    expect(created.json.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);

    const account = await eventually(() => t.sim.userByEmployeeId('SCIM100')[0]);
    expect(account).toMatchObject({ accountEnabled: true, department: 'Sales', usageLocation: 'GB' });
  });

  it('when it reads the User back by id, by externalId and by userName in another case, then each answer is that User', async () => {
    const created = await t.home('POST', '/Users', scimUser('SCIM101'));
    const id = created.json.id as string;
    expect((await t.home('GET', `/Users/${id}`)).json).toMatchObject({ id, externalId: 'SCIM101' });
    for (const filter of ['externalId eq "SCIM101"', 'userName eq "SCIM101@HR.EXAMPLE"', `id eq "${id}"`]) {
      const found = await t.home('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect({ filter, status: found.status, total: found.json.totalResults }).toEqual({ filter, status: 200, total: 1 });
      expect((found.json.Resources as { id: string }[])[0]!.id).toBe(id);
    }
    const none = await t.home('GET', `/Users?filter=${encodeURIComponent('externalId eq "scim101"')}`);
    expect(none.json.totalResults).toBe(0);
  });

  it('when it filters on an attribute that is not indexed (DisplayName eq, userName sw, an and of a value filter), then the matching Users come back', async () => {
    await t.home('POST', '/Users', scimUser('SCIM102', { displayName: 'BobIsAmazing', emails: [{ type: 'work', value: 'bob@example.org' }] }));
    const byName = await t.home('GET', `/Users?filter=${encodeURIComponent('DisplayName eq "bobisamazing"')}`);
    expect((byName.json.Resources as { externalId: string }[]).map((u) => u.externalId)).toEqual(['SCIM102']);
    const complex = await t.home('GET', `/Users?filter=${encodeURIComponent('name.familyName eq "WorkerSCIM102" and (emails.value co "example.com" or emails.value co "example.org")')}`);
    expect(complex.json.totalResults).toBe(1);
    const starts = await t.home('GET', `/Users?filter=${encodeURIComponent('userName sw "scim102"')}`);
    expect(starts.json.totalResults).toBe(1);
  });

  it('when it asks for some attributes only, then the Users carry those, with id and schemas', async () => {
    const created = await t.home('POST', '/Users', scimUser('SCIM103', { emails: [{ type: 'work', value: 'e103@example.com' }] }));
    const answer = await t.home('GET', `/Users/${created.json.id as string}?attributes=userName,emails`);
    expect(answer.json).toEqual({ schemas: [USER_SCHEMA, ENTERPRISE], id: created.json.id, userName: 'scim103@hr.example', emails: [{ type: 'work', value: 'e103@example.com' }] });
    const without = await t.home('GET', `/Users/${created.json.id as string}?excludedAttributes=emails,name.givenName`);
    expect(without.json.emails).toBeUndefined();
    expect(without.json.name).toEqual({ familyName: 'WorkerSCIM103' });
  });

  it('when it patches userName and a title, then the User says so and the account is a mover of the new title', async () => {
    const created = await t.home('POST', '/Users', scimUser('SCIM104'));
    const id = created.json.id as string;
    await eventually(() => t.sim.userByEmployeeId('SCIM104')[0]);
    const patched = await t.home('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'userName', value: 'ryan3@hr.example' }, { op: 'replace', path: 'title', value: 'Lead Analyst' }] });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ id, userName: 'ryan3@hr.example', title: 'Lead Analyst' });
    expect((await t.home('GET', `/Users/${id}`)).json).toMatchObject({ userName: 'ryan3@hr.example' });
    await eventually(() => (t.sim.snapshot().users.find((u) => u.employeeId === 'SCIM104') as { jobTitle?: string } | undefined)?.jobTitle === 'Lead Analyst' || undefined);
  });

  it('when it replaces a User (PUT) with a new name and without its title, then the User is the new one and the account loses its job title', async () => {
    const created = await t.home('POST', '/Users', scimUser('SCIM105'));
    const id = created.json.id as string;
    await eventually(() => t.sim.userByEmployeeId('SCIM105')[0]);
    const { title: _title, ...withoutTitle } = scimUser('SCIM105', { id, name: { givenName: 'Ryan', familyName: 'Leenay', formatted: 'NewName' } });
    const replaced = await t.home('PUT', `/Users/${id}`, withoutTitle);
    expect(replaced.status).toBe(200);
    expect(replaced.json).toMatchObject({ id, name: { formatted: 'NewName' } });
    expect(replaced.json.title).toBeUndefined();
    await eventually(() => {
      const account = t.sim.snapshot().users.find((u) => u.employeeId === 'SCIM105') as { jobTitle?: string | null; surname?: string } | undefined;
      return account && account.jobTitle == null && account.surname === 'Leenay' ? account : undefined;
    });
  });

  it('when it disables a User with PATCH replace active false, then a GET and a filter say active false and the account is disabled', async () => {
    const created = await t.home('POST', '/Users', scimUser('SCIM106'));
    const id = created.json.id as string;
    await eventually(() => t.sim.userByEmployeeId('SCIM106')[0]);
    const patched = await t.home('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: false }] });
    expect(patched.status).toBe(200);
    expect(patched.json.active).toBe(false);
    // The validator's "Disable User" check: a GET and a filter on a disabled User carry active.
    expect((await t.home('GET', `/Users/${id}`)).json.active).toBe(false);
    const filtered = await t.home('GET', `/Users?filter=${encodeURIComponent('userName eq "scim106@hr.example"')}`);
    expect((filtered.json.Resources as { active: boolean }[])[0]!.active).toBe(false);
    await eventually(() => (t.sim.userByEmployeeId('SCIM106')[0]?.accountEnabled === false ? true : undefined));
  });

  it('when Entra\'s older job sends active as the string "False", then it is read as false, and "True" again is a rehire that enables the account', async () => {
    const created = await t.home('POST', '/Users', scimUser('SCIM107', { active: 'True' }));
    expect(created.json.active).toBe(true);
    const id = created.json.id as string;
    await eventually(() => t.sim.userByEmployeeId('SCIM107')[0]);
    await t.home('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    await eventually(() => (t.sim.userByEmployeeId('SCIM107')[0]?.accountEnabled === false ? true : undefined));
    const back = await t.home('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: true } }] });
    expect(back.json.active).toBe(true);
    await eventually(() => (t.sim.userByEmployeeId('SCIM107')[0]?.accountEnabled === true ? true : undefined));
  });

  it('when it deletes a User, then 204, the id is gone for every operation, and the account is disabled as a leaver', async () => {
    const created = await t.home('POST', '/Users', scimUser('SCIM108'));
    const id = created.json.id as string;
    await eventually(() => t.sim.userByEmployeeId('SCIM108')[0]);
    const deleted = await t.home('DELETE', `/Users/${id}`);
    expect(deleted.status).toBe(204);
    for (const [method, body] of [['GET'], ['DELETE'], ['PUT', scimUser('SCIM108')], ['PATCH', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'x' }] }]] as [string, unknown?][]) {
      const again = await t.home(method, `/Users/${id}`, body);
      expect({ method, status: again.status }).toEqual({ method, status: 404 });
    }
    expect((await t.home('GET', `/Users?filter=${encodeURIComponent('externalId eq "SCIM108"')}`)).json.totalResults).toBe(0);
    await eventually(() => (t.sim.userByEmployeeId('SCIM108')[0]?.accountEnabled === false ? true : undefined));
  });

  it('when a deleted worker is created again, then it is a new resource (a new id) and a rehire that enables the account', async () => {
    const first = await t.home('POST', '/Users', scimUser('SCIM109'));
    await eventually(() => t.sim.userByEmployeeId('SCIM109')[0]);
    await t.home('DELETE', `/Users/${first.json.id as string}`);
    await eventually(() => (t.sim.userByEmployeeId('SCIM109')[0]?.accountEnabled === false ? true : undefined));
    const again = await t.home('POST', '/Users', scimUser('SCIM109'));
    expect(again.status).toBe(201);
    expect(again.json.id).not.toBe(first.json.id);
    expect((await t.home('GET', `/Users/${first.json.id as string}`)).status).toBe(404);
    await eventually(() => (t.sim.userByEmployeeId('SCIM109')[0]?.accountEnabled === true ? true : undefined));
    expect(t.sim.userByEmployeeId('SCIM109')).toHaveLength(1);
  });

  it('when it pages through Users, then totalResults counts them all and each page holds count of them, in a stable order', async () => {
    for (const n of [0, 1, 2, 3, 4]) await t.fabrikam('POST', '/Users', scimUser(`PAGE${n}`));
    const all = await t.fabrikam('GET', '/Users?startIndex=1&count=2');
    expect(all.json).toMatchObject({ totalResults: 5, startIndex: 1, itemsPerPage: 2 });
    const ids: string[] = [];
    for (const start of [1, 3, 5]) ids.push(...((await t.fabrikam('GET', `/Users?startIndex=${start}&count=2`)).json.Resources as { id: string }[]).map((u) => u.id));
    expect(new Set(ids).size).toBe(5);
    expect((await t.fabrikam('GET', '/Users?startIndex=0&count=-3')).json).toMatchObject({ startIndex: 1, itemsPerPage: 0, totalResults: 5, Resources: [] });
  });
});
