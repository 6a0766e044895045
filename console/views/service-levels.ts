import { getJson, type Percentiles, type ServiceLevels } from '../api';
import { failure, hashOf, type ViewContext } from '../app';
import { lineChart, type Series } from '../charts';
import { field, h, select, table } from '../dom';
import { seconds } from '../format';
import { tenantSelect } from '../tenants-cache';

type Measure = 'timeToProductive' | 'timeToDeprovisioned';

/** One series per tenant and percentile, a point per day that had any measurement. */
export function seriesOf(levels: ServiceLevels, measure: Measure): Series[] {
  const series = new Map<string, Series>();
  for (const day of levels.days) {
    const m: Percentiles = day[measure];
    if (!m || m.n === 0) continue;
    for (const p of ['p50', 'p95'] as const) {
      const value = m[p];
      if (value === null || value === undefined) continue;
      const name = `${day.tenantId} ${p}`;
      if (!series.has(name)) series.set(name, { name, points: [] });
      series.get(name)!.points.push({ date: day.day, value });
    }
  }
  return [...series.values()];
}

export async function serviceLevelsView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantValue = ctx.query.get('tenant') ?? '';
  const daysValue = ctx.query.get('days') ?? '14';
  const tenant = await tenantSelect('levels-tenant', tenantValue);
  const days = select('levels-days', 'days', ['7', '14', '30', '90'].map((d) => ({ value: d, label: `${d} days` })), daysValue);
  const go = () => (location.hash = hashOf('service-levels', undefined, { tenant: tenant.control.value, days: days.value }));
  tenant.control.addEventListener('change', go);
  days.addEventListener('change', go);
  const section = h(
    'section',
    { 'aria-labelledby': 'view-title' },
    h('h1', { id: 'view-title', tabindex: '-1' }, 'Service levels'),
    h('div', { className: 'filters' }, tenant.field, field('Period', days)),
    h('p', { className: 'muted' }, 'Time to productive: a joiner accepted → its groups and licences done. Time to deprovisioned: a leaver accepted → sign-in off and sessions revoked. Per UTC day and tenant, 50th and 95th percentiles.'),
  );
  let levels: ServiceLevels;
  try {
    levels = await getJson<ServiceLevels>('service-levels', { tenant: tenantValue || undefined, days: daysValue });
  } catch (error) {
    section.append(failure(error));
    return section;
  }
  section.append(
    lineChart('time-to-productive', 'Time to productive (joiners)', seriesOf(levels, 'timeToProductive'), seconds, 'Duration'),
    lineChart('time-to-deprovisioned', 'Time to deprovisioned (leavers)', seriesOf(levels, 'timeToDeprovisioned'), seconds, 'Duration'),
  );
  const rows = levels.days.filter((d) => d.timeToProductive?.n || d.timeToDeprovisioned?.n);
  section.append(
    rows.length
      ? table('levels-table', 'Per day and tenant', ['Day', 'Tenant', 'Productive p50', 'Productive p95', 'Joiners', 'Deprovisioned p50', 'Deprovisioned p95', 'Leavers'], rows.map((d) => ({
          attrs: { 'data-day': d.day, 'data-tenant': d.tenantId },
          cells: [d.day, d.tenantId, seconds(d.timeToProductive.p50), seconds(d.timeToProductive.p95), String(d.timeToProductive.n), seconds(d.timeToDeprovisioned.p50), seconds(d.timeToDeprovisioned.p95), String(d.timeToDeprovisioned.n)],
        })))
      : h('p', undefined, 'No joiner or leaver finished in this period.'),
  );
  return section;
}
