import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import type { Settings } from '../../shared/config/settings';
import { createGraphClient } from '../../shared/graph/client';
import { LocalSimulatorCredential } from '../../shared/graph/credential';
import type { GraphDependency } from '../../shared/graph/dependency-recorder';
import { GraphGovernor } from '../../shared/graph/governor';
import { TenantDirectory } from '../../shared/graph/tenant-directory';
import { graph, IDS, newUser, startSimulator } from '../graph-simulator/harness';

/** The directory over the real SDK client and governor, against the simulator over HTTPS. */
describe('TenantDirectory', () => {
  let sim: RunningGraphSimulator;
  let requests: GraphDependency[];
  let governor: GraphGovernor;
  const directory = (maxWaitMs = 200) => {
    const client = createGraphClient({ GRAPH_BASE_URL: sim.url } as Settings, {
      credential: new LocalSimulatorCredential(sim.url),
      governor,
      recordDependency: (d) => void requests.push(d),
    });
    return new TenantDirectory(client, { graphRoot: sim.url, governor, maxWaitMs });
  };
  const createWorkers = async (count: number, prefix: string): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const reply = await graph(sim, 'POST', '/users', newUser({ displayName: `W ${prefix}${i}`, mailNickname: `${prefix}${i}`, userPrincipalName: `${prefix}${i}@contoso.com`, employeeId: `${prefix}${i}` }));
      ids.push(reply.body.id as string);
    }
    return ids;
  };
  const allStaff = { id: IDS.allStaff, displayName: 'SG-All-Staff', groupTypes: [], mailEnabled: false, securityEnabled: true };

  beforeEach(async () => {
    sim = await startSimulator();
    requests = [];
    governor = new GraphGovernor({ writesPerSecond: 20 });
  });
  afterEach(async () => {
    await sim.close();
  });

  it('when 30 workers are looked up at once, then Graph gets two `in (...)` requests and each caller gets its own account', async () => {
    const ids = await createWorkers(30, 'lk');
    const d = directory();
    const found = await Promise.all(Array.from({ length: 30 }, (_, i) => d.findByEmployeeId(`lk${i}`)));
    expect(found.map((u) => u?.id)).toEqual(ids);
    expect(requests.filter((r) => r.route === '/users')).toHaveLength(2);
  });

  it('when a worker has no account, then the lookup answers undefined while the others in its request are found', async () => {
    await createWorkers(2, 'nf');
    const d = directory();
    const [a, missing, b] = await Promise.all([d.findByEmployeeId('nf0'), d.findByEmployeeId('nobody'), d.findByEmployeeId('NF1')]);
    expect(a?.employeeId).toBe('nf0');
    expect(missing).toBeUndefined();
    expect(b?.employeeId).toBe('nf1'); // Graph compares employeeId case-insensitively
  });

  it('when a manager found a moment ago is asked for again with reuse, then Graph is not asked; without reuse it is', async () => {
    await createWorkers(1, 'mg');
    const d = directory();
    await d.findByEmployeeId('mg0');
    const before = requests.length;
    expect((await d.findByEmployeeId('mg0', { reuse: true }))?.employeeId).toBe('mg0');
    expect(requests.length).toBe(before);
    await d.findByEmployeeId('mg0');
    expect(requests.length).toBe(before + 1);
  });

  it('when 25 new accounts join one group at once, then it takes two writes of at most 20 members, and all are members', async () => {
    const ids = await createWorkers(25, 'ga');
    const d = directory();
    const added = await Promise.all(ids.map((id) => d.addMember(allStaff, id)));
    expect(added.every(Boolean)).toBe(true);
    const writes = requests.filter((r) => r.method !== 'GET');
    expect(writes.length).toBeLessThanOrEqual(3);
    expect(writes.some((w) => w.method === 'PATCH' && w.route === '/groups/{id}')).toBe(true);
    const members = sim.state.groups.get(IDS.allStaff)!.memberIds;
    for (const id of ids) expect(members).toContain(id);
  });

  it('when one of a batch is already a member, then Graph refuses the batch, the rest are added one by one and that one counts as done', async () => {
    const ids = await createWorkers(4, 'gm');
    sim.state.groups.get(IDS.allStaff)!.memberIds.push(ids[0]!);
    const d = directory();
    const added = await Promise.all(ids.map((id) => d.addMember(allStaff, id)));
    expect(added).toEqual([false, true, true, true]);
    const members = sim.state.groups.get(IDS.allStaff)!.memberIds;
    expect(members.filter((m) => ids.includes(m)).sort()).toEqual([...ids].sort());
  });

  it('when an account in a batch does not exist, then only its caller fails and the others are added', async () => {
    const ids = await createWorkers(3, 'gx');
    const d = directory();
    const ghost = '99999999-9999-4999-8999-999999999999';
    const results = await Promise.allSettled([...ids, ghost].map((id) => d.addMember(allStaff, id)));
    expect(results.slice(0, 3).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(results[3]).toMatchObject({ status: 'rejected', reason: { failure: { kind: 'not-found' } } });
  });

  it('when many events resolve the same groups and read licence stock, then Graph is asked once for each', async () => {
    const d = directory();
    await Promise.all(Array.from({ length: 10 }, () => d.resolveGroups(['SG-All-Staff', 'SG-Sales'])));
    await Promise.all(Array.from({ length: 10 }, () => d.subscribedSkus()));
    expect(requests.filter((r) => r.route === '/groups')).toHaveLength(1);
    expect(requests.filter((r) => r.route === '/subscribedSkus')).toHaveLength(1);
    const resolved = await d.resolveGroups(['SG-All-Staff', 'SG-Nowhere']);
    expect([...resolved.keys()]).toEqual(['SG-All-Staff']);
  });

  it('when our own assignment uses a unit, then the cached stock counts it until the next read', async () => {
    const d = directory();
    const before = (await d.subscribedSkus()).find((s) => s.skuId === IDS.E3)!.consumedUnits;
    d.noteLicenceChange(IDS.E3, 1);
    await new Promise((r) => setImmediate(r));
    expect((await d.subscribedSkus()).find((s) => s.skuId === IDS.E3)!.consumedUnits).toBe(before + 1);
    expect((await d.subscribedSkus({ fresh: true })).find((s) => s.skuId === IDS.E3)!.consumedUnits).toBe(before);
  });
});
