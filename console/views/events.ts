import { getJson, type EventsPage, type EventSummary } from '../api';
import { failure, hashOf, type ViewContext } from '../app';
import { announce, field, h, select, table } from '../dom';
import { when } from '../format';
import { tenantSelect } from '../tenants-cache';

/** As shared/ledger/types.ts EVENT_STATUSES and shared/domain/events.ts EVENT_TYPES (a test holds them equal). */
export const STATUSES = ['queued', 'processing', 'succeeded', 'failed', 'dead-lettered', 'skipped'];
export const TYPES = ['joiner', 'mover', 'leaver', 'rehire', 'access'];
const POLL_MS = 3000;
const FILTERS = ['tenant', 'type', 'status', 'employeeId', 'from', 'to'] as const;

export function statusBadge(status: string): HTMLElement {
  return h('span', { className: `status status-${status}` }, status);
}

function eventRow(e: EventSummary, fresh: boolean) {
  const reason = e.error ? `${e.error.step ? `${e.error.step}: ` : ''}${e.error.code} — ${e.error.message}` : e.nextAttemptAt ? `next attempt ${when(e.nextAttemptAt)}` : '';
  return {
    attrs: { 'data-event-id': e.eventId, className: fresh ? 'new' : undefined },
    cells: [
      when(e.acceptedAt),
      e.tenantId,
      e.type,
      statusBadge(e.status),
      h('a', { href: hashOf('worker', e.employeeId, { tenant: e.tenantId }) }, e.employeeId),
      String(e.attempts),
      when(e.updatedAt),
      reason,
    ],
  };
}

export async function eventsView(ctx: ViewContext): Promise<HTMLElement> {
  const value = (k: string) => ctx.query.get(k) ?? '';
  const tenant = await tenantSelect('filter-tenant', value('tenant'));
  const type = select('filter-type', 'type', [{ value: '', label: 'All types' }, ...TYPES.map((t) => ({ value: t, label: t }))], value('type'));
  const status = select('filter-status', 'status', [{ value: '', label: 'All statuses' }, ...STATUSES.map((t) => ({ value: t, label: t }))], value('status'));
  const employee = h('input', { id: 'filter-employee', name: 'employeeId', type: 'text', autocomplete: 'off', spellcheck: 'false', value: value('employeeId') });
  const from = h('input', { id: 'filter-from', name: 'from', type: 'date', value: value('from') });
  const to = h('input', { id: 'filter-to', name: 'to', type: 'date', value: value('to') });
  const apply = h('button', { type: 'submit', id: 'apply-filters' }, 'Apply filters');
  const form = h('form', { id: 'event-filters', role: 'search', 'aria-label': 'Filter events', className: 'filters' },
    tenant.field, field('Type', type), field('Status', status), field('Employee ID', employee), field('From (UTC day)', from), field('To (UTC day)', to), apply);

  const counts = h('ul', { id: 'status-counts', className: 'counts', 'aria-label': 'Events per status' });
  const list = h('div', { id: 'events-list' });
  const updated = h('p', { id: 'events-updated', className: 'muted' });
  const pause = h('button', { type: 'button', id: 'pause-live', 'aria-pressed': 'false' }, 'Pause live updates');
  const seen = new Set<string>();
  let first = true;
  let paused = false;
  let timer: number | undefined;
  let stopped = false;

  const filters = (): Record<string, string> => ({ tenant: tenant.control.value, type: type.value, status: status.value, employeeId: employee.value.trim(), from: from.value, to: to.value });

  async function refresh(): Promise<void> {
    const f = filters();
    try {
      const page = await getJson<EventsPage>('events', {
        tenant: f.tenant, type: f.type, status: f.status, employeeId: f.employeeId,
        from: f.from || undefined,
        to: f.to || undefined,
        limit: '200',
      });
      const fresh = page.events.filter((e) => !seen.has(e.eventId));
      for (const e of page.events) seen.add(e.eventId);
      counts.replaceChildren(
        ...Object.entries(page.counts).sort(([a], [b]) => STATUSES.indexOf(a) - STATUSES.indexOf(b)).map(([k, n]) => h('li', { 'data-status': k, 'data-count': n }, statusBadge(k), ' ', h('strong', undefined, String(n)))),
      );
      list.replaceChildren(
        page.events.length
          ? table('events-table', `Events, newest first (${page.events.length} shown)`, ['Accepted', 'Tenant', 'Type', 'Status', 'Employee', 'Attempts', 'Updated', 'Error or next attempt'], page.events.map((e) => eventRow(e, !first && fresh.includes(e))))
          : h('p', { id: 'events-empty' }, 'No events match these filters.'),
      );
      updated.textContent = `Updated ${when(new Date().toISOString())}${paused ? ' · live updates paused' : ' · live: refreshes every 3 s'}`;
      if (!first && fresh.length) announce(`${fresh.length} new event${fresh.length === 1 ? '' : 's'}`);
      first = false;
    } catch (error) {
      list.replaceChildren(failure(error));
    }
  }

  function schedule(): void {
    if (stopped || paused) return;
    timer = window.setTimeout(() => void refresh().finally(schedule), POLL_MS);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const f = filters();
    history.replaceState(null, '', hashOf('events', undefined, Object.fromEntries(FILTERS.map((k) => [k, f[k]]))));
    seen.clear();
    first = true;
    void refresh();
  });
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume live updates' : 'Pause live updates';
    window.clearTimeout(timer);
    if (!paused) void refresh().finally(schedule);
  });
  ctx.onLeave(() => {
    stopped = true;
    window.clearTimeout(timer);
  });

  await refresh();
  schedule();
  return h(
    'section',
    { 'aria-labelledby': 'view-title' },
    h('h1', { id: 'view-title', tabindex: '-1' }, 'Events'),
    form,
    h('section', { 'aria-labelledby': 'counts-title' }, h('h2', { id: 'counts-title' }, 'Counts per status'), counts),
    h('div', { className: 'live' }, updated, pause),
    list,
  );
}
