import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Client } from '@microsoft/microsoft-graph-client';
import * as z from 'zod';
import type { Settings } from '../config/settings';
import type { AccessPolicy } from '../rules/access-policy';
import type { Telemetry } from '../telemetry/telemetry';
import { alertsOf, notifyWebhook } from './notify';
import type { LicenceAuditReport } from './report';
import type { ReportStore } from './report-store';
import { runLicenceAudit } from './run-audit';
import { DEFAULT_MONTHLY_PRICES } from './sku-catalog';
import { HOME_TENANT } from '../tenancy/tenant';

export interface AuditJobDeps {
  graph: Client;
  policy: AccessPolicy;
  settings: Settings;
  store: ReportStore;
  telemetry: Telemetry;
  now: () => Date;
  /** The tenant audited (default: the home tenant). */
  tenantId?: string;
  /** The tenant's own prices, over LICENCE_PRICES_FILE and the built-in list. */
  prices?: Record<string, number>;
}

const pricesSchema = z.record(z.string().min(1), z.number().min(0));

/** A setting the audit needs is unusable; the message names the setting, never a secret. */
export class AuditConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditConfigurationError';
  }
}

/** Whether the webhook was told: a failed notice is reported, not fatal (the report is already stored). */
export type NotificationOutcome = 'not-configured' | 'nothing-to-say' | 'sent' | { failed: string };

/** Built-in list prices, overridden by LICENCE_PRICES_FILE; a bad file names itself and stops. */
export function loadPrices(settings: Settings): Record<string, number> {
  if (!settings.LICENCE_PRICES_FILE) return { ...DEFAULT_MONTHLY_PRICES };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(settings.LICENCE_PRICES_FILE, 'utf8'));
  } catch (error) {
    throw new AuditConfigurationError(`LICENCE_PRICES_FILE ${settings.LICENCE_PRICES_FILE} cannot be read as JSON: ${(error as Error).message}`);
  }
  const parsed = pricesSchema.safeParse(json);
  if (!parsed.success) throw new AuditConfigurationError(`LICENCE_PRICES_FILE ${settings.LICENCE_PRICES_FILE}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'} ${i.message}`).join('; ')}`);
  return { ...DEFAULT_MONTHLY_PRICES, ...parsed.data };
}

/** Runs the audit, keeps the report, publishes per-SKU metrics and notifies when a threshold is crossed. */
export async function runAuditJob(
  deps: AuditJobDeps,
  reportUrl?: string,
): Promise<{ report: LicenceAuditReport; alerts: string[]; notification: NotificationOutcome }> {
  const prices = { ...loadPrices(deps.settings), ...deps.prices };
  const report = await runLicenceAudit(
    {
      graph: deps.graph,
      policy: deps.policy,
      now: deps.now,
      tenantId: deps.tenantId ?? HOME_TENANT,
      prices,
      lowStockThreshold: deps.settings.LICENCE_LOW_STOCK_THRESHOLD,
      inactiveDays: deps.settings.LICENCE_INACTIVE_DAYS,
    },
    randomUUID(),
  );
  await deps.store.save(report);
  for (const sku of report.skus) {
    const dims = { tenantId: report.tenantId, sku: sku.skuPartNumber };
    deps.telemetry.trackMetric('licence.available', sku.available, dims);
    deps.telemetry.trackMetric('licence.consumed', sku.consumed, dims);
    deps.telemetry.trackMetric('licence.utilisationPercent', sku.utilisationPercent, dims);
  }
  deps.telemetry.trackMetric('licence.wasteMonthlyCost', report.wasteMonthlyCost, { tenantId: report.tenantId });
  const alerts = alertsOf(report, deps.settings.LICENCE_WASTE_ALERT_MONTHLY);
  return { report, alerts, notification: await notify(deps.settings.AUDIT_NOTIFY_WEBHOOK_URL, report, alerts, reportUrl) };
}

async function notify(url: string | undefined, report: LicenceAuditReport, alerts: string[], reportUrl?: string): Promise<NotificationOutcome> {
  if (!url) return 'not-configured';
  if (alerts.length === 0) return 'nothing-to-say';
  try {
    await notifyWebhook(url, report, alerts, reportUrl);
    return 'sent';
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
}
