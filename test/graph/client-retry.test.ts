import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import type { Settings } from '../../shared/config/settings';
import { createGraphClient } from '../../shared/graph/client';
import { LocalSimulatorCredential } from '../../shared/graph/credential';
import type { GraphDependency } from '../../shared/graph/dependency-recorder';
import { GraphRequestError } from '../../shared/graph/errors';
import { findUsersByEmployeeIds } from '../../shared/graph/users';
import { startSimulator } from '../graph-simulator/harness';

describe('Graph client retries', () => {
  let sim: RunningGraphSimulator;
  let tries: GraphDependency[];
  const client = () =>
    createGraphClient({ GRAPH_BASE_URL: sim.url } as Settings, { credential: new LocalSimulatorCredential(sim.url), recordDependency: (d) => void tries.push(d) });
  beforeEach(async () => {
    sim = await startSimulator();
    tries = [];
  });
  afterEach(async () => {
    await sim.close();
  });

  it('when Graph asks for a short wait, then the SDK waits and retries in place', async () => {
    sim.setFaults([{ method: 'GET', path: '/users', status: 429, times: 1, retryAfterSeconds: 1 }]);
    await expect(findUsersByEmployeeIds(client(), ['M001'])).resolves.toBeInstanceOf(Map);
    expect(tries.map((t) => t.status)).toEqual([429, 200]);
  });

  it("when Graph asks for a long wait, then the try fails at once as transient with Graph's Retry-After, so the event is rescheduled instead of holding its slot", async () => {
    sim.setFaults([{ method: 'GET', path: '/users', status: 429, times: 1, retryAfterSeconds: 120 }]);
    const started = Date.now();
    const failure = await findUsersByEmployeeIds(client(), ['M001']).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failure).toBeInstanceOf(GraphRequestError);
    expect((failure as GraphRequestError).failure).toMatchObject({ kind: 'transient', status: 429, retryAfterMs: 120_000 });
    expect(tries.map((t) => t.status)).toEqual([429]);
  });
});
