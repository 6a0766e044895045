import { readFileSync } from 'node:fs';
import { loadSeed, startGraphSimulator, type FaultRule, type RunningGraphSimulator } from '../../dev/graph-simulator';
import type { Settings } from '../../shared/config/settings';
import { createGraphClient } from '../../shared/graph/client';
import { LocalSimulatorCredential } from '../../shared/graph/credential';
import { GraphRequestError } from '../../shared/graph/errors';
import { GraphGovernor } from '../../shared/graph/governor';
import { requestKey } from '../../shared/graph/service-scope';
import { existingAccountReads, type AccountRead } from '../../shared/processing/account-reads';
import { graph, IDS, SAMPLE_SEED } from '../graph-simulator/harness';

const ALL_READS = new Set<AccountRead>(['memberships', 'manager', 'licences']);
const ROUTES = new Set(['GET /users/{id}/memberOf', 'GET /users/{id}/manager', 'GET /users/{id}']);

/**
 * Graph throttles each item of a `$batch` on its own (a 429 with its own Retry-After inside a 200
 * envelope) and the SDK does not retry items (https://learn.microsoft.com/graph/throttling#throttling-and-batching).
 */
describe('a throttled $batch item and the tenant governor', () => {
  let sim: RunningGraphSimulator;
  let offsetMs: number;
  let seen: Array<{ route: string; at: number }>;

  const start = async (faults: FaultRule[] = []) => {
    sim = await startGraphSimulator({
      port: 0,
      tls: { cert: readFileSync(process.env.DEV_TLS_CERT_FILE as string, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE as string, 'utf8') },
      seed: loadSeed(SAMPLE_SEED),
      faults,
      // The simulator's throttling windows run on a clock the test may set back, so a spent budget
      // frees within about a second instead of ten.
      clock: () => Date.now() + offsetMs,
      observe: ({ route }) => void (ROUTES.has(route) && seen.push({ route, at: Date.now() })),
    });
  };
  const client = (governor: GraphGovernor) =>
    createGraphClient({ GRAPH_BASE_URL: sim.url } as Settings, { credential: new LocalSimulatorCredential(sim.url), governor });

  beforeEach(() => {
    offsetMs = 0;
    seen = [];
  });
  afterEach(async () => {
    await sim.close();
  });

  it("when a batch's items get 429 with Retry-After and a scope naming the tenant's budget, then the governor sees the throttle (window cut, gate closed) and each item is asked again no sooner than its Retry-After", async () => {
    await start();
    sim.setThrottling({ resourceUnitsPer10s: 3 });
    // Spend the tenant's 3 resource units 7 s "ago": they free again about three seconds from now —
    // long enough for the batch to meet them spent on a busy machine too.
    offsetMs = -7_000;
    for (let i = 0; i < 3; i++) expect((await graph(sim, 'GET', `/users/${IDS.hedy}?$select=id`)).status).toBe(200);
    offsetMs = 0;
    seen = [];

    const governor = new GraphGovernor({ writesPerSecond: 20, initialConcurrency: 8, maxConcurrency: 8 });
    const reads = existingAccountReads(client(governor), IDS.marie, ALL_READS);
    const all = Promise.all([reads.memberships(), reads.managerId(), reads.licences()]);

    while (governor.snapshot().throttled === 0) await new Promise((r) => setTimeout(r, 5));
    // The budget is free by the time the items are asked again, however slow this machine is.
    offsetMs = 20_000;
    const whileGated = governor.snapshot();
    const sentBeforeTheGovernorKnew = seen.length;
    await all;

    // The governor learnt of the throttle from the batch itself, before anything was asked again.
    expect(sentBeforeTheGovernorKnew).toBe(3);
    expect(whileGated.throttled).toBe(1);
    expect(whileGated.concurrency).toBe(4);
    expect(whileGated.gateOpensInMs).toBeGreaterThan(0);
    expect(whileGated.gateOpensInMs).toBeLessThanOrEqual(3_000);
    // The batch's three items, then each asked again on its own, after the gate opened.
    expect(seen).toHaveLength(6);
    const batchedAt = Math.max(...seen.slice(0, 3).map((s) => s.at));
    for (const reask of seen.slice(3)) expect(reask.at - batchedAt).toBeGreaterThanOrEqual(1_000);
    expect(new Set(seen.slice(3).map((s) => s.route))).toEqual(ROUTES);
  });

  it("when a batch item's Retry-After is longer than the SDK sleeps through, then the read fails as transient with Graph's wait instead of holding the event's slot", async () => {
    await start([{ method: 'GET', path: `/users/${IDS.marie}/memberOf`, status: 429, times: 1, retryAfterSeconds: 120 }]);
    const governor = new GraphGovernor({ writesPerSecond: 20 });
    const reads = existingAccountReads(client(governor), IDS.marie, ALL_READS);

    const failure = await reads.memberships().catch((e: unknown) => e);
    expect(Array.isArray(await reads.licences())).toBe(true);

    expect(failure).toBeInstanceOf(GraphRequestError);
    expect((failure as GraphRequestError).failure).toMatchObject({ kind: 'transient', status: 429, retryAfterMs: 120_000 });
    expect(seen.filter((s) => s.route === 'GET /users/{id}/memberOf')).toHaveLength(1);
    expect(governor.snapshot().throttled).toBe(1);
    // A lone 429 naming no budget holds that read until its Retry-After, not the tenant.
    expect(governor.snapshot().gateOpensInMs).toBe(0);
    const settled = (promise: Promise<unknown>) => Promise.race([promise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 200))]);
    expect(await settled(governor.acquire(false, false, 1, 'directory', requestKey('GET', `/users/${IDS.marie}/memberOf`)))).toBe(false);
    expect(await settled(governor.acquire(false, false, 1, 'directory', requestKey('GET', `/users/${IDS.marie}`)))).toBe(true);
  });
});
