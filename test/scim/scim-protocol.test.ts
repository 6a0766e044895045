import { ERROR_SCHEMA, FABRIKAM_SCIM_TOKEN, HOME_SCIM_TOKEN, PATCH_OP, scimClient, scimUser, useScimHost, type ScimResponse } from './support';

/**
 * Each answer RFC 7644 asks for here (§3.12 for errors: `schemas`, `status` as a string,
 * `scimType`, a `detail`), through the local host like a client sees them. Bad values carry
 * "VALUE" so a spec can prove no answer echoes what was sent.
 */
const t = useScimHost();
const WRONG_TOKEN = 'wrong-scim-TOKEN-0123456789abcdefghijklmno';

function expectScimError(answer: ScimResponse, status: number, scimType?: string): void {
  expect({ status: answer.status, contentType: answer.contentType?.split(';')[0] }).toEqual({ status, contentType: 'application/scim+json' });
  expect(answer.json).toEqual({ schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail: expect.any(String) });
  expect(JSON.stringify(answer.json)).not.toContain('VALUE');
}

async function created(externalId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const answer = await t.home('POST', '/Users', scimUser(externalId, extra));
  expect(answer.status).toBe(201);
  return answer.json.id as string;
}

describe('the bearer token', () => {
  it('when no Authorization header is sent, then 401 with a SCIM error and a Bearer challenge', async () => {
    const answer = await scimClient(`${t.host.url}/api/scim/v2`, undefined)('GET', '/Users');
    expectScimError(answer, 401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="scim"');
  });

  it.each([
    ['a wrong token', `Bearer ${WRONG_TOKEN}`],
    ['another scheme', `Basic ${Buffer.from(`x:${HOME_SCIM_TOKEN}`).toString('base64')}`],
    ['the token without its scheme', HOME_SCIM_TOKEN],
    ['the token with a VALUE appended', `Bearer ${HOME_SCIM_TOKEN}x`],
  ])('when %s is sent, then 401 with error="invalid_token", and nothing is read or changed', async (_case, authorization) => {
    const answer = await t.home('POST', '/Users', scimUser('AUTH1'), { authorization });
    expectScimError(answer, 401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="scim", error="invalid_token"');
    expect((await t.home('GET', `/Users?filter=${encodeURIComponent('externalId eq "AUTH1"')}`)).json.totalResults).toBe(0);
  });

  it("when one tenant's token is sent to another tenant's endpoint, then 401: each tenant has its own", async () => {
    expectScimError(await scimClient(`${t.host.url}/api/scim/tenants/fabrikam/v2`, HOME_SCIM_TOKEN)('GET', '/Users'), 401);
    expectScimError(await scimClient(`${t.host.url}/api/scim/v2`, FABRIKAM_SCIM_TOKEN)('GET', '/Users'), 401);
    expect((await t.fabrikam('GET', '/Users')).status).toBe(200);
  });

  it('when a request without a token carries a body too large or not JSON, then it is refused 401 before the body is read', async () => {
    const anonymous = scimClient(`${t.host.url}/api/scim/v2`, undefined);
    expectScimError(await anonymous('POST', '/Users', undefined, { raw: 'x'.repeat(200_000) }), 401);
    expectScimError(await anonymous('POST', '/Users', undefined, { raw: '{not json' }), 401);
  });

  it('when the token is refused, then the log says so for the tenant and never holds a token', async () => {
    await t.home('GET', '/Users', undefined, { authorization: `Bearer ${WRONG_TOKEN}` });
    const logs = t.host.logs.join('\n');
    expect(logs).toMatch(/rejected SCIM request for tenant default: a wrong bearer token/);
    for (const token of [HOME_SCIM_TOKEN, FABRIKAM_SCIM_TOKEN, WRONG_TOKEN]) expect(logs).not.toContain(token);
  });

  it('when the tenant is unknown, or has no SCIM token configured, then 404 with a SCIM error', async () => {
    expectScimError(await scimClient(`${t.host.url}/api/scim/tenants/nosuch/v2`, HOME_SCIM_TOKEN)('GET', '/Users'), 404);
    expectScimError(await scimClient(`${t.host.url}/api/scim/tenants/northwind/v2`, HOME_SCIM_TOKEN)('GET', '/Users'), 404);
  });
});

describe('refused requests (RFC 7644 §3.12)', () => {
  it.each([
    ['the body is not JSON', { raw: '{"schemas": [VALUE' }],
    ['the body is nested 10,000 levels deep', { raw: `${'['.repeat(10_000)}${']'.repeat(10_000)}` }],
    ['the body is an array', { raw: '["VALUE"]' }],
    ['schemas is missing', { body: { userName: 'VALUE@x', externalId: 'SYN1' } }],
    ['schemas does not list the core User', { body: { schemas: ['urn:VALUE'], userName: 'VALUE@x', externalId: 'SYN2' } }],
  ])('when %s, then 400 invalidSyntax', async (_case, request) => {
    expectScimError(await t.home('POST', '/Users', 'body' in request ? request.body : undefined, 'raw' in request ? { raw: request.raw } : {}), 400, 'invalidSyntax');
  });

  it.each([
    ['userName is missing', scimUser('VAL1', { userName: undefined })],
    ['externalId is missing', scimUser('VAL2', { externalId: undefined })],
    ['active is neither true nor false', scimUser('VAL3', { active: 'VALUE' })],
    ['externalId is longer than an employeeId may be', scimUser('VALUE-0123456789ab')],
    ['a date the mapping reads is not a date', scimUser('VAL4', { 'urn:ietf:params:scim:schemas:extension:custom:2.0:User': { hireDate: 'VALUE' }, schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:custom:2.0:User'] })],
  ])('when %s, then 400 invalidValue naming the attribute', async (_case, body) => {
    const answer = await t.home('POST', '/Users', body);
    expectScimError(answer, 400, 'invalidValue');
    expect(answer.json.detail).toMatch(/userName|externalId|active|hireDate/);
  });

  it.each([
    ['a value that is not JSON', 'userName eq VALUE'],
    ['no value', 'userName eq'],
    ['an unknown operator', 'userName xx "VALUE"'],
    ['more than 1,000 characters', `userName eq "${'VALUE'.repeat(250)}"`],
  ])('when a filter has %s, then 400 invalidFilter', async (_case, filter) => {
    expectScimError(await t.home('GET', `/Users?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter');
  });

  it('when startIndex or count is not an integer, then 400 invalidValue', async () => {
    expectScimError(await t.home('GET', '/Users?startIndex=VALUE'), 400, 'invalidValue');
    expectScimError(await t.home('GET', '/Users?count=1.5'), 400, 'invalidValue');
  });

  it('when a POST uses an externalId that exists, then 409 uniqueness with a detail, and a second try says the same', async () => {
    await created('UNIQ1');
    expectScimError(await t.home('POST', '/Users', scimUser('UNIQ1', { title: 'VALUE' })), 409, 'uniqueness');
    expectScimError(await t.home('POST', '/Users', scimUser('UNIQ1', { title: 'VALUE' })), 409, 'uniqueness');
  });

  it("when a User would take another User's userName (in any case), then 409 uniqueness", async () => {
    const id = await created('UNIQ2');
    await created('UNIQ3');
    expectScimError(await t.home('POST', '/Users', scimUser('UNIQ4', { userName: 'UNIQ2@HR.example' })), 409, 'uniqueness');
    expectScimError(await t.home('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: 'uniq3@hr.example' }] }), 409, 'uniqueness');
  });

  it('when a PUT or PATCH changes externalId, or a PATCH targets id or meta, then 400 mutability', async () => {
    const id = await created('MUT1');
    expectScimError(await t.home('PUT', `/Users/${id}`, scimUser('MUT2')), 400, 'mutability');
    expectScimError(await t.home('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'externalId', value: 'MUT3' }] }), 400, 'mutability');
    expectScimError(await t.home('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'meta.created', value: 'VALUE' }] }), 400, 'mutability');
  });

  it('when a PATCH removes without a path, or its value filter matches nothing, then 400 noTarget', async () => {
    const id = await created('NOT1', { emails: [{ type: 'work', value: 'w@example.com' }] });
    expectScimError(await t.home('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove' }] }), 400, 'noTarget');
    expectScimError(await t.home('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'emails[type eq "home"].value', value: 'VALUE@x' }] }), 400, 'noTarget');
  });

  it('when a PATCH path is not an attribute path, then 400 invalidPath', async () => {
    const id = await created('PATH1');
    for (const path of ['emails[type eq ].value', 'VALUE path!', 'name..givenName']) {
      expectScimError(await t.home('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path, value: 'x' }] }), 400, 'invalidPath');
    }
  });

  it('when a PATCH is not a PatchOp, or removes the userName a User needs, then 400 invalidSyntax or invalidValue', async () => {
    const id = await created('PAT1');
    expectScimError(await t.home('PATCH', `/Users/${id}`, { Operations: [{ op: 'replace', path: 'title', value: 'VALUE' }] }), 400, 'invalidSyntax');
    expectScimError(await t.home('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'VALUE', path: 'title' }] }), 400, 'invalidSyntax');
    expectScimError(await t.home('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [] }), 400, 'invalidSyntax');
    expectScimError(await t.home('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'userName' }] }), 400, 'invalidValue');
  });

  it('when the id is not one of ours, or the endpoint does not exist, then 404', async () => {
    expectScimError(await t.home('GET', '/Users/VALUE'), 404);
    expectScimError(await t.home('GET', '/Groups'), 404);
  });

  it('when the method is not one the endpoint answers, then 405 with Allow', async () => {
    const id = await created('METH1');
    const answer = await t.home('POST', `/Users/${id}`, scimUser('METH1'));
    expectScimError(answer, 405);
    expect(answer.headers.get('allow')).toBe('GET, PUT, PATCH, DELETE');
  });

  it('when the body is larger than 64 KiB, then 413; when it is not JSON by its media type, then 415', async () => {
    expectScimError(await t.home('POST', '/Users', scimUser('BIG1', { displayName: 'x'.repeat(70_000) })), 413);
    expectScimError(await t.home('POST', '/Users', undefined, { raw: JSON.stringify(scimUser('TXT1')), contentType: 'text/plain' }), 415);
  });

  it('when a filter is given to a discovery endpoint, then 403 (RFC 7644 §4); when Bulk is asked for, then 501', async () => {
    expectScimError(await t.home('GET', `/Schemas?filter=${encodeURIComponent('id eq "x"')}`), 403);
    expectScimError(await t.home('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] }), 501);
  });

  it('when attributes and excludedAttributes are both given, or a parameter twice, then 400 invalidSyntax', async () => {
    expectScimError(await t.home('GET', '/Users?attributes=userName&excludedAttributes=emails'), 400, 'invalidSyntax');
    expectScimError(await t.home('GET', '/Users?count=1&count=2'), 400, 'invalidSyntax');
  });
});

describe('what a User keeps', () => {
  it('when a client sends a password, id, meta and a misspelt attribute, then none is kept or returned, and the User is still created', async () => {
    const answer = await t.home('POST', '/Users', scimUser('KEEP1', { password: 'VALUE-Secret-1!', id: 'VALUE-id', meta: { created: '2019-09-18T18:15:26Z' }, adreses: [{ country: 'Germany' }] }));
    expect(answer.status).toBe(201);
    const read = await t.home('GET', `/Users/${answer.json.id as string}`);
    for (const json of [answer.json, read.json]) {
      expect(JSON.stringify(json)).not.toMatch(/VALUE|password|adreses|Germany/);
      expect(json.meta).toMatchObject({ resourceType: 'User', created: expect.not.stringContaining('2019') });
    }
  });

  it('when the same PUT is sent twice, then both answer the same User and the second changes nothing', async () => {
    const id = await created('SAME1');
    const body = scimUser('SAME1', { title: 'Engineer' });
    const first = await t.home('PUT', `/Users/${id}`, body);
    const second = await t.home('PUT', `/Users/${id}`, body);
    expect(second.status).toBe(200);
    expect(second.json).toEqual(first.json);
  });
});
