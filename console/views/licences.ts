import { getJson, type LicenceReport } from '../api';
import { failure, hashOf, type ViewContext } from '../app';
import { barChart } from '../charts';
import { h, table } from '../dom';
import { money, when } from '../format';
import { tenantSelect } from '../tenants-cache';
import { trendSection } from './licence-trend';

/** What the tenant pays a month for the licences in use, where the audit knows the SKU's price. */
export function monthlySpend(report: LicenceReport): number {
  return report.skus.reduce((sum, s) => sum + (s.monthlyPrice ?? 0) * s.consumed, 0);
}

export async function licencesView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantValue = ctx.query.get('tenant') ?? '';
  const tenant = await tenantSelect('licences-tenant', tenantValue, false);
  tenant.control.addEventListener('change', () => (location.hash = hashOf('licences', undefined, { tenant: tenant.control.value })));
  const print = h('button', { type: 'button', id: 'print', onclick: () => window.print() }, 'Print');
  const section = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: '-1' }, 'Licences'), h('div', { className: 'filters no-print' }, tenant.field, print));
  let report: LicenceReport;
  try {
    report = await getJson<LicenceReport>('licences', { tenant: tenant.control.value || undefined });
  } catch (error) {
    section.append(failure(error));
    return section;
  }
  const spend = monthlySpend(report);
  const priced = report.skus.some((s) => s.monthlyPrice !== undefined);
  section.append(
    h('p', { className: 'muted' }, `Audit ${report.id} of ${report.tenantId}, ${when(report.generatedAt)} · ${report.usersScanned} users scanned.`),
    h(
      'dl',
      { id: 'licence-totals', className: 'totals', 'data-monthly-spend': spend, 'data-waste-monthly-cost': report.wasteMonthlyCost },
      h('div', undefined, h('dt', undefined, 'Monthly spend (licences in use)'), h('dd', undefined, priced ? money(spend) : 'no prices known')),
      h('div', undefined, h('dt', undefined, 'Monthly waste'), h('dd', undefined, money(report.wasteMonthlyCost))),
      h('div', undefined, h('dt', undefined, 'Low-stock SKUs'), h('dd', undefined, String(report.skus.filter((s) => s.lowStock).length))),
    ),
    ...(report.notes.length ? [h('ul', { id: 'licence-notes' }, ...report.notes.map((n) => h('li', undefined, n)))] : []),
    barChart('utilisation', 'Utilisation per SKU', report.skus.map((s) => ({ label: s.productName, value: s.utilisationPercent, display: `${s.utilisationPercent}% (${s.consumed}/${s.enabled})`, alert: s.lowStock })), 100),
    barChart('waste', 'Monthly waste by reason', report.waste.map((w) => ({ label: w.reason, value: w.monthlyCost, display: `${money(w.monthlyCost)} · ${w.licenceCount} licences · ${w.userCount} users` })), Math.max(1, ...report.waste.map((w) => w.monthlyCost))),
  );
  section.append(...trendSection(report.trend ?? [], report.trendTruncated === true));

  const findings = [
    ...report.waste.flatMap((w) => w.sample.map((s) => ({ finding: `Waste: ${w.reason}`, ...s }))),
    ...report.drift.flatMap((d) => d.sample.map((s) => ({ finding: `Drift: ${d.kind}`, ...s }))),
  ];
  section.append(
    h('h2', undefined, 'Findings'),
    findings.length
      ? table('findings-table', `Users in the findings (${findings.length}; samples are capped per finding)`, ['Finding', 'User', 'Items', 'Detail'], findings.map((f) => ({ attrs: { 'data-finding': f.finding }, cells: [f.finding, f.userPrincipalName, f.items.join(', '), f.detail ?? ''] })))
      : h('p', undefined, 'Nothing to report.'),
    table('skus-table', 'Subscriptions', ['Product', 'Part number', 'Enabled', 'Consumed', 'Available', 'Used', 'Price per month'], report.skus.map((s) => ({
      attrs: { 'data-sku': s.skuPartNumber },
      cells: [s.productName, s.skuPartNumber, String(s.enabled), String(s.consumed), String(s.available), `${s.utilisationPercent}%${s.lowStock ? ' (low stock)' : ''}`, s.monthlyPrice === undefined ? '' : money(s.monthlyPrice)],
    }))),
  );
  return section;
}
