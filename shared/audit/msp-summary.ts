import type { Telemetry } from '../telemetry/telemetry';
import type { TenantState } from '../tenancy/tenant-registry';
import type { TenantRuntimes } from '../tenancy/tenant-runtime';
import { runAuditJob, type NotificationOutcome } from './audit-job';
import type { LicenceAuditReport, WasteReason } from './report';
import type { ReportStore } from './report-store';

export type TenantAuditOutcome =
  | { tenant: string; ok: true; report: LicenceAuditReport; alerts: string[]; notification: NotificationOutcome }
  | { tenant: string; ok: false; error: string };

const PARALLEL_TENANTS = 4;

/**
 * The audit for every ready tenant, a few at a time (each on its own Graph budget). One
 * tenant's failure is reported with the others' results instead of stopping them.
 */
export async function auditAllTenants(
  states: readonly TenantState[],
  deps: { runtimes: TenantRuntimes; store: ReportStore; telemetry: Telemetry; now: () => Date },
  reportUrl?: string,
): Promise<TenantAuditOutcome[]> {
  const ready = states.filter((s): s is Extract<TenantState, { state: 'ready' }> => s.state === 'ready');
  const outcomes: TenantAuditOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ready.length) {
      const { tenant } = ready[next++] as Extract<TenantState, { state: 'ready' }>;
      try {
        const runtime = deps.runtimes.runtimeOf(tenant);
        const result = await runAuditJob(
          {
            graph: runtime.graph,
            policy: tenant.policy,
            settings: tenant.settings,
            store: deps.store.forTenant(tenant.key),
            telemetry: deps.telemetry,
            now: deps.now,
            tenantId: tenant.key,
            ...(tenant.licencePrices ? { prices: tenant.licencePrices } : {}),
          },
          reportUrl ? `${reportUrl}?tenant=${encodeURIComponent(tenant.key)}` : undefined,
        );
        outcomes.push({ tenant: tenant.key, ok: true, ...result });
      } catch (error) {
        outcomes.push({ tenant: tenant.key, ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_TENANTS, ready.length) }, worker));
  return outcomes.sort((a, b) => a.tenant.localeCompare(b.tenant));
}

export interface TenantLicenceLine {
  tenant: string;
  displayName?: string;
  state: TenantState['state'];
  /** Absent: no audit of this tenant has been stored yet. */
  latest?: {
    id: string;
    generatedAt: string;
    usersScanned: number;
    licencesConsumed: number;
    licenceMonthlyCost: number;
    wasteMonthlyCost: number;
    waste: Partial<Record<WasteReason, { users: number; licences: number; monthlyCost: number }>>;
    lowStockSkus: string[];
  };
}

/** Licence waste and cost by customer, from each tenant's latest stored report. */
export interface MspLicenceSummary {
  generatedAt: string;
  tenants: TenantLicenceLine[];
  totals: { tenantsAudited: number; tenantsNotAudited: number; usersScanned: number; licenceMonthlyCost: number; wasteMonthlyCost: number };
}

export async function buildMspSummary(states: readonly TenantState[], store: ReportStore, now: Date): Promise<MspLicenceSummary> {
  const tenants = await Promise.all(
    states.map(async (s): Promise<TenantLicenceLine> => {
      const base = { tenant: s.key, state: s.state, ...(s.state === 'invalid' ? {} : { displayName: s.displayName }) };
      const report = await store.forTenant(s.key).latest();
      return report ? { ...base, latest: lineOf(report) } : base;
    }),
  );
  const audited = tenants.flatMap((t) => (t.latest ? [t.latest] : []));
  const sum = (pick: (l: NonNullable<TenantLicenceLine['latest']>) => number) => round(audited.reduce((total, l) => total + pick(l), 0));
  return {
    generatedAt: now.toISOString(),
    tenants,
    totals: {
      tenantsAudited: audited.length,
      tenantsNotAudited: tenants.length - audited.length,
      usersScanned: sum((l) => l.usersScanned),
      licenceMonthlyCost: sum((l) => l.licenceMonthlyCost),
      wasteMonthlyCost: sum((l) => l.wasteMonthlyCost),
    },
  };
}

function lineOf(report: LicenceAuditReport): NonNullable<TenantLicenceLine['latest']> {
  return {
    id: report.id,
    generatedAt: report.generatedAt,
    usersScanned: report.usersScanned,
    licencesConsumed: report.skus.reduce((n, s) => n + s.consumed, 0),
    licenceMonthlyCost: round(report.skus.reduce((n, s) => n + s.consumed * (s.monthlyPrice ?? 0), 0)),
    wasteMonthlyCost: report.wasteMonthlyCost,
    waste: Object.fromEntries(report.waste.map((w) => [w.reason, { users: w.userCount, licences: w.licenceCount, monthlyCost: w.monthlyCost }])),
    lowStockSkus: report.skus.filter((s) => s.lowStock).map((s) => s.skuPartNumber),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

