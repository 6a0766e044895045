import { AppBudget, createAppBudget } from '../../shared/graph/app-budget';
import { GraphGovernor } from '../../shared/graph/governor';

/**
 * Graph limits an app across all its tenants (identity and access: 150,000 ResourceUnits per 20 s,
 * 35,000 writes per 5 minutes, https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits).
 * Time here is Jest's fake clock: the governors' and the budget's `Date.now` and timers both.
 */
const TENANTS = ['contoso', 'fabrikam', 'northwind'];
const written = { status: 204, isWrite: true };
const read = { status: 200, isWrite: false };
const plenty = { limit: 1_000_000, windowMs: 20_000 };

/** The most spent in any window of `windowMs`, from (time, cost) pairs. */
function mostInAnyWindow(spent: Array<{ at: number; cost: number }>, windowMs: number): number {
  const sorted = [...spent].sort((a, b) => a.at - b.at);
  let most = 0;
  let sum = 0;
  let first = 0;
  for (const s of sorted) {
    sum += s.cost;
    while ((sorted[first] as { at: number }).at <= s.at - windowMs) sum -= (sorted[first++] as { cost: number }).cost;
    most = Math.max(most, sum);
  }
  return most;
}

/** Each tenant keeps `workers` requests waiting (its own number, or the same for all) for as long as the run lasts; returns what was granted. */
async function run(governors: Map<string, GraphGovernor>, ms: number, kind: { isWrite: boolean; units: number }, workers: number | Record<string, number> = 4) {
  const granted: Array<{ tenant: string; at: number; cost: number }> = [];
  let over = false;
  for (const [tenant, governor] of governors) {
    for (let w = 0; w < (typeof workers === 'number' ? workers : (workers[tenant] ?? 1)); w++) {
      void (async () => {
        // Bounded, so a budget that never makes anyone wait ends the run instead of spinning.
        while (!over && granted.length < 20_000) {
          const release = await governor.acquire(kind.isWrite, false, kind.units);
          if (over) break;
          granted.push({ tenant, at: Date.now(), cost: kind.isWrite ? 1 : kind.units });
          release(kind.isWrite ? written : read);
        }
      })();
    }
  }
  await jest.advanceTimersByTimeAsync(ms);
  over = true;
  return granted;
}

const byTenant = (granted: Array<{ tenant: string; cost: number }>) => TENANTS.map((t) => granted.filter((g) => g.tenant === t).reduce((sum, g) => sum + g.cost, 0));

