import { getJson, postJson, type DeadLetterItem, type Stuck } from '../api';
import { canOperate, failure, hashOf, type ViewContext } from '../app';
import { h, notify, table } from '../dom';
import { when } from '../format';
import { tenantSelect } from '../tenants-cache';

/** The dead-letter reason the mass-leaver guard gives (shared/processing: `mass-leaver-guard: MassLeaverHold`); only those are released. */
export const isHoldReason = (reason: string): boolean => reason.startsWith('mass-leaver-guard');

type Action = 'replay' | 'release';

const MAX_COMMENT = 500;

/** One request per queue: the route takes a queue and the message ids on it. A release carries its comment (why). */
async function act(action: Action, items: DeadLetterItem[], comment?: string): Promise<boolean> {
  const byQueue = new Map<string, DeadLetterItem[]>();
  for (const item of items) byQueue.set(item.queue, [...(byQueue.get(item.queue) ?? []), item]);
  try {
    let done = 0;
    for (const [queue, list] of byQueue) {
      const result = await postJson<Record<string, unknown>>(`dead-letters/${action}`, { queue, messageIds: list.map((i) => i.messageId), ...(comment ? { comment } : {}) });
      done += Number(result[action === 'replay' ? 'replayed' : 'released'] ?? list.length);
    }
    notify(`${action === 'replay' ? 'Replayed' : 'Released'} ${done} message${done === 1 ? '' : 's'}.`);
    return true;
  } catch (error) {
    notify(failure(error), 'error');
    return false;
  }
}

/** Bulk by reason: the route picks the dead letters with that reason itself, including any not listed here. */
async function actOnReason(action: Action, reason: string, tenant: string, comment?: string): Promise<boolean> {
  try {
    const result = await postJson<Record<string, unknown>>(`dead-letters/${action}`, { reason, ...(tenant ? { tenant } : {}), ...(comment ? { comment } : {}) });
    const n = Number(result[action === 'replay' ? 'replayed' : 'released'] ?? 0);
    notify(`${action === 'replay' ? 'Replayed' : 'Released'} ${n} message${n === 1 ? '' : 's'} with reason ${reason}.`);
    return true;
  } catch (error) {
    notify(failure(error), 'error');
    return false;
  }
}

