import type { ReportStore, ReportSummary } from '../audit/report-store';
import type { GovernorSnapshot } from '../graph/governor';
import { shareOf, type LiveHolder } from '../graph/write-share';
import type { DeadLetters } from '../messaging/dead-letters';
import type { TenantState } from '../tenancy/tenant-registry';
import type { TenantActivity } from '../tenancy/tenant-runtime';

/** What the write-share table says of a tenant: the instances writing to it now, and their shares. */
export type DeploymentBudget =
  | { source: 'write-share-table'; instances: number; writesPerSecond: number; holders: (LiveHolder & { writesPerSecond: number })[] }
  | { source: 'write-share-table'; error: string };

/** Reads the write-share table (GRAPH_WRITE_SHARE=table); absent when the instances do not share through it. */
export interface DeploymentShares {
  liveHolders(tenantKey: string, now: number): Promise<LiveHolder[]>;
}

export interface ConsoleTenant {
  key: string;
  state: TenantState['state'];
  displayName?: string;
  /** What is wrong: a configuration's issues, a disabled tenant, dead letters waiting. */
  problems: string[];
  eventsInFlight: number;
  /**
   * The tenant's Graph write budget. `scope: 'deployment'`: `deployment` is every instance writing
   * to it, from the write-share table; otherwise only this instance is known. `thisInstance`: the
   * governor here (absent: no Graph call from this instance since it started).
   */
  budget?: { scope: 'deployment' | 'this-instance'; thisInstance?: { writesPerSecond: number; inFlight: number; concurrency: number }; deployment?: DeploymentBudget };
  /** Always this instance's: the share table records no 429s, so the others' are not known here. */
  throttling?: { scope: 'this-instance'; throttled: number; gateOpensInMs: number };
  deadLetters: number;
  lastAudit?: ReportSummary;
}

async function deploymentOf(shares: DeploymentShares, tenantKey: string, writesPerSecond: number): Promise<DeploymentBudget> {
  try {
    const live = await shares.liveHolders(tenantKey, Date.now());
    return {
      source: 'write-share-table',
      instances: live.length,
      // Their shares summed: n holders of rate/n each are the tenant's whole rate (not n rounded shares added up).
      writesPerSecond: live.length > 0 ? Number(writesPerSecond.toFixed(2)) : 0,
      holders: live.map((h) => ({ ...h, writesPerSecond: shareOf(writesPerSecond, h.demand, live.reduce((sum, x) => sum + x.demand, 0)) })),
    };
  } catch (error) {
    // The storage's code or status only: a message may carry a request URL.
    const why = (error as { code?: unknown; statusCode?: unknown }).code ?? (error as { statusCode?: unknown }).statusCode ?? 'unreachable';
    return { source: 'write-share-table', error: `the write-share table could not be read (${String(why)})` };
  }
}

async function budgetOf(s: TenantState, graph: GovernorSnapshot | undefined, shares: DeploymentShares | undefined): Promise<Pick<ConsoleTenant, 'budget' | 'throttling'>> {
  // Only a ready tenant has a write rate to divide; a disabled or invalid one shows what this instance still holds.
  const deployment = shares && s.state === 'ready' ? await deploymentOf(shares, s.key, s.tenant.settings.GRAPH_WRITES_PER_SECOND) : undefined;
  if (!graph && !deployment && s.state !== 'ready') return {};
  return {
    budget: {
      scope: deployment && !('error' in deployment) ? 'deployment' : 'this-instance',
      ...(graph ? { thisInstance: { writesPerSecond: graph.writesPerSecond, inFlight: graph.inFlight, concurrency: graph.concurrency } } : {}),
      ...(deployment ? { deployment } : {}),
    },
    ...(graph ? { throttling: { scope: 'this-instance', throttled: graph.throttled, gateOpensInMs: graph.gateOpensInMs } } : {}),
  };
}

/** Every tenant as the console shows it; no secret (a ready tenant's settings are not shown). */
export async function tenantsView(
  deps: { states: TenantState[]; activity: TenantActivity[]; deadLetters: DeadLetters; queues: string[]; reports: ReportStore; shares?: DeploymentShares; sourceError?: string },
): Promise<{ tenants: ConsoleTenant[]; sourceError?: string }> {
  const activity = new Map(deps.activity.map((a) => [a.key, a]));
  const letters = (await Promise.all(deps.queues.map((q) => deps.deadLetters.list(q)))).flat();
  const tenants = await Promise.all(
    deps.states.map(async (s): Promise<ConsoleTenant> => {
      const deadLetters = letters.filter((d) => d.tenantId === s.key).length;
      const problems = [
        ...(s.state === 'invalid' ? s.issues.map((i) => `${s.origin}: ${i}`) : []),
        ...(s.state === 'disabled' ? ['disabled: its events are dead-lettered'] : []),
        ...(deadLetters > 0 ? [`${deadLetters} dead letter(s)`] : []),
      ];
      // A tenant's audit store is readable only for a configured tenant; one missing report is no problem.
      const [lastAudit] = s.state === 'invalid' ? [] : await deps.reports.forTenant(s.key).list(1).catch(() => []);
      const running = activity.get(s.key);
      return {
        key: s.key,
        state: s.state,
        ...(s.state !== 'invalid' ? { displayName: s.displayName } : {}),
        problems,
        eventsInFlight: running?.eventsInFlight ?? 0,
        ...(await budgetOf(s, running?.graph, deps.shares)),
        deadLetters,
        ...(lastAudit ? { lastAudit } : {}),
      };
    }),
  );
  return { tenants, ...(deps.sourceError ? { sourceError: deps.sourceError } : {}) };
}
