import type { Settings } from '../config/settings';
import { FairBucket } from './fair-bucket';
import { WriteShare, type WriteShareStore } from './write-share';

/**
 * Graph limits an app across all its tenants as well as per tenant: for identity and access,
 * 150,000 ResourceUnits per 20 s and 35,000 writes per 5 minutes per application
 * (https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits, page of
 * 2026-02; older revisions said 70,000 writes), beside the global 130,000 requests per 10 s per
 * app, which the resource units already keep us under (every request costs at least one).
 *
 * Each tenant's governor keeps that tenant under its own budget; this keeps the sum of them in
 * this process under the app's, shared fairly: every tenant governor also takes its writes and
 * resource units here, from buckets that serve waiting tenants in turn. Across instances, each
 * takes the app limit divided either by a fixed count (GRAPH_INSTANCE_COUNT) or — with `share`,
 * GRAPH_WRITE_SHARE=table — by the instances calling Graph now, counted through the same table
 * rows a tenant's write share keeps, under a partition no tenant key can have (docs/benchmarks.md,
 * "App-wide limits"). A 429 Graph scopes to the whole application closes the gate for every
 * tenant here and cuts this instance's rate, so instances beyond the count still settle under it.
 */
export interface AppBudgetOptions {
  writes: { limit: number; windowMs: number };
  resourceUnits: { limit: number; windowMs: number };
  /** Instances sharing the app's limits; each gets limit ÷ instances. */
  instances?: number;
  /** Instead of `instances`: the limits divided by the instances calling Graph now, through the write-share table. */
  share?: { store: WriteShareStore; instanceId: string; intervalMs?: number };
  now?: () => number;
}

/** The write-share partition for the app's own limits: `~` is in no tenant key (shared/tenancy/tenant.ts). */
export const APP_SHARE_KEY = '~app';

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
  private readonly instanceShare: WriteShare | undefined;
  private instances: number;

  constructor(private readonly options: AppBudgetOptions) {
    const instances = options.share ? 1 : (options.instances ?? 1);
    if (!(instances >= 1)) throw new RangeError('instances must be at least 1');
    this.instances = instances;
    const now = options.now ?? Date.now;
    this.writes = new FairBucket({ limit: options.writes.limit / instances, windowMs: options.writes.windowMs, now });
    this.units = new FairBucket({ limit: options.resourceUnits.limit / instances, windowMs: options.resourceUnits.windowMs, now });
    if (options.share) {
      const share: WriteShare = new WriteShare({
        ...options.share,
        tenantKey: APP_SHARE_KEY,
        // Only its division is used: the holders' count sizes both buckets.
        writesPerSecond: options.writes.limit / (options.writes.windowMs / 1000),
        onShare: () => this.divideBy(share.holderCount()),
        ...(options.now ? { now: options.now } : {}),
      });
      this.instanceShare = share;
    }
  }

  /** Instances the app's limits are divided by now. */
  instanceCount(): number {
    return this.instances;
  }

  /** Gives this instance's row up (an instance shutting down), so the others take its share at their next renewal. */
  close(): Promise<void> {
    return this.instanceShare?.close() ?? Promise.resolve();
  }

  private divideBy(instances: number): void {
    if (instances === this.instances) return;
    this.instances = instances;
    this.writes.resize(this.options.writes.limit / instances);
    this.units.resize(this.options.resourceUnits.limit / instances);
  }

  /** The same share for the same tenant, so a runtime rebuilt for a changed configuration keeps its turn. */
  share(tenantKey: string): AppShare {
    let share = this.shares.get(tenantKey);
    if (!share) {
      share = {
        takeWrite: () => this.writes.take(tenantKey),
        // Every request takes resource units, so this is where an instance says it calls Graph (and joins the count).
        takeResourceUnits: (units) => {
          // Holding its row (the usual case), the share answers at once: no extra wait per request.
          const joining = this.instanceShare?.beforeWrite();
          return joining ? joining.then(() => this.units.take(tenantKey, units)) : this.units.take(tenantKey, units);
        },
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

/** The process's share of the app's limits, as the settings size it: a fixed count, or the live instances through the write-share table. */
export function createAppBudget(
  settings: Pick<Settings, 'GRAPH_APP_WRITES_PER_5MIN' | 'GRAPH_APP_RESOURCE_UNITS_PER_20S' | 'GRAPH_INSTANCE_COUNT'>,
  share?: { store: WriteShareStore; instanceId: string },
): AppBudget {
  return new AppBudget({
    writes: { limit: settings.GRAPH_APP_WRITES_PER_5MIN, windowMs: 300_000 },
    resourceUnits: { limit: settings.GRAPH_APP_RESOURCE_UNITS_PER_20S, windowMs: 20_000 },
    ...(share ? { share } : { instances: settings.GRAPH_INSTANCE_COUNT }),
  });
}
