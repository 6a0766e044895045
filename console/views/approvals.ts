import { getJson, postJson, segment, type Held } from '../api';
import { canOperate, failure, hashOf, type ViewContext } from '../app';
import { h, notify, table } from '../dom';
import { when } from '../format';
import { tenantSelect } from '../tenants-cache';

const MAX_COMMENT = 500;

/** What each hold is, in an operator's words (shared/console/approvals.ts `kind`). */
const HOLDS: Record<Held['kind'], string> = {
  'mass-leaver': 'Mass-leaver guard: the whole leaver',
  delete: 'Account deletion',
  wipe: 'Device wipe',
};

/** The holds: the mass-leaver guard's, and the destructive steps a leaver policy gates; an Operator approves or rejects each, with a comment. */
export async function approvalsView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantValue = ctx.query.get('tenant') ?? '';
  const tenant = await tenantSelect('approvals-tenant', tenantValue);
  tenant.control.addEventListener('change', () => (location.hash = hashOf('approvals', undefined, { tenant: tenant.control.value })));
  const operator = canOperate(ctx.me);
  const section = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: '-1' }, 'Approvals'), h('div', { className: 'filters' }, tenant.field));
  section.append(
    h(
      'p',
      { className: 'muted' },
      'Mass-leaver guard: more leavers than the threshold arrived in the window, so the guard held these before any change; approve to offboard that worker now, reject to close it without a change. Account deletion and device wipe: the tenant\'s leaver policy asks for an approval first; rejected, the account is kept with sign-in off, or the device is retired instead of wiped, and the rest of the leaver goes on. Each decision is recorded with your name and comment.',
    ),
  );
  if (!operator) section.append(h('p', { className: 'muted' }, 'Deciding needs the Operator role; you can look.'));

  let held: Held[];
  try {
    const body = await getJson<{ held: Held[] }>('approvals', { tenant: tenantValue || undefined });
    held = body.held;
  } catch (error) {
    section.append(failure(error));
    return section;
  }
  if (!held.length) {
    section.append(h('p', { id: 'no-held' }, 'Nobody is held.'));
    return section;
  }

  const rows = held.map((item, i) => {
    const comment = h('textarea', { id: `comment-${i}`, name: 'comment', rows: 2, maxlength: MAX_COMMENT, required: true, disabled: !operator, 'aria-describedby': `comment-${i}-hint` });
    const decide = (decision: 'approve' | 'reject') => async () => {
      const text = comment.value.trim();
      if (!text) {
        comment.setAttribute('aria-invalid', 'true');
        comment.focus();
        return notify(`A comment is needed to ${decision} ${item.employeeId}.`, 'error');
      }
      try {
        await postJson(`approvals/${segment(item.eventId)}`, { decision, comment: text });
        notify(`${decision === 'approve' ? 'Approved' : 'Rejected'} ${item.displayName ?? item.employeeId} (${item.employeeId}).`);
        ctx.refresh();
      } catch (error) {
        notify(failure(error), 'error');
      }
    };
    const who = item.displayName ? `${item.displayName} (${item.employeeId})` : item.employeeId;
    return {
      attrs: { 'data-event-id': item.eventId, 'data-employee-id': item.employeeId },
      cells: [
        h('a', { href: hashOf('worker', item.employeeId, { tenant: item.tenantId }) }, who),
        item.tenantId,
        HOLDS[item.kind] ?? item.kind,
        item.reason,
        when(item.heldAt),
        h('td', undefined, h('label', { for: comment.id }, `Comment for ${item.employeeId}`), comment, h('span', { id: `comment-${i}-hint`, className: 'hint' }, `Required, up to ${MAX_COMMENT} characters.`)),
        h(
          'td',
          { className: 'actions' },
          h('button', { type: 'button', 'data-decision': 'approve', disabled: !operator, 'aria-label': `Approve ${who}`, onclick: decide('approve') }, 'Approve'),
          h('button', { type: 'button', 'data-decision': 'reject', disabled: !operator, 'aria-label': `Reject ${who}`, onclick: decide('reject') }, 'Reject'),
        ),
      ],
    };
  });
  section.append(table('held-table', `Held leavers (${held.length})`, ['Worker', 'Tenant', 'Hold', 'Why held', 'Held at', 'Comment', 'Decision'], rows));
  return section;
}
