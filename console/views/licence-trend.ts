import type { TrendPoint } from '../api';
import { lineChart, type Series } from '../charts';
import { h, table } from '../dom';
import { money } from '../format';

const dayOf = (iso: string): string => iso.slice(0, 10);

/** Oldest first, one point per UTC day: a day with several audits shows its latest (the route sends them oldest first). */
export function latestPerDay(trend: TrendPoint[]): TrendPoint[] {
  const byDay = new Map<string, TrendPoint>();
  for (const point of [...trend].sort((a, b) => a.generatedAt.localeCompare(b.generatedAt))) byDay.set(dayOf(point.generatedAt), point);
  return [...byDay.values()];
}

export function costSeries(days: TrendPoint[]): Series[] {
  const spend = days.filter((p) => p.monthlySpend !== undefined).map((p) => ({ date: dayOf(p.generatedAt), value: p.monthlySpend as number }));
  return [
    ...(spend.length ? [{ name: 'Monthly spend', points: spend }] : []),
    { name: 'Monthly waste', points: days.map((p) => ({ date: dayOf(p.generatedAt), value: p.wasteMonthlyCost })) },
  ];
}

/** A line per SKU (in the newest audit's order; a SKU gone since keeps its line to its last day). */
export function utilisationSeries(days: TrendPoint[]): Series[] {
  const series = new Map<string, Series>();
  for (const point of [...days].reverse()) for (const sku of point.skus) if (!series.has(sku.skuPartNumber)) series.set(sku.skuPartNumber, { name: sku.productName, points: [] });
  for (const point of days) for (const sku of point.skus) series.get(sku.skuPartNumber)!.points.push({ date: dayOf(point.generatedAt), value: sku.utilisationPercent });
  return [...series.values()];
}

const minute = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/**
 * The trend of the tenant's audits: spend and waste, utilisation per SKU, both over dated axes with
 * labelled values, and the same figures per audit in a table (what a screen reader or a printout reads).
 */
export function trendSection(trend: TrendPoint[], truncated: boolean): HTMLElement[] {
  const days = latestPerDay(trend);
  const count = `${trend.length} audit${trend.length === 1 ? '' : 's'} on ${days.length} day${days.length === 1 ? '' : 's'}${truncated ? ', the newest kept' : ''}`;
  const utilisation = utilisationSeries(days);
  // Consumed can pass enabled (units suspended after assignment): then the axis goes past 100 %.
  const overused = utilisation.some((x) => x.points.some((p) => p.value > 100));
  return [
    h('h2', undefined, 'Trend'),
    lineChart('trend', `Monthly spend and waste per audit day (${count})`, costSeries(days), money, 'Cost per month'),
    // Lines only: several SKUs' labels at one date would collide; the table below has the values.
    lineChart('utilisation-trend', 'Utilisation per SKU per audit day', utilisation, (v) => `${Math.round(v * 10) / 10}%`, 'Units used', { valueLabels: false, ...(overused ? {} : { max: 100 }) }),
    table(
      'trend-table',
      `Audits, newest first (${count})`,
      ['Audited', 'Monthly spend', 'Monthly waste', 'Users scanned', 'Utilisation per SKU'],
      [...trend].reverse().map((p) => ({
        attrs: { 'data-audit': p.id },
        cells: [minute(p.generatedAt), p.monthlySpend === undefined ? 'no prices known' : money(p.monthlySpend), money(p.wasteMonthlyCost), String(p.usersScanned), p.skus.map((s) => `${s.productName} ${s.utilisationPercent}% (${s.consumed}/${s.enabled})`).join('; ')],
      })),
    ),
  ];
}
