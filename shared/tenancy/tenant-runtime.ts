import type { Client } from '@microsoft/microsoft-graph-client';
import { AppBudget, DOCUMENTED_APP_LIMITS, type AppShare } from '../graph/app-budget';
import type { GovernorSnapshot, GraphGovernor } from '../graph/governor';
import type { TenantDirectory } from '../graph/tenant-directory';
import type { ReadyTenant } from './tenant-registry';

/** What one tenant's events run against in this worker: its own token, client, budget and caches. */
export interface TenantRuntime {
  tenant: ReadyTenant;
  graph: Client;
  governor: GraphGovernor;
  directory: TenantDirectory;
}

/** `app`: the tenant's share of the app's budget across tenants, for its governor. */
export type TenantRuntimeFactory = (tenant: ReadyTenant, app: AppShare) => Omit<TenantRuntime, 'tenant'>;

export interface TenantActivity {
  key: string;
  eventsInFlight: number;
  graph: GovernorSnapshot;
}

/** host.json `maxConcurrentSessions`: the events one instance runs at once (a test keeps them in step). */
export const INSTANCE_EVENT_SLOTS = 64;
/** Slots a tenant over its share may not take: whoever else has work finds them free. */
export const RESERVED_EVENT_SLOTS = 8;

/**
 * One runtime per tenant, created on first use and rebuilt when the tenant's configuration
 * changes (its revision), so a changed rules file or budget applies without a restart. Each
 * tenant's events also take a slot here. Up to `maxEventsPerTenant` (its share) always; more
 * only while the instance has more than `RESERVED_EVENT_SLOTS` free — so a tenant alone may use
 * nearly the whole instance (its Graph batches fill best that way), but one tenant's backlog or
 * 429 storm never takes the slots another tenant's events arrive in, and as those grow, the
 * busy tenant is held to its share. Every tenant's governor also passes the one app budget of the
 * process (Graph's limits per application across all tenants), which serves tenants in turn.
 */
export class TenantRuntimes {
  private readonly runtimes = new Map<string, { revision: string; runtime: TenantRuntime }>();
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly build: TenantRuntimeFactory,
    private readonly maxEventsPerTenant: number,
    readonly appBudget: AppBudget = new AppBudget(DOCUMENTED_APP_LIMITS),
  ) {}

  runtimeOf(tenant: ReadyTenant): TenantRuntime {
    const cached = this.runtimes.get(tenant.key);
    if (cached && cached.revision === tenant.revision) return cached.runtime;
    const runtime = { tenant, ...this.build(tenant, this.appBudget.share(tenant.key)) };
    this.runtimes.set(tenant.key, { revision: tenant.revision, runtime });
    return runtime;
  }

  /** A slot for one of the tenant's events, or undefined when the tenant already has its share. */
  tryEnter(key: string): (() => void) | undefined {
    const running = this.inFlight.get(key) ?? 0;
    const total = [...this.inFlight.values()].reduce((sum, n) => sum + n, 0);
    if (running >= this.maxEventsPerTenant && total >= INSTANCE_EVENT_SLOTS - RESERVED_EVENT_SLOTS) return undefined;
    this.inFlight.set(key, running + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const now = (this.inFlight.get(key) ?? 1) - 1;
      if (now > 0) this.inFlight.set(key, now);
      else this.inFlight.delete(key);
    };
  }

  activity(): TenantActivity[] {
    return [...this.runtimes.values()].map(({ runtime }) => ({
      key: runtime.tenant.key,
      eventsInFlight: this.inFlight.get(runtime.tenant.key) ?? 0,
      graph: runtime.governor.snapshot(),
    }));
  }
}
