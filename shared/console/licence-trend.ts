import type { LicenceAuditReport } from '../audit/report';
import type { ReportStore } from '../audit/report-store';

/** Audits the trend keeps: a daily timer's three months. Each one is a blob download, so it is bounded. */
export const TREND_AUDITS = 90;

/** One audit as the trend draws it: its date and the totals and utilisation the licence view shows. */
export interface TrendPoint {
  id: string;
  generatedAt: string;
  usersScanned: number;
  /** What the licences in use cost a month; absent when the audit knew no SKU's price. */
  monthlySpend?: number;
  wasteMonthlyCost: number;
  skus: { skuPartNumber: string; productName: string; utilisationPercent: number; consumed: number; enabled: number }[];
}

export type ConsoleLicences = LicenceAuditReport & { trend: TrendPoint[]; trendTruncated?: true };

/** The monthly cost of the consumed units, over the SKUs whose price the audit knew. */
export function monthlySpendOf(report: Pick<LicenceAuditReport, 'skus'>): number | undefined {
  if (!report.skus.some((s) => s.monthlyPrice !== undefined)) return undefined;
  return report.skus.reduce((sum, s) => sum + (s.monthlyPrice ?? 0) * s.consumed, 0);
}

export function trendPointOf(report: LicenceAuditReport): TrendPoint {
  const spend = monthlySpendOf(report);
  return {
    id: report.id,
    generatedAt: report.generatedAt,
    usersScanned: report.usersScanned,
    ...(spend === undefined ? {} : { monthlySpend: spend }),
    wasteMonthlyCost: report.wasteMonthlyCost,
    skus: report.skus.map((s) => ({ skuPartNumber: s.skuPartNumber, productName: s.productName, utilisationPercent: s.utilisationPercent, consumed: s.consumed, enabled: s.enabled })),
  };
}

/**
 * The tenant's latest audit report with the trend of its newest `limit` audits, oldest first (the
 * order a chart reads). One more is read than kept, so the answer can say the store holds more.
 * Undefined before the first audit.
 */
export async function consoleLicences(store: ReportStore, limit = TREND_AUDITS): Promise<ConsoleLicences | undefined> {
  const newestFirst = await store.history(limit + 1);
  const latest = newestFirst[0];
  if (!latest) return undefined;
  const kept = newestFirst.slice(0, limit);
  return { ...latest, trend: kept.reverse().map(trendPointOf), ...(newestFirst.length > limit ? { trendTruncated: true as const } : {}) };
}
