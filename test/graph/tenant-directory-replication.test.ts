import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import type { Settings } from '../../shared/config/settings';
import { createGraphClient } from '../../shared/graph/client';
import { LocalSimulatorCredential } from '../../shared/graph/credential';
import type { GraphDependency } from '../../shared/graph/dependency-recorder';
import { GraphRequestError } from '../../shared/graph/errors';
import { GraphGovernor } from '../../shared/graph/governor';
import { TenantDirectory } from '../../shared/graph/tenant-directory';
import { toStepFailure } from '../../shared/processing/failures';
import { graph, IDS, newUser, startSimulator } from '../graph-simulator/harness';

/** Shared group adds when one member has not replicated yet, over the real SDK client against the simulator. */
describe('TenantDirectory: group adds during replication delay', () => {
  let sim: RunningGraphSimulator;
  let requests: GraphDependency[];
  const contractors = { id: IDS.contractors, displayName: 'SG-Contractors', groupTypes: [], mailEnabled: false, securityEnabled: true };
  const directory = () => {
    const governor = new GraphGovernor({ writesPerSecond: 20 });
    const client = createGraphClient({ GRAPH_BASE_URL: sim.url } as Settings, {
      credential: new LocalSimulatorCredential(sim.url),
      governor,
      recordDependency: (d) => void requests.push(d),
    });
    return new TenantDirectory(client, { graphRoot: sim.url, governor, maxWaitMs: 200 });
  };
  const createWorker = async (n: string): Promise<string> =>
    (await graph(sim, 'POST', '/users', newUser({ displayName: `W ${n}`, mailNickname: n, userPrincipalName: `${n}@contoso.com`, employeeId: n }))).body.id as string;

  beforeEach(async () => {
    sim = await startSimulator();
    requests = [];
  });
  afterEach(async () => {
    await sim.close();
  });

  it('when one of three adds sharing a write names a user still replicating, then the other two are added one by one and that one fails as replicating — retried, never done or permanent', async () => {
    const ready = [await createWorker('rp0'), await createWorker('rp1')];
    sim.setReplicationDelay(60_000);
    const fresh = await createWorker('rp2');
    const d = directory();
    const results = await Promise.allSettled([...ready, fresh].map((id) => d.addMember(contractors, id)));

    expect(results.slice(0, 2)).toEqual([{ status: 'fulfilled', value: true }, { status: 'fulfilled', value: true }]);
    const failed = results[2] as PromiseRejectedResult;
    expect(failed.status).toBe('rejected');
    expect(failed.reason).toBeInstanceOf(GraphRequestError);
    expect((failed.reason as GraphRequestError).failure).toMatchObject({ kind: 'replicating', status: 400, code: 'Request_BadRequest' });
    expect(toStepFailure('groups', failed.reason).retryable).toBe(true);
    expect(sim.state.groups.get(IDS.contractors)!.memberIds).toEqual(ready);
    // The shared PATCH was refused as a whole, then each member was tried on its own.
    const writes = requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.route}`);
    expect(writes[0]).toBe('PATCH /groups/{id}');
    expect(writes.filter((w) => w === 'POST /groups/{id}/members/$ref')).toHaveLength(3);

    sim.setReplicationDelay(0);
    sim.state.replicatingUntil.clear(); // replication has caught up
    expect(await d.addMember(contractors, fresh)).toBe(true);
    expect(sim.state.groups.get(IDS.contractors)!.memberIds).toEqual([...ready, fresh]);
  });

  it('when adds sharing a write include a member already in the group, then that one still counts as already done and the others are added', async () => {
    const [already, other] = [await createWorker('am0'), await createWorker('am1')];
    expect((await graph(sim, 'POST', `/groups/${IDS.contractors}/members/$ref`, { '@odata.id': `${sim.url}/v1.0/directoryObjects/${already}` })).status).toBe(204);
    const d = directory();
    expect(await Promise.all([d.addMember(contractors, already), d.addMember(contractors, other)])).toEqual([false, true]);
    expect(sim.state.groups.get(IDS.contractors)!.memberIds).toEqual([already, other]);
  });
});
