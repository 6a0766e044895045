import type { InvocationContext, Timer } from '@azure/functions';
import { runAuditJob } from '../shared/audit/audit-job';
import type { TimerFunctionDeclaration } from '../shared/hosting/function-declarations';
import { services } from '../shared/runtime/services';

/** The scheduled licence audit (daily by default). A failure is thrown, so the host records it. */
export async function licenceAudit(timer: Timer, context: InvocationContext): Promise<void> {
  const { graph, policy, settings, reportStore, telemetry } = services();
  const { report, alerts, notification } = await runAuditJob({ graph, policy, settings, store: reportStore, telemetry, now: () => new Date() });
  context.log(JSON.stringify({ audit: report.id, pastDue: timer.isPastDue, usersScanned: report.usersScanned, wasteMonthlyCost: report.wasteMonthlyCost, alerts: alerts.length }));
  if (typeof notification === 'object') context.warn(`licence audit ${report.id}: the notice was not delivered (${notification.failed})`);
}

export const licenceAuditFunction: TimerFunctionDeclaration = {
  kind: 'timer',
  name: 'licence-audit',
  schedule: '%LICENCE_AUDIT_SCHEDULE%',
  handler: licenceAudit,
};
