import { type TenantRow } from '../api';
import { failure, hashOf, type ViewContext } from '../app';
import { h, table } from '../dom';
import { brief, when } from '../format';
import { tenantRows } from '../tenants-cache';

export async function tenantsView(_ctx: ViewContext): Promise<HTMLElement> {
  const section = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: '-1' }, 'Tenants'));
  let rows: TenantRow[];
  try {
    rows = await tenantRows(true);
  } catch (error) {
    section.append(failure(error));
    return section;
  }
  const audit = (t: TenantRow) => {
    const last = t.lastAudit as { generatedAt?: string; wasteMonthlyCost?: number } | undefined;
    if (!last) return 'never';
    if (typeof last !== 'object') return String(last);
    return `${when(last.generatedAt)}${last.wasteMonthlyCost !== undefined ? ` · waste $${last.wasteMonthlyCost}/month` : ''}`;
  };
  section.append(
    table('tenants-table', `Tenants (${rows.length})`, ['Tenant', 'State', 'Problems', 'Graph write budget', 'Throttling', 'Dead letters', 'Last licence audit', 'Links'], rows.map((t) => ({
      attrs: { 'data-tenant': t.key, className: `state-${t.state}` },
      cells: [
        t.displayName ? `${t.displayName} (${t.key})` : t.key,
        h('span', { className: `status state-${t.state}` }, t.state),
        brief(t.problems) || 'none',
        brief(t.budget),
        brief(t.throttling) || 'none',
        String(t.deadLetters ?? 0),
        audit(t),
        h('td', { className: 'links' }, h('a', { href: hashOf('events', undefined, { tenant: t.key }) }, `Events of ${t.key}`), ' ', h('a', { href: hashOf('licences', undefined, { tenant: t.key }) }, `Licences of ${t.key}`)),
      ],
    }))),
  );
  return section;
}
