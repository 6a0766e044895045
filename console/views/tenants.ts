import { type TenantRow } from '../api';
import { failure, hashOf, type ViewContext } from '../app';
import { h, table } from '../dom';
import { brief, duration, when } from '../format';
import { tenantRows } from '../tenants-cache';

/** GET /api/console/tenants `budget`: `scope` says whether `deployment` (every instance, from the write-share table) is known. */
interface TenantBudget {
  scope: 'deployment' | 'this-instance';
  thisInstance?: { writesPerSecond: number; inFlight: number; concurrency: number };
  deployment?: { source: string; instances?: number; writesPerSecond?: number; holders?: { instanceId: string; renewedAt?: string; writesPerSecond: number }[]; error?: string };
}

interface TenantThrottling {
  scope: string;
  throttled: number;
  gateOpensInMs: number;
}

const rate = (n: number | undefined) => `${n ?? 0} writes/s`;

/**
 * The budget cell says whose figures these are: the deployment's (every instance writing to the
 * tenant, from the write-share table) or this instance's only, as the route's `scope` does.
 */
function budgetCell(budget: TenantBudget | undefined): HTMLElement {
  const cell = h('div', { className: 'budget' });
  if (!budget) {
    cell.append('none');
    return cell;
  }
  const here = budget.thisInstance;
  const hereText = here ? `${rate(here.writesPerSecond)}, ${here.inFlight} in flight, window ${here.concurrency}` : 'no Graph call since it started';
  const d = budget.deployment;
  if (budget.scope === 'deployment' && d && !d.error) {
    const each = d.holders?.[0]?.writesPerSecond;
    // The row renewed longest ago: how stale the picture may be (a row lives three renewals).
    const oldest = (d.holders ?? []).map((x) => x.renewedAt ?? '').filter(Boolean).sort()[0];
    cell.append(
      h('span', { className: 'scope', 'data-scope': 'deployment' }, `Deployment: ${d.instances ?? 0} instance(s) writing, ${rate(d.writesPerSecond)}${d.instances && each !== undefined ? ` (${rate(each)} each)` : ''}`),
      h('span', { className: 'hint' }, `from the write-share table${oldest ? `; oldest renewal ${when(oldest)}` : ''}`),
      h('span', { className: 'hint' }, `This instance: ${hereText}`),
    );
    return cell;
  }
  cell.append(h('span', { className: 'scope', 'data-scope': 'this-instance' }, `This instance only: ${hereText}`));
  cell.append(h('span', { className: 'hint' }, d?.error ? `${d.error}; other instances not counted` : 'other instances are not counted (GRAPH_WRITE_SHARE is not table)'));
  return cell;
}

function throttlingCell(t: TenantThrottling | undefined): string {
  // The others' 429s are in no table: whatever is shown, it is this instance's.
  if (!t) return 'This instance: none (no Graph call)';
  const gate = t.gateOpensInMs > 0 ? `, gate opens in ${duration(t.gateOpensInMs)}` : '';
  return `This instance: ${t.throttled} throttled${gate}`;
}

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
        budgetCell(t.budget as TenantBudget | undefined),
        throttlingCell(t.throttling as TenantThrottling | undefined),
        String(t.deadLetters ?? 0),
        audit(t),
        h('td', { className: 'links' }, h('a', { href: hashOf('events', undefined, { tenant: t.key }) }, `Events of ${t.key}`), ' ', h('a', { href: hashOf('licences', undefined, { tenant: t.key }) }, `Licences of ${t.key}`)),
      ],
    }))),
  );
  return section;
}
