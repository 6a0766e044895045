import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, newUser, startSimulator } from './harness';

const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Graph simulator: throttling budgets', () => {
  let sim: RunningGraphSimulator;
  beforeEach(async () => { sim = await startSimulator(); });
  afterEach(async () => { await sim.close(); });

  it('when throttling is off (the default), then responses carry x-ms-resource-unit but are never refused', async () => {
    for (let i = 0; i < 30; i++) expect((await graph(sim, 'GET', `/users/${IDS.hedy}`)).status).toBe(200);
    const reply = await graph(sim, 'GET', '/subscribedSkus');
    expect(reply.headers.get('x-ms-resource-unit')).toBe('3');
    expect(reply.headers.get('x-ms-throttle-limit-percentage')).toBeNull();
  });

  it('when the resource-unit budget is spent, then the next request gets 429 TooManyRequests with Retry-After, and cheaper requests still fit', async () => {
    sim.setThrottling({ resourceUnitsPer10s: 5 });
    const first = await graph(sim, 'GET', `/users/${IDS.hedy}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ms-resource-unit')).toBe('2');
    expect(first.headers.get('x-ms-throttle-limit-percentage')).toBe('0.40');
    expect((await graph(sim, 'GET', `/users/${IDS.hedy}`)).status).toBe(200);
    const refused = await graph(sim, 'GET', `/users/${IDS.hedy}`);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('TooManyRequests');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(9);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(refused.headers.get('x-ms-resource-unit')).toBe('2');
    expect((await graph(sim, 'GET', `/users/${IDS.hedy}?$select=id`)).status).toBe(200);
    expect((await graph(sim, 'GET', `/users/${IDS.hedy}?$select=id`)).status).toBe(429);
  });

  it('when the write budget is spent, then further writes get 429 with a Retry-After within 150 s while reads still work', async () => {
    sim.setThrottling({ writesPer150s: 2 });
    expect((await graph(sim, 'PATCH', `/users/${IDS.hedy}`, { department: 'A' })).status).toBe(204);
    expect((await graph(sim, 'PATCH', `/users/${IDS.hedy}`, { department: 'B' })).status).toBe(204);
    const refused = await graph(sim, 'PATCH', `/users/${IDS.hedy}`, { department: 'C' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(140);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(150);
    expect(sim.snapshot().users.find((u) => u.id === IDS.hedy)!.department).toBe('B');
    expect((await graph(sim, 'GET', `/users/${IDS.hedy}`)).status).toBe(200);
  });

  it('when a $batch exceeds the budget, then items are charged one by one and only the item over budget gets 429 inside a 200 batch', async () => {
    sim.setThrottling({ resourceUnitsPer10s: 3 });
    const reply = await graph(sim, 'POST', '/$batch', {
      requests: [
        { id: '1', method: 'GET', url: `/users/${IDS.hedy}` },
        { id: '2', method: 'GET', url: `/users/${IDS.marie}` },
        { id: '3', method: 'GET', url: `/users/${IDS.marie}?$select=id` },
      ],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.responses.map((r: { status: number }) => r.status)).toEqual([200, 429, 200]);
    expect(reply.body.responses[1].headers['Retry-After']).toBeDefined();
  });
});

describe('Graph simulator: chaos and replication delay', () => {
  let sim: RunningGraphSimulator;
  beforeEach(async () => { sim = await startSimulator(); });
  afterEach(async () => { await sim.close(); });

  it('when the transient rate is 1, then every request fails with 429, 503 or 504, and turning chaos off restores service', async () => {
    sim.setChaos({ transientRate: 1, seed: 7 });
    const statuses = new Set<number>();
    for (let i = 0; i < 15; i++) statuses.add((await graph(sim, 'GET', `/users/${IDS.hedy}`)).status);
    expect([...statuses].every((s) => [429, 503, 504].includes(s))).toBe(true);
    expect(statuses.size).toBeGreaterThan(1);
    sim.setChaos(undefined);
    expect((await graph(sim, 'GET', `/users/${IDS.hedy}`)).status).toBe(200);
  });

  it('when chaos is seeded, then the same seed yields the same sequence of failures and successes', async () => {
    const run = async () => {
      sim.setChaos({ transientRate: 0.5, seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await graph(sim, 'GET', `/users/${IDS.hedy}?$select=id`)).status);
      return out;
    };
    const first = await run();
    expect(first).toContain(200);
    expect(first.some((s) => s !== 200)).toBe(true);
    expect(await run()).toEqual(first);
  });

  it('when latency is configured, then answers are delayed by at least the minimum', async () => {
    sim.setChaos({ latencyMs: [150, 160] });
    const started = Date.now();
    expect((await graph(sim, 'GET', `/users/${IDS.hedy}`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    expect(() => sim.setChaos({ transientRate: 2 })).toThrow(/between 0 and 1/);
  });

  it('when a replication delay is set, then a just-created user is 404 elsewhere (400 on member adds, see replication.test.ts) and missing from lists until the delay passes', async () => {
    sim.setReplicationDelay(400);
    const created = await graph(sim, 'POST', '/users', newUser({ usageLocation: 'GB' }));
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const get = await graph(sim, 'GET', `/users/${id}`);
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('Request_ResourceNotFound');
    expect((await graph(sim, 'GET', `/users?$filter=${encodeURIComponent("employeeId eq 'E2001'")}`)).body.value).toEqual([]);
    expect((await graph(sim, 'POST', `/groups/${IDS.contractors}/members/$ref`, ref(id))).status).toBe(400);
    expect((await graph(sim, 'POST', `/users/${id}/assignLicense`, { addLicenses: [{ skuId: IDS.E3 }], removeLicenses: [] })).status).toBe(404);
    expect((await graph(sim, 'PUT', `/users/${IDS.hedy}/manager/$ref`, ref(id))).status).toBe(404);
    expect((await graph(sim, 'GET', `/users/${id}/manager`)).status).toBe(404);
    expect((await graph(sim, 'POST', '/users', newUser({ mailNickname: 'other' }))).body.error.message).toContain('userPrincipalName already exists');
    await sleep(450);
    expect((await graph(sim, 'GET', `/users/${id}`)).status).toBe(200);
    expect((await graph(sim, 'GET', `/users?$filter=${encodeURIComponent("employeeId eq 'E2001'")}&$select=id`)).body.value).toEqual([{ id }]);
    expect((await graph(sim, 'POST', `/groups/${IDS.contractors}/members/$ref`, ref(id))).status).toBe(204);
  });
});
