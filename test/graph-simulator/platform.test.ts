import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import { loadGraphMetadata, loadSeed, validateSeed } from '../../dev/graph-simulator';
import { graph, IDS, newUser, SAMPLE_SEED, startSimulator } from './harness';

describe('Graph simulator: auth, faults and batching', () => {
  let sim: RunningGraphSimulator;
  beforeEach(async () => { sim = await startSimulator(); });
  afterEach(async () => { await sim.close(); });

  it('when a request has no bearer token, then Graph answers 401 InvalidAuthenticationToken', async () => {
    const response = await fetch(`${sim.url}/v1.0/users`);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; innerError: Record<string, string> } };
    expect(body.error.code).toBe('InvalidAuthenticationToken');
    expect(body.error.innerError['request-id']).toBe(response.headers.get('request-id'));
  });

  it('when a fault is limited to two times, then exactly the first two matching requests fail with Retry-After', async () => {
    sim.setFaults([{ method: 'GET', path: /^\/users\/[^/]+$/, status: 429, times: 2, retryAfterSeconds: 3 }]);
    const first = await graph(sim, 'GET', `/users/${IDS.hedy}`);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.body.error.code).toBe('TooManyRequests');
    expect((await graph(sim, 'GET', '/users')).status).toBe(200);
    expect((await graph(sim, 'GET', `/users/${IDS.marie}`)).status).toBe(429);
    expect((await graph(sim, 'GET', `/users/${IDS.marie}`)).status).toBe(200);
    expect(sim.stats().byRoute['GET /users/{id}']).toBe(3);
  });

  it('when a batch item is throttled, then only that item gets 429 and its dependant gets 424', async () => {
    sim.setFaults([{ method: 'POST', path: `/users/${IDS.hedy}/revokeSignInSessions`, status: 429, times: 1 }]);
    const reply = await graph(sim, 'POST', '/$batch', {
      requests: [
        { id: '1', method: 'POST', url: `/users/${IDS.hedy}/revokeSignInSessions`, body: {}, headers: { 'Content-Type': 'application/json' } },
        { id: '2', method: 'PATCH', url: `/users/${IDS.hedy}`, body: { accountEnabled: false }, headers: { 'Content-Type': 'application/json' }, dependsOn: ['1'] },
        { id: '3', method: 'GET', url: `/users/${IDS.marie}?$select=employeeId` },
      ],
    });
    expect(reply.status).toBe(200);
    const byId = Object.fromEntries(reply.body.responses.map((r: { id: string }) => [r.id, r]));
    expect(byId['1'].status).toBe(429);
    expect(byId['1'].headers['Retry-After']).toBeDefined();
    expect(byId['2'].status).toBe(424);
    expect(byId['3']).toMatchObject({ status: 200, body: { employeeId: 'M001' } });
    expect(sim.snapshot().users.find((u) => u.id === IDS.hedy)!.accountEnabled).toBe(true);
  });

  it('when a batch has more than 20 requests, then the whole batch is refused with 400', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/users' }));
    const reply = await graph(sim, 'POST', '/$batch', { requests });
    expect(reply.status).toBe(400);
  });

  it('when a PATCH carries an unknown property, then it is refused by the CSDL check and nothing is written', async () => {
    const reply = await graph(sim, 'PATCH', `/users/${IDS.hedy}`, { department: 'X', shoeSize: 44 });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain("'shoeSize'");
    expect(sim.snapshot().users.find((u) => u.id === IDS.hedy)!.department).toBe('Engineering');
    expect((await graph(sim, 'POST', '/users', newUser({ '@odata.type': '#microsoft.graph.user' }))).status).toBe(201);
  });

  it('when the CSDL is loaded, then user properties include inherited ones and navigation properties', () => {
    const user = loadGraphMetadata().propertiesOf('user');
    for (const p of ['id', 'deletedDateTime', 'employeeId', 'usageLocation', 'manager', 'memberOf', 'passwordProfile']) expect(user.has(p)).toBe(true);
    expect(user.has('favouriteColour')).toBe(false);
    expect(loadGraphMetadata().propertiesOf('group').has('members')).toBe(true);
  });

  it('when the sample seed is loaded, then no user has an employeeId or UPN that end-to-end tests use for new joiners', () => {
    const seed = loadSeed(SAMPLE_SEED);
    const reserved = /^(E1|J|M1|L|R|T)/;
    for (const u of seed.users ?? []) {
      if (u.employeeId && u.employeeId !== 'M001') expect(reserved.test(u.employeeId)).toBe(false);
      expect(['ada.lovelace@contoso.com', 'sean.obrien@contoso.com']).not.toContain(u.userPrincipalName.toLowerCase());
    }
  });

  it('when a seed misses a required field, then the error names the field', () => {
    expect(() => validateSeed({ tenant: { verifiedDomains: ['contoso.com'] }, users: [{ id: 'x', displayName: 'X' }] })).toThrow(/users\.0\.userPrincipalName/);
  });
});
