import type { ReportStore, ReportSummary } from '../audit/report-store';
import type { GovernorSnapshot } from '../graph/governor';
import type { DeadLetters } from '../messaging/dead-letters';
import type { TenantState } from '../tenancy/tenant-registry';
import type { TenantActivity } from '../tenancy/tenant-runtime';

export interface ConsoleTenant {
  key: string;
  state: TenantState['state'];
  displayName?: string;
  /** What is wrong: a configuration's issues, a disabled tenant, dead letters waiting. */
  problems: string[];
  eventsInFlight: number;
  /** The tenant's Graph governor as this instance holds it (absent: no Graph call yet since start). */
  budget?: { writesPerSecond: number; inFlight: number; concurrency: number };
  throttling?: { throttled: number; gateOpensInMs: number };
  deadLetters: number;
  lastAudit?: ReportSummary;
}

function budgetOf(graph: GovernorSnapshot): Pick<ConsoleTenant, 'budget' | 'throttling'> {
  return {
    budget: { writesPerSecond: graph.writesPerSecond, inFlight: graph.inFlight, concurrency: graph.concurrency },
    throttling: { throttled: graph.throttled, gateOpensInMs: graph.gateOpensInMs },
  };
}

/** Every tenant as the console shows it; no secret (a ready tenant's settings are not shown). */
export async function tenantsView(
  deps: { states: TenantState[]; activity: TenantActivity[]; deadLetters: DeadLetters; queues: string[]; reports: ReportStore; sourceError?: string },
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
        ...(running ? budgetOf(running.graph) : {}),
        deadLetters,
        ...(lastAudit ? { lastAudit } : {}),
      };
    }),
  );
  return { tenants, ...(deps.sourceError ? { sourceError: deps.sourceError } : {}) };
}
