import { readFileSync } from 'node:fs';
import { AppThrottle, loadSeed, startGraphSimulator, type RunningGraphSimulator } from '../../dev/graph-simulator';
import type { Settings } from '../../shared/config/settings';
import { AppBudget } from '../../shared/graph/app-budget';
import { createGraphClient } from '../../shared/graph/client';
import { LocalSimulatorCredential } from '../../shared/graph/credential';
import { GraphGovernor } from '../../shared/graph/governor';
import { graph, IDS, SAMPLE_SEED } from '../graph-simulator/harness';

/**
 * Two tenants of one app, each with its own simulator, sharing the app's write budget there
 * (https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits) and the
 * app's budget here. Graph names the scope of a 429 in `x-ms-throttle-scope`.
 */
describe('a 429 scoped to the whole application', () => {
  let offsetMs = 0;
  const clock = () => Date.now() + offsetMs;
  const sims: RunningGraphSimulator[] = [];
  const patchesAt = new Map<RunningGraphSimulator, number[]>();

  const tenant = async (appThrottle: AppThrottle) => {
    const times: number[] = [];
    const sim = await startGraphSimulator({
      port: 0,
      tls: { cert: readFileSync(process.env.DEV_TLS_CERT_FILE as string, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE as string, 'utf8') },
      seed: loadSeed(SAMPLE_SEED),
      appThrottle,
      clock,
      observe: ({ route }) => void (route === 'PATCH /users/{id}' && times.push(Date.now())),
    });
    sims.push(sim);
    patchesAt.set(sim, times);
    return sim;
  };
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });

  it("when one tenant's write is refused for the app, then another tenant's write waits for that Retry-After and this instance's app write rate is cut", async () => {
    const appThrottle = new AppThrottle({ writesPer5min: 2 }, clock);
    const [fabrikam, northwind] = [await tenant(appThrottle), await tenant(appThrottle)];
    // The app's two writes, spent 297 s "ago": they free again about three seconds from now, so the
    // next write meets them spent on a busy machine too.
    offsetMs = -297_000;
    for (const department of ['A', 'B']) expect((await graph(fabrikam, 'PATCH', `/users/${IDS.hedy}`, { department })).status).toBe(204);
    offsetMs = 0;
    patchesAt.get(fabrikam)!.length = 0;

    const app = new AppBudget({ writes: { limit: 3_000, windowMs: 300_000 }, resourceUnits: { limit: 150_000, windowMs: 20_000 } });
    const client = (sim: RunningGraphSimulator, key: string) =>
      createGraphClient({ GRAPH_BASE_URL: sim.url } as Settings, {
        credential: new LocalSimulatorCredential(sim.url),
        governor: new GraphGovernor({ writesPerSecond: 20, app: app.share(key) }),
      });
    const full = app.snapshot().writesPerSecond;

    const refusedFirst = client(northwind, 'northwind').api(`/users/${IDS.hedy}`).patch({ department: 'C' });
    while (app.snapshot().gateOpensInMs === 0 && patchesAt.get(northwind)!.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(app.snapshot().writesPerSecond).toBeLessThan(full);
    offsetMs = 10_000; // the app's budget is free again once the Retry-After has passed, however slow the machine
    await client(fabrikam, 'fabrikam').api(`/users/${IDS.hedy}`).patch({ department: 'D' });
    await refusedFirst;

    const [refusedAt] = patchesAt.get(northwind)!;
    const [waitedAt] = patchesAt.get(fabrikam)!;
    expect(waitedAt! - refusedAt!).toBeGreaterThanOrEqual(1_000);
    expect(fabrikam.snapshot().users.find((u) => u.id === IDS.hedy)!.department).toBe('D');
    expect(northwind.snapshot().users.find((u) => u.id === IDS.hedy)!.department).toBe('C');
  });
});
