import type { InvocationContext, Timer } from '@azure/functions';
import { auditAllTenants } from '../shared/audit/msp-summary';
import type { TimerFunctionDeclaration } from '../shared/hosting/function-declarations';
import { services } from '../shared/runtime/services';

/**
 * The scheduled licence audit (daily by default), for every ready tenant. A tenant that fails
 * does not stop the others; the run is then thrown as failed, naming them, so the host records it.
 */
export async function licenceAudit(timer: Timer, context: InvocationContext): Promise<void> {
  const { tenants, tenantRuntimes, reportStore, telemetry } = services();
  const outcomes = await auditAllTenants(await tenants.list(), { runtimes: tenantRuntimes, store: reportStore, telemetry, now: () => new Date() });
  for (const o of outcomes) {
    if (!o.ok) continue;
    const { report, alerts, notification } = o;
    context.log(JSON.stringify({ tenantId: o.tenant, audit: report.id, pastDue: timer.isPastDue, usersScanned: report.usersScanned, wasteMonthlyCost: report.wasteMonthlyCost, alerts: alerts.length }));
    if (typeof notification === 'object') context.warn(`licence audit ${report.id} (${o.tenant}): the notice was not delivered (${notification.failed})`);
  }
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length > 0) throw new Error(`licence audit failed for ${failed.map((f) => `${f.tenant} (${f.error})`).join('; ')}`);
}

export const licenceAuditFunction: TimerFunctionDeclaration = {
  kind: 'timer',
  name: 'licence-audit',
  schedule: '%LICENCE_AUDIT_SCHEDULE%',
  handler: licenceAudit,
};
