import type { LicenceAuditReport } from './report';

/** What crossed a threshold, in words; empty when nothing needs a person. */
export function alertsOf(report: LicenceAuditReport, wasteCostThreshold: number): string[] {
  const alerts = report.skus.filter((s) => s.lowStock).map((s) => `${s.productName}: ${s.available} of ${s.enabled} left (${s.utilisationPercent}% used)`);
  if (report.wasteMonthlyCost > wasteCostThreshold) alerts.push(`~$${report.wasteMonthlyCost.toFixed(0)}/month of licences are wasted`);
  return alerts;
}

/**
 * Posts a short notice to a Teams or Slack incoming webhook. `text` is what both accept; no
 * user names go out, only counts and products.
 */
export async function notifyWebhook(url: string, report: LicenceAuditReport, alerts: string[], reportUrl?: string): Promise<void> {
  if (alerts.length === 0) return;
  const text = [`Licence audit ${report.generatedAt.slice(0, 10)} (${report.tenantId}):`, ...alerts.map((a) => `• ${a}`), ...(reportUrl ? [reportUrl] : [])].join('\n');
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }), signal: AbortSignal.timeout(10_000) });
  await response.body?.cancel();
  // The webhook URL is a credential (whoever has it can post): only the status goes into errors.
  if (!response.ok) throw new WebhookRejectedError(response.status);
}

export class WebhookRejectedError extends Error {
  constructor(readonly status: number) {
    super(`audit notification webhook answered ${status}`);
    this.name = 'WebhookRejectedError';
  }
}