describe("GraphGovernor with the app's budget across tenants", () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const governorsSharing = (app: AppBudget) =>
    new Map(TENANTS.map((t) => [t, new GraphGovernor({ writesPerSecond: 20, maxConcurrency: 8, app: app.share(t) })]));

  it("when several tenants' governors each want their full write rate, then together they are held to the app's, and each gets at least half its fair share however many requests it has waiting", async () => {
    // 300 writes per 10 s for the app: 27/s after a 30-write burst, while the tenants ask 3 × 20/s;
    // contoso keeps 16 writes waiting, northwind one (in arrival order it would get 1 in 21).
    const app = new AppBudget({ writes: { limit: 300, windowMs: 10_000 }, resourceUnits: plenty });
    const granted = await run(governorsSharing(app), 30_000, { isWrite: true, units: 1 }, { contoso: 16, fabrikam: 4, northwind: 1 });

    const allowance = 30 + 27 * 30; // the burst, then the refill over the run
    expect(granted.length).toBeLessThanOrEqual(allowance);
    expect(granted.length).toBeGreaterThan(allowance * 0.9);
    for (const writes of byTenant(granted)) expect(writes).toBeGreaterThanOrEqual(allowance / TENANTS.length / 2);
  });

  it("when tenants write as fast as their governors allow, then no window of the app's ever holds more writes than its limit", async () => {
    const app = new AppBudget({ writes: { limit: 300, windowMs: 10_000 }, resourceUnits: plenty });
    const granted = await run(governorsSharing(app), 45_000, { isWrite: true, units: 1 });
    expect(mostInAnyWindow(granted, 10_000)).toBeLessThanOrEqual(300);
  });

  it("when one tenant has a backlog of writes, then another tenant's few writes are served in turn beside it, not behind it", async () => {
    const app = new AppBudget({ writes: { limit: 100, windowMs: 10_000 }, resourceUnits: plenty }); // 9/s after a burst of 10
    const governors = governorsSharing(app);
    let busyDone = 0;
    for (let i = 0; i < 300; i++) void governors.get('contoso')!.acquire(true).then((release) => { busyDone++; release(written); });
    await jest.advanceTimersByTimeAsync(5_000);
    expect(app.snapshot().waitingWrites).toBeGreaterThan(40); // contoso's backlog: more than 4 s of the app's writes

    let quietDone = 0;
    for (let i = 0; i < 5; i++) void governors.get('fabrikam')!.acquire(true).then((release) => { quietDone++; release(written); });
    await jest.advanceTimersByTimeAsync(2_000);

    expect(quietDone).toBe(5);
    expect(busyDone).toBeLessThan(300);
  });

  it("when tenants read as fast as their windows allow, then their resource units are held under the app's, shared fairly, and a read does not wait behind writes", async () => {
    // 600 RU per 20 s: 28.5 RU/s after a 30 RU burst; each read here costs 2.
    const app = new AppBudget({ writes: { limit: 2, windowMs: 300_000 }, resourceUnits: { limit: 600, windowMs: 20_000 } });
    const governors = governorsSharing(app);
    for (let i = 0; i < 5; i++) void governors.get('contoso')!.acquire(true); // the app's writes are spent for minutes
    const granted = await run(governors, 40_000, { isWrite: false, units: 2 });

    expect(mostInAnyWindow(granted, 20_000)).toBeLessThanOrEqual(600);
    const allowance = 30 + 28.5 * 40;
    for (const units of byTenant(granted)) expect(units).toBeGreaterThanOrEqual(allowance / TENANTS.length / 2);
    expect(app.snapshot().waitingWrites).toBeGreaterThan(0);
  });

  it("when Graph throttles the whole application at one tenant, then every tenant's next request waits for that Retry-After", async () => {
    const app = new AppBudget({ writes: { limit: 3_000, windowMs: 300_000 }, resourceUnits: plenty });
    const governors = governorsSharing(app);
    const release = await governors.get('contoso')!.acquire(false);
    release({ status: 429, isWrite: false, retryAfterMs: 3_000, appWide: 'all' });

    let sentAt: number | undefined;
    const startedAt = Date.now();
    void governors.get('fabrikam')!.acquire(false).then((r) => { sentAt = Date.now(); r(read); });
    await jest.advanceTimersByTimeAsync(2_900);
    expect(sentAt).toBeUndefined();
    await jest.advanceTimersByTimeAsync(200);
    expect(sentAt! - startedAt).toBeGreaterThanOrEqual(3_000);
    expect(governors.get('fabrikam')!.snapshot().throttled).toBe(0); // its own window is not cut
  });

  it("when Graph throttles the app's writes anyway (more instances share it than counted), then this instance's app write rate is cut, writes wait and reads do not, and accepted writes bring the rate back", async () => {
    const app = new AppBudget({ writes: { limit: 3_000, windowMs: 300_000 }, resourceUnits: plenty });
    const governors = governorsSharing(app);
    const full = app.snapshot().writesPerSecond;
    (await governors.get('contoso')!.acquire(true))({ status: 429, isWrite: true, retryAfterMs: 5_000, appWide: 'writes' });
    expect(app.snapshot().writesPerSecond).toBeCloseTo(full * 0.7, 1);

    let wrote = false;
    void governors.get('fabrikam')!.acquire(true).then((r) => { wrote = true; r(written); });
    const reading = governors.get('fabrikam')!.acquire(false);
    await jest.advanceTimersByTimeAsync(10);
    (await reading)(read);
    expect(wrote).toBe(false);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(wrote).toBe(true);

    await run(governorsSharing(app), 60_000, { isWrite: true, units: 1 }, 1);
    expect(app.snapshot().writesPerSecond).toBe(full);
  });

  it("when the app runs on N instances, then each instance's share is the app's limit divided by N", () => {
    const limits = { GRAPH_APP_WRITES_PER_5MIN: 35_000, GRAPH_APP_RESOURCE_UNITS_PER_20S: 150_000 };
    const one = createAppBudget({ ...limits, GRAPH_INSTANCE_COUNT: 1 }).snapshot();
    const four = createAppBudget({ ...limits, GRAPH_INSTANCE_COUNT: 4 }).snapshot();
    // The refill leaves room for the burst, so the whole window stays under the limit.
    expect(one.writesPerSecond).toBeLessThanOrEqual(35_000 / 300);
    expect(one.writesPerSecond).toBeGreaterThan((35_000 / 300) * 0.99);
    expect(four.writesPerSecond).toBeCloseTo(one.writesPerSecond / 4, 0);
    expect(four.resourceUnitsPerSecond).toBeCloseTo(one.resourceUnitsPerSecond / 4, 0);
    expect(one.resourceUnitsPerSecond).toBeLessThanOrEqual(150_000 / 20);
  });
});
