import { NotificationDeliveryError, postJson } from '../notifications/post-json';
import type { ReadyTenant } from '../tenancy/tenant-registry';
import type { ShrinkVerdict } from './shrink-guard';

/**
 * Tells a person that a report was held: a Teams or Slack incoming webhook (both take `{ text }`),
 * HR_REPORT_ALERT_WEBHOOK_URL. Counts and the tenant only — the ids of the workers gone are for the
 * operator's own status route, not a chat channel. The hold is also a warning in the log and an
 * `HrReportHeld` event in Application Insights, which an alert rule can watch.
 */
export async function notifyHold(tenant: ReadyTenant, verdict: ShrinkVerdict): Promise<string> {
  const url = tenant.settings.HR_REPORT_ALERT_WEBHOOK_URL;
  if (!url) return 'no HR_REPORT_ALERT_WEBHOOK_URL configured';
  const text = [
    `HR report of ${tenant.displayName} (${tenant.key}) held: ${verdict.reason}.`,
    'Nothing was emitted. Check the report, then release it (POST /api/manage/hr-reports/release) or fix it and let the next run pass.',
  ].join('\n');
  try {
    await postJson(url, { text }, { label: 'HR report alert webhook', allowPrivate: tenant.settings.LIFECYCLE_RUNTIME === 'local' });
    return 'sent';
  } catch (error) {
    return `failed: ${error instanceof NotificationDeliveryError ? error.message : 'error'}`;
  }
}
