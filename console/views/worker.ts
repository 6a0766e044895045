import { getJson, segment, type EventDetail, type Worker } from '../api';
import { failure, hashOf, type ViewContext } from '../app';
import { field, h, table } from '../dom';
import { brief, duration, when } from '../format';
import { tenantSelect } from '../tenants-cache';
import { statusBadge } from './events';

/** What an event waits for or why it failed, in words from its record. */
function reason(e: EventDetail): HTMLElement | null {
  if (e.error) return h('p', { className: 'reason fail' }, h('strong', undefined, 'Failed: '), `${e.error.step ? `${e.error.step} — ` : ''}${e.error.code}: ${e.error.message}`);
  if (e.nextAttemptAt) return h('p', { className: 'reason wait' }, h('strong', undefined, 'Waiting: '), `next attempt ${when(e.nextAttemptAt)}`);
  const pending = e.steps.filter((st) => st.outcome === 'pending');
  if (pending.length) return h('p', { className: 'reason wait' }, h('strong', undefined, 'Pending: '), pending.map((st) => `${st.name}${st.detail ? ` (${st.detail})` : ''}`).join('; '));
  return null;
}

function eventCard(e: EventDetail, index: number): HTMLElement {
  const total = e.steps.reduce((sum, st) => sum + (st.durationMs ?? 0), 0);
  const titleId = `event-${index}-title`;
  return h(
    'article',
    { className: 'event', 'aria-labelledby': titleId, 'data-event-id': e.eventId },
    h('h2', { id: titleId }, `${e.type} `, statusBadge(e.status), ` · ${when(e.acceptedAt)}`),
    h(
      'dl',
      { className: 'facts' },
      h('dt', undefined, 'Event'), h('dd', undefined, h('code', undefined, e.eventId)),
      e.source ? h('dt', undefined, 'Source') : null, e.source ? h('dd', undefined, e.source) : null,
      h('dt', undefined, 'Updated'), h('dd', undefined, when(e.updatedAt)),
      h('dt', undefined, 'Attempts'), h('dd', undefined, String(e.attempts)),
      h('dt', undefined, 'Time in steps'), h('dd', { className: 'total-duration' }, duration(total)),
    ),
    reason(e),
    e.steps.length
      ? table(`steps-${index}`, `Steps of ${e.type} ${e.eventId}`, ['Step', 'Outcome', 'Graph change or reason', 'Started', 'Duration', 'Error'], e.steps.map((st) => ({
          attrs: { 'data-step': st.name, className: `outcome-${st.outcome}` },
          cells: [st.name, st.outcome, st.detail ?? '', when(st.startedAt), duration(st.durationMs), st.error ? `${st.error.code}: ${st.error.message}` : ''],
        })))
      : h('p', { className: 'muted' }, 'No steps recorded yet.'),
    e.approvals?.length
      ? h('ul', { className: 'approvals' }, ...e.approvals.map((a) => h('li', undefined, `${a.decision} by ${a.by.name} at ${when(a.at)}: ${a.comment}`)))
      : null,
  );
}

function snapshotSection(snapshot: Record<string, unknown>): HTMLElement {
  return h(
    'section',
    { id: 'snapshot', 'aria-labelledby': 'snapshot-title' },
    h('h2', { id: 'snapshot-title' }, 'Leaver snapshot (state before the first change)'),
    h('dl', { className: 'facts' }, ...Object.entries(snapshot).flatMap(([k, v]) => [h('dt', undefined, k), h('dd', undefined, typeof v === 'object' && v !== null ? h('pre', undefined, JSON.stringify(v, null, 2)) : brief(v))])),
  );
}

export async function workerView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantValue = ctx.query.get('tenant') ?? '';
  const tenant = await tenantSelect('worker-tenant', tenantValue);
  const employee = h('input', { id: 'worker-employee', name: 'employeeId', type: 'text', required: true, autocomplete: 'off', spellcheck: 'false', value: ctx.arg ?? '' });
  const form = h('form', { id: 'worker-lookup', role: 'search', 'aria-label': 'Find a worker', className: 'filters' }, field('Employee ID', employee), tenant.field, h('button', { type: 'submit' }, 'Show timeline'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (employee.value.trim()) location.hash = hashOf('worker', employee.value.trim(), { tenant: tenant.control.value });
  });
  const heading = h('h1', { id: 'view-title', tabindex: '-1' }, ctx.arg ? `Worker ${ctx.arg}` : 'Worker timeline');
  const section = h('section', { 'aria-labelledby': 'view-title' }, heading, form);
  if (!ctx.arg) {
    section.append(h('p', undefined, 'Enter an employee ID, or follow one from the Events list.'));
    return section;
  }
  try {
    const worker = await getJson<Worker>(`workers/${segment(ctx.arg)}`, { tenant: tenantValue || undefined });
    heading.textContent = `Worker ${worker.employeeId} · ${worker.tenantId}`;
    section.append(
      h('p', { className: 'muted' }, `${worker.events.length} event${worker.events.length === 1 ? '' : 's'}, oldest first.`),
      h('ol', { id: 'timeline', className: 'timeline' }, ...worker.events.map((e, i) => h('li', undefined, eventCard(e, i)))),
      ...(worker.snapshot ? [snapshotSection(worker.snapshot)] : []),
    );
  } catch (error) {
    section.append(failure(error));
  }
  return section;
}
