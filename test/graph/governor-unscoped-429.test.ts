import { readFileSync } from 'node:fs';
import { loadSeed, startGraphSimulator, type ChaosOptions, type FaultRule, type RunningGraphSimulator } from '../../dev/graph-simulator';
import type { Settings } from '../../shared/config/settings';
import { createGraphClient } from '../../shared/graph/client';
import { LocalSimulatorCredential } from '../../shared/graph/credential';
import { GraphGovernor } from '../../shared/graph/governor';
import { existingAccountReads } from '../../shared/processing/account-reads';
import { IDS, SAMPLE_SEED } from '../graph-simulator/harness';

/**
 * Graph answers 429 for more than a spent budget: "throttling behavior can depend on the type and
 * number of requests", and the way out it documents is per request — wait the Retry-After, then
 * retry that request (https://learn.microsoft.com/graph/throttling#best-practices-to-handle-throttling).
 * A budget of the tenant that is spent says so in `x-ms-throttle-scope` or
 * `x-ms-throttle-limit-percentage` (https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits),
 * and then every request of the tenant would be refused. A 429 with neither, alone, holds only the
 * request it refused.
 */
describe('a 429 that names no spent budget', () => {
  let sim: RunningGraphSimulator;
  let arrivals: Array<{ route: string; body: unknown; at: number }>;

  const start = async (options: { faults?: FaultRule[]; chaos?: ChaosOptions } = {}) => {
    arrivals = [];
    sim = await startGraphSimulator({
      port: 0,
      tls: { cert: readFileSync(process.env.DEV_TLS_CERT_FILE as string, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE as string, 'utf8') },
      seed: loadSeed(SAMPLE_SEED),
      ...options,
      observe: ({ route, body }) => void arrivals.push({ route, body, at: Date.now() }),
    });
  };
  const client = (governor: GraphGovernor) =>
    createGraphClient({ GRAPH_BASE_URL: sim.url } as Settings, { credential: new LocalSimulatorCredential(sim.url), governor });
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise((r) => setTimeout(r, 5));
  };

  afterEach(async () => {
    await sim.close();
  });

  it("when one write is refused with a plain 429, then the tenant's other writes go at once and only the refused one waits for its Retry-After", async () => {
    await start({ faults: [{ method: 'PATCH', path: `/users/${IDS.hedy}`, status: 429, times: 1, retryAfterSeconds: 2 }] });
    const governor = new GraphGovernor({ writesPerSecond: 20, initialConcurrency: 8, maxConcurrency: 8 });
    const graph = client(governor);

    const refused = graph.api(`/users/${IDS.hedy}`).patch({ department: 'A' });
    await until(() => governor.snapshot().throttled === 1);
    const afterRefusal = governor.snapshot();
    await graph.api(`/users/${IDS.marie}`).patch({ department: 'B' });
    await refused;

    const patches = arrivals.filter((a) => a.route === 'PATCH /users/{id}').map((a) => ({ department: (a.body as { department: string }).department, at: a.at }));
    expect(patches.map((p) => p.department)).toEqual(['A', 'B', 'A']);
    const [refusedAt, otherAt, retriedAt] = patches.map((p) => p.at) as [number, number, number];
    expect(afterRefusal).toMatchObject({ gateOpensInMs: 0, concurrency: 8, writesPerSecond: 20 });
    expect(otherAt).toBeLessThan(retriedAt);
    expect(retriedAt - refusedAt).toBeGreaterThanOrEqual(2_000);
  });

  it("when a $batch item is refused with a plain 429, then only that item's re-ask waits for its Retry-After, not the tenant's other reads", async () => {
    await start({ faults: [{ method: 'GET', path: `/users/${IDS.marie}/memberOf`, status: 429, times: 1, retryAfterSeconds: 2 }] });
    const governor = new GraphGovernor({ writesPerSecond: 20, initialConcurrency: 8, maxConcurrency: 8 });
    const graph = client(governor);

    const memberships = existingAccountReads(graph, IDS.marie, new Set(['memberships', 'licences'])).memberships();
    await until(() => governor.snapshot().throttled === 1);
    const afterRefusal = governor.snapshot();
    await graph.api(`/users/${IDS.hedy}`).select('id').get();
    const otherDoneAt = Date.now();
    await memberships;

    const reasked = arrivals.filter((a) => a.route === 'GET /users/{id}/memberOf');
    expect(reasked).toHaveLength(2); // in the batch, then on its own
    expect(otherDoneAt).toBeLessThan(reasked[1]!.at);
    expect(reasked[1]!.at - reasked[0]!.at).toBeGreaterThanOrEqual(2_000);
    expect(afterRefusal).toMatchObject({ gateOpensInMs: 0, concurrency: 8 });
  });

  it('when 10 % of answers are unscoped 429s, then other requests of the tenant are not held behind them: the gate stays open and the window does not shrink', async () => {
    // Seed 4 refuses 10 of its first 100 requests, never three in a row.
    await start({ chaos: { transientRate: 0.1, transientStatuses: [429], seed: 4, latencyMs: [5, 20] } });
    const governor = new GraphGovernor({ writesPerSecond: 20, initialConcurrency: 8, maxConcurrency: 8 });
    const graph = client(governor);
    let longestGateMs = 0;
    let smallestWindow = Infinity;
    const sample = setInterval(() => {
      const s = governor.snapshot();
      longestGateMs = Math.max(longestGateMs, s.gateOpensInMs);
      smallestWindow = Math.min(smallestWindow, s.concurrency);
    }, 2);

    await Promise.all(Array.from({ length: 60 }, () => graph.api(`/users/${IDS.hedy}`).select('id').get()));
    clearInterval(sample);

    expect(governor.snapshot().throttled).toBeGreaterThanOrEqual(4);
    expect(longestGateMs).toBe(0);
    expect(smallestWindow).toBe(8);
  });

  it("when plain 429s come in a spell (several in a row, nothing answered between), then they are taken for the tenant's budget: the gate closes for every request and the window is cut", async () => {
    await start({ faults: [{ method: 'GET', path: /^\/users\/[^/]+$/, status: 429, times: 4, retryAfterSeconds: 1 }] });
    const governor = new GraphGovernor({ writesPerSecond: 20, initialConcurrency: 8, maxConcurrency: 8 });
    const graph = client(governor);

    const reads = Promise.all([IDS.hedy, IDS.marie, IDS.katherine, IDS.breakglass].map((id) => graph.api(`/users/${id}`).select('id').get()));
    await until(() => governor.snapshot().throttled >= 3);
    const inTheSpell = governor.snapshot();
    await reads;

    expect(inTheSpell.gateOpensInMs).toBeGreaterThan(0);
    expect(inTheSpell.concurrency).toBe(4);
    expect(inTheSpell.writesPerSecond).toBe(20); // no scope says the write budget is spent
  });
});
