import { managerChannel } from '../../notifications/manager-channels';
import { NotificationDeliveryError } from '../../notifications/post-json';
import type { ManagerSummary } from '../../notifications/summary';
import type { MailContact } from '../../graph/mail';
import { StepFailure } from '../outcome';
import type { StepRecord } from '../../ledger/types';
import type { OffboardingContext } from './context';
import { managerContact, named } from './manager-contact';

export const NOTIFY_STEP = 'notify-manager';
const DAY_MS = 24 * 3600_000;

/** What the flow's own steps closed, by the names they have in the ledger. */
/**
 * What was closed, read from the leaver's ledger steps rather than from this attempt's memory, so
 * a summary sent by a later attempt (the event retried after its access steps) still lists them.
 */
function closedLine(step: StepRecord): string | undefined {
  if (step.outcome !== 'done' && step.outcome !== 'already-done') return undefined;
  if (step.name === 'disable-sign-in') return 'sign-in disabled';
  if (step.name === 'revoke-sessions') return 'sessions revoked';
  // A device acted on earlier is recorded again as already-done, with what was done then.
  if (step.name.startsWith('device:')) return `device ${(step.detail ?? step.name.slice('device:'.length)).replace(/^acted on in an earlier attempt: /, '')}`;
  if (step.name === 'add-to-block-group') return step.detail ?? 'in the block group';
  if (step.outcome !== 'done') return undefined;
  if (step.name === 'remove-authentication-methods') return `sign-in methods: ${step.detail ?? 'removed'}`;
  return undefined;
}

/**
 * The manager is told, once, when the leaver's immediate stage is done: what was closed, where
 * mail and files went, when licences and the account go — through the channel the policy names.
 * The ledger step is what makes it once: a later attempt of the same event finds it and sends
 * nothing. A receiver that is down is tried again; one that refuses (4xx) ends the event with why.
 */
export async function notifyManager(ctx: OffboardingContext): Promise<void> {
  const option = ctx.policy.notifyManager;
  if (!option || ctx.runner.completedEarlier(NOTIFY_STEP)) return;
  await ctx.runner.run(NOTIFY_STEP, async () => {
    const manager = await managerContact(ctx);
    if (!manager) return { outcome: 'skipped', detail: 'the leaver has no manager to tell' };
    const channel = managerChannel(option, {
      graph: ctx.deps.graph,
      ...(ctx.deps.namedSetting ? { namedSetting: ctx.deps.namedSetting } : {}),
      allowPrivate: ctx.deps.settings.LIFECYCLE_RUNTIME === 'local',
      now: ctx.deps.now,
    });
    if (ctx.deps.mode === 'plan') return { outcome: 'planned', detail: `would tell ${named(manager)} by ${channel.description}` };
    try {
      await channel.deliver(summaryFor(ctx, manager));
    } catch (error) {
      if (!(error instanceof NotificationDeliveryError)) throw error;
      throw new StepFailure(NOTIFY_STEP, error.retryable, 'ManagerNotificationFailed', error.message, error.retryable ? undefined : "Check the leaver policy's notifyManager, its app settings and the receiver, then replay.");
    }
    return { outcome: 'done', detail: `told ${named(manager)} by ${channel.description}` };
  });
}

export function summaryFor(ctx: OffboardingContext, manager: MailContact): ManagerSummary {
  const { event, user, leaveAt, policy, handover } = ctx;
  const closed = ctx.runner.record.steps.map(closedLine).filter((line): line is string => line !== undefined);
  const at = (days: number) => new Date(leaveAt.getTime() + days * DAY_MS).toISOString();
  return {
    notificationId: `${event.eventId}/${NOTIFY_STEP}`,
    kind: 'leaver-offboarded',
    eventId: event.eventId,
    tenantId: event.tenantId,
    leaver: { displayName: user.displayName ?? user.userPrincipalName, userPrincipalName: user.userPrincipalName, employeeId: event.employee.employeeId },
    manager: { displayName: manager.displayName, mail: manager.mail },
    leftAt: leaveAt.toISOString(),
    closed: [...new Set(closed)],
    mail: { ...(handover.automaticReplies ? { automaticReplies: handover.automaticReplies } : {}), ...(handover.mailForwardedTo ? { forwardedTo: handover.mailForwardedTo } : {}) },
    files: handover.oneDriveUrl ? { oneDriveUrl: handover.oneDriveUrl } : {},
    ownershipTransferred: handover.ownershipTransferred ?? [],
    ...(handover.reportsMovedTo ? { reportsMovedTo: handover.reportsMovedTo } : {}),
    licencesRemovedAt: at(policy.licenceGraceDays),
    deletedAt: policy.deleteAfterDays === null ? null : at(policy.deleteAfterDays),
  };
}
