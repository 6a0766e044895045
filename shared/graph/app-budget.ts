import type { Settings } from '../config/settings';
import { FairBucket } from './fair-bucket';

/**
 * Graph limits an app across all its tenants as well as per tenant: for identity and access,
 * 150,000 ResourceUnits per 20 s and 35,000 writes per 5 minutes per application
 * (https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits, page of
 * 2026-02; older revisions said 70,000 writes), beside the global 130,000 requests per 10 s per
 * app, which the resource units already keep us under (every request costs at least one).
 *
 * Each tenant's governor keeps that tenant under its own budget; this keeps the sum of them in
 * this process under the app's, shared fairly: every tenant governor also takes its writes and
 * resource units here, from buckets that serve waiting tenants in turn. Instances share nothing,
 * so each takes the app limit divided by the instances that may run (docs/benchmarks.md, "App-wide
 * limits"); a 429 Graph scopes to the whole application closes the gate for every tenant here
 * and cuts this instance's rate, so instances beyond the count still settle under the limit.
 */
export interface AppBudgetOptions {
  writes: { limit: number; windowMs: number };
  resourceUnits: { limit: number; windowMs: number };
  /** Instances sharing the app's limits; each gets limit ÷ instances. */
  instances?: number;
  now?: () => number;
}

/** One tenant's way into the app's budget. */
export interface AppShare {
  takeWrite(): Promise<void>;
  takeResourceUnits(units: number): Promise<void>;
  /** Graph throttled the whole application (`x-ms-throttle-scope: Application/…`): its writes, or all its requests. */
  throttled(retryAfterMs: number, limit: AppWideLimit): void;
}

export type AppWideLimit = 'writes' | 'all';

export interface AppBudgetSnapshot {
  writesPerSecond: number;
  resourceUnitsPerSecond: number;
  waitingWrites: number;
  waitingResourceUnits: number;
  tenantsWaiting: number;
  gateOpensInMs: number;
}

export class AppBudget {
  private readonly writes: FairBucket;
  private readonly units: FairBucket;
  private readonly shares = new Map<string, AppShare>();

  constructor(options: AppBudgetOptions) {
    const instances = options.instances ?? 1;
    if (!(instances >= 1)) throw new RangeError('instances must be at least 1');
    const now = options.now ?? Date.now;
    this.writes = new FairBucket({ limit: options.writes.limit / instances, windowMs: options.writes.windowMs, now });
    this.units = new FairBucket({ limit: options.resourceUnits.limit / instances, windowMs: options.resourceUnits.windowMs, now });
  }

  /** The same share for the same tenant, so a runtime rebuilt for a changed configuration keeps its turn. */
  share(tenantKey: string): AppShare {
    let share = this.shares.get(tenantKey);
    if (!share) {
      share = {
        takeWrite: () => this.writes.take(tenantKey),
        takeResourceUnits: (units) => this.units.take(tenantKey, units),
        // Writes throttled leave reads free (https://learn.microsoft.com/graph/throttling); every
        // request, a write included, takes resource units, so that bucket holds them all.
        throttled: (ms, limit) => (limit === 'writes' ? this.writes : this.units).throttled(ms),
      };
      this.shares.set(tenantKey, share);
    }
    return share;
  }

  snapshot(): AppBudgetSnapshot {
    const writes = this.writes.snapshot();
    const units = this.units.snapshot();
    return {
      writesPerSecond: Number(this.writes.rate.toFixed(2)),
      resourceUnitsPerSecond: Number(this.units.rate.toFixed(2)),
      waitingWrites: writes.waiting,
      waitingResourceUnits: units.waiting,
      tenantsWaiting: new Set([...writes.tenants, ...units.tenants]).size,
      gateOpensInMs: Math.max(writes.gateOpensInMs, units.gateOpensInMs),
    };
  }
}

/** Graph's documented identity and access limits per application (the settings' defaults). */
export const DOCUMENTED_APP_LIMITS: AppBudgetOptions = {
  writes: { limit: 35_000, windowMs: 300_000 },
  resourceUnits: { limit: 150_000, windowMs: 20_000 },
};

/** The process's share of the app's limits, as the settings size it. */
export function createAppBudget(
  settings: Pick<Settings, 'GRAPH_APP_WRITES_PER_5MIN' | 'GRAPH_APP_RESOURCE_UNITS_PER_20S' | 'GRAPH_INSTANCE_COUNT'>,
): AppBudget {
  return new AppBudget({
    writes: { limit: settings.GRAPH_APP_WRITES_PER_5MIN, windowMs: 300_000 },
    resourceUnits: { limit: settings.GRAPH_APP_RESOURCE_UNITS_PER_20S, windowMs: 20_000 },
    instances: settings.GRAPH_INSTANCE_COUNT,
  });
}