export async function stuckView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantValue = ctx.query.get('tenant') ?? '';
  const tenant = await tenantSelect('stuck-tenant', tenantValue);
  tenant.control.addEventListener('change', () => (location.hash = hashOf('stuck', undefined, { tenant: tenant.control.value })));
  const operator = canOperate(ctx.me);
  const section = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: '-1' }, 'What is stuck'), h('div', { className: 'filters' }, tenant.field));
  if (!operator) section.append(h('p', { className: 'muted' }, 'Replay and Release need the Operator role; you can look.'));
  const reload = () => ctx.refresh();

  let stuck: Stuck;
  try {
    stuck = await getJson<Stuck>('stuck', { tenant: tenantValue || undefined });
  } catch (error) {
    section.append(failure(error));
    return section;
  }

  const dead = h('section', { id: 'dead-letters', 'aria-labelledby': 'dead-title' }, h('h2', { id: 'dead-title' }, `Dead letters (${stuck.deadLetters.reduce((n, g) => n + g.count, 0)})`));
  if (!stuck.deadLetters.length) dead.append(h('p', undefined, 'No dead letters.'));
  stuck.deadLetters.forEach((group, g) => {
    const hold = group.releasable ?? isHoldReason(group.reason);
    const boxes: { box: HTMLInputElement; item: DeadLetterItem }[] = [];
    // A release approves each held leaver: the route records this comment with the operator's name in each event's record.
    const comment = hold ? h('textarea', { id: `release-comment-${g}`, name: 'comment', rows: 2, maxlength: MAX_COMMENT, required: true, disabled: !operator, 'aria-describedby': `release-comment-${g}-hint` }) : null;
    /** The release's comment, or undefined after saying one is needed; a replay needs none. */
    const why = (action: Action): string | undefined | false => {
      if (action === 'replay' || !comment) return false;
      const text = comment.value.trim();
      if (text) return text;
      comment.setAttribute('aria-invalid', 'true');
      comment.focus();
      notify('A comment is needed to release: say why these leavers are genuine.', 'error');
      return undefined;
    };
    const run = async (action: Action, go: (comment?: string) => Promise<boolean>) => {
      const text = why(action);
      if (text === undefined) return;
      if (await go(text || undefined)) reload();
    };
    const rowButton = (action: Action, item: DeadLetterItem, label: string) =>
      h('button', { type: 'button', className: action, 'data-action': action, 'data-message-id': item.messageId, 'data-event-id': item.eventId, 'aria-label': `${label} ${item.employeeId} (${item.eventId})`, disabled: !operator, onclick: () => run(action, (c) => act(action, [item], c)) }, label);
    const rows = group.items.map((item, i) => {
      const box = h('input', { type: 'checkbox', id: `select-${g}-${i}`, 'data-message-id': item.messageId, disabled: !operator });
      boxes.push({ box, item });
      return {
        attrs: { 'data-message-id': item.messageId, 'data-event-id': item.eventId },
        cells: [
          h('td', undefined, box, h('label', { for: box.id, className: 'visually-hidden' }, `Select ${item.employeeId} (${item.eventId})`)),
          h('a', { href: hashOf('worker', item.employeeId, { tenant: item.tenantId }) }, item.employeeId),
          item.tenantId,
          item.queue,
          when(item.deadLetteredAt),
          item.description,
          h('td', { className: 'actions' }, rowButton('replay', item, 'Replay'), hold ? rowButton('release', item, 'Release') : null),
        ],
      };
    });
    const selected = () => boxes.filter((b) => b.box.checked).map((b) => b.item);
    const bulk = (action: Action, label: string) =>
      h('button', { type: 'button', 'data-bulk': action, disabled: !operator, onclick: () => {
        const items = selected();
        if (!items.length) return notify('Select at least one dead letter first.', 'error');
        return run(action, (c) => act(action, items, c));
      } }, label);
    const byReason = (action: Action, label: string) =>
      h('button', { type: 'button', 'data-reason-action': action, disabled: !operator, onclick: () => run(action, (c) => actOnReason(action, group.reason, tenantValue, c)) }, label);
    const titleId = `reason-${g}-title`;
    dead.append(
      h(
        'section',
        { className: 'reason-group', 'aria-labelledby': titleId, 'data-reason': group.reason, 'data-count': group.count },
        h('h3', { id: titleId }, h('code', undefined, group.reason), ` — ${group.count}`),
        h('p', { className: 'remedy' }, h('strong', undefined, 'Remedy: '), group.remedy),
        table(`dead-${g}`, `Dead letters with reason ${group.reason}`, ['Select', 'Employee', 'Tenant', 'Queue', 'Dead-lettered', 'Description', 'Actions'], rows),
        comment
          ? h('div', { className: 'field release-comment' }, h('label', { for: comment.id }, 'Why release (kept with your name in each released leaver’s record, as an approval)'), comment, h('span', { id: `release-comment-${g}-hint`, className: 'hint' }, `Required to release, up to ${MAX_COMMENT} characters; Replay needs none.`))
          : null,
        h('div', { className: 'bulk' }, bulk('replay', 'Replay selected'), hold ? bulk('release', 'Release selected') : null, byReason('replay', `Replay all with this reason`), hold ? byReason('release', 'Release all with this reason') : null),
      ),
    );
  });

  const waiting = h(
    'section',
    { id: 'waiting', 'aria-labelledby': 'waiting-title' },
    h('h2', { id: 'waiting-title' }, `Waiting (${stuck.waiting.length})`),
    stuck.waiting.length
      ? table('waiting-table', 'Events waiting, with what they wait for and until when', ['Employee', 'Event', 'Waits for', 'Until'], stuck.waiting.map((w) => ({
          attrs: { 'data-event-id': w.eventId },
          cells: [h('a', { href: hashOf('worker', w.employeeId, { tenant: w.tenantId }) }, w.employeeId), h('code', undefined, w.eventId), w.waitsFor, w.until ? when(w.until) : 'no deadline'],
        })))
      : h('p', undefined, 'Nothing is waiting.'),
  );
  section.append(dead, waiting);
  return section;
}
