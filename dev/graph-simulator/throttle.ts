import { GraphError } from './errors';

/**
 * Graph's identity and access limits, https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits
 * (page of 2026-02): per application+tenant pair 3,500 / 5,000 / 8,000 ResourceUnits per 10 s
 * by tenant size and 3,000 writes per 150 s; per application (across all its tenants) 150,000
 * ResourceUnits per 20 s and 35,000 writes per 5 minutes (older revisions said 70,000).
 */
export interface ThrottlingOptions {
  /** Identity & access budget per 10 s for this app in this tenant (Graph: 3,500 / 5,000 / 8,000 by tenant size). */
  resourceUnitsPer10s?: number;
  /** Writes per 150 s per app and tenant (Graph: 3,000). */
  writesPer150s?: number;
  /**
   * The write window, for a bench that scales Graph's down in time (writesPer150s is then the
   * limit per this window). Default 150,000 ms, Graph's.
   */
  writeWindowMs?: number;
}

/** The app's own budget across every tenant (one `AppThrottle` shared by several simulators). */
export interface AppThrottlingOptions {
  /** Graph: 150,000. */
  resourceUnitsPer20s?: number;
  /** Graph: 35,000. */
  writesPer5min?: number;
  /** The write window, scaled down by a bench (writesPer5min is then the limit per this window). Default 300,000 ms, Graph's. */
  writeWindowMs?: number;
}

interface Entry { at: number; cost: number }
interface Budget { limit: number; windowMs: number; writesOnly: boolean; entries: Entry[] }

/** Milliseconds until enough of the window has expired for `cost` more to fit under `limit`. */
function waitFor(budget: Budget, cost: number, now: number): number {
  let used = budget.entries.reduce((sum, e) => sum + e.cost, 0);
  if (used + cost <= budget.limit) return 0;
  for (const e of budget.entries) {
    used -= e.cost;
    if (used + cost <= budget.limit) return e.at + budget.windowMs - now;
  }
  return budget.windowMs;
}

/** `x-ms-throttle-scope` is `<Scope>/<Limit>/<ApplicationId>/<TenantId>`; the ids are not modelled. */
const NO_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Sliding-window budgets like Graph's identity & access throttling. Off unless a limit is set.
 * A refused request is not charged. Every response gets `x-ms-resource-unit`; while a RU budget
 * is set, also `x-ms-throttle-limit-percentage` (fraction of the budget used). A 429 names the
 * budget that refused it in `x-ms-throttle-scope`, as Graph documents for throttled responses.
 */
export class Throttle {
  private budgets: Budget[] = [];

  constructor(
    options: ThrottlingOptions = {},
    protected readonly now: () => number = Date.now,
    private readonly scope = 'Tenant_Application',
  ) {
    this.set(options);
  }

  set(options: ThrottlingOptions = {}): void {
    this.setBudgets(options.resourceUnitsPer10s, 10_000, options.writesPer150s, options.writeWindowMs ?? 150_000);
  }

  protected setBudgets(units: number | undefined, unitWindowMs: number, writes: number | undefined, writeWindowMs: number): void {
    this.budgets = [
      ...(units ? [{ limit: units, windowMs: unitWindowMs, writesOnly: false, entries: [] }] : []),
      ...(writes ? [{ limit: writes, windowMs: writeWindowMs, writesOnly: true, entries: [] }] : []),
    ];
  }

  /**
   * Charges one request here and in `also` (the app's budget across tenants), or nowhere: returns
   * the headers to add, or throws 429 when any budget is spent.
   */
  charge(method: string, cost: number, also: readonly Throttle[] = []): Record<string, string> {
    const isWrite = method !== 'GET';
    const headers: Record<string, string> = { 'x-ms-resource-unit': String(cost) };
    let refusal: { waitMs: number; by: Throttle; budget: Budget } | undefined;
    for (const throttle of [this, ...also]) {
      for (const budget of throttle.live(isWrite)) {
        const waitMs = waitFor(budget, budget.writesOnly ? 1 : cost, throttle.now());
        if (waitMs > (refusal?.waitMs ?? 0)) refusal = { waitMs, by: throttle, budget };
      }
    }
    if (refusal) {
      this.percentage(headers);
      const limit = refusal.budget.writesOnly ? 'Write' : 'ReadWrite';
      throw new GraphError(429, 'TooManyRequests', 'Too many requests.', {
        ...headers,
        'Retry-After': String(Math.max(1, Math.ceil(refusal.waitMs / 1000))),
        'x-ms-throttle-scope': `${refusal.by.scope}/${limit}/${NO_ID}/${NO_ID}`,
      });
    }
    for (const throttle of [this, ...also]) {
      for (const budget of throttle.live(isWrite)) budget.entries.push({ at: throttle.now(), cost: budget.writesOnly ? 1 : cost });
    }
    this.percentage(headers);
    return headers;
  }

  /** The budgets a request of this kind spends, with expired entries dropped. */
  private live(isWrite: boolean): Budget[] {
    const now = this.now();
    const live = this.budgets.filter((b) => isWrite || !b.writesOnly);
    for (const b of live) b.entries = b.entries.filter((e) => e.at > now - b.windowMs);
    return live;
  }

  private percentage(headers: Record<string, string>): void {
    const units = this.budgets.find((b) => !b.writesOnly);
    if (units) headers['x-ms-throttle-limit-percentage'] = (units.entries.reduce((s, e) => s + e.cost, 0) / units.limit).toFixed(2);
  }
}

/**
 * The app's budget across all tenants. Graph counts an app's requests to every tenant against it,
 * so each tenant's simulator is given the same one (`appThrottle`), beside its own.
 */
export class AppThrottle extends Throttle {
  constructor(options: AppThrottlingOptions = {}, now: () => number = Date.now) {
    super({}, now, 'Application');
    this.setApp(options);
  }

  setApp(options: AppThrottlingOptions = {}): void {
    this.setBudgets(options.resourceUnitsPer20s, 20_000, options.writesPer5min, options.writeWindowMs ?? 300_000);
  }
}
