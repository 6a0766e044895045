import { GraphRequestError } from '../../graph/errors';
import { createInboxRule, getAutomaticReplies, listInboxRules, mailboxProvisioning, sameReplies, setAutomaticReplies, type AutomaticReplies, type InboxRule, type MailContact } from '../../graph/mail';
import { escapeHtml } from '../../notifications/summary';
import { StepFailure } from '../outcome';
import type { StepResult } from '../step-runner';
import type { OffboardingContext } from './context';
import { managerContact, named } from './manager-contact';

/**
 * The leaver's mail, handed over while the mailbox still has its licence (the flow removes
 * licences after this stage): automatic replies that point senders to the manager, and an inbox
 * rule that forwards new mail to them. Both check the mailbox before they write, so a second
 * delivery changes nothing; a leaver without a mailbox has no mail to hand over (skipped).
 */

export const AUTOMATIC_REPLIES_STEP = 'mail-automatic-replies';
export const FORWARD_STEP = 'mail-forward-to-manager';
/** The rule's name is how a later attempt finds the rule this app made (Exchange lets names repeat). */
export const FORWARD_RULE_NAME = 'Forward to manager (offboarding)';

/** A step's detail starts with what the manager's summary says, so a later attempt can tell it again. */
const SEPARATOR = ' — ';
const handoverOf = (detail: string | undefined) => detail?.split(SEPARATOR)[0];

export async function setAutomaticRepliesStep(ctx: OffboardingContext): Promise<void> {
  const option = ctx.policy.mail?.automaticReplies;
  if (!option) return;
  const earlier = ctx.runner.completedEarlier(AUTOMATIC_REPLIES_STEP);
  if (earlier) {
    // Done in an earlier attempt; the licence (and with it the mailbox) may be gone since.
    ctx.handover.automaticReplies = handoverOf(earlier.detail);
    return;
  }
  await ctx.runner.run(AUTOMATIC_REPLIES_STEP, async () => {
    const manager = await managerContact(ctx);
    const templates = [option.internal, option.external ?? ''];
    if (!manager && templates.some((t) => /\{manager(DisplayName|Mail)\}/.test(t))) return { outcome: 'skipped', detail: 'the replies name the manager, and the leaver has none' };
    if (manager && !manager.mail && templates.some((t) => t.includes('{managerMail}'))) return { outcome: 'skipped', detail: `the replies give the manager's address, and ${manager.displayName} has no mail address` };
    const external = option.external !== undefined && option.externalAudience !== 'none';
    const wanted: AutomaticReplies = {
      status: 'alwaysEnabled',
      // No external template: nobody outside is told (the internal one may say internal things).
      externalAudience: external ? option.externalAudience : 'none',
      internalReplyMessage: fill(option.internal, ctx, manager),
      externalReplyMessage: external ? fill(option.external as string, ctx, manager) : '',
    };
    const summary = `on for internal senders${external ? ` and ${option.externalAudience === 'all' ? 'all external senders' : 'external contacts'}` : ''}${manager ? `, naming ${named(manager)}` : ''}`;
    let current: AutomaticReplies;
    try {
      current = await getAutomaticReplies(ctx.deps.graph, ctx.user.id);
    } catch (error) {
      return noMailbox(ctx, AUTOMATIC_REPLIES_STEP, error);
    }
    ctx.handover.automaticReplies = summary;
    if (sameReplies(current, wanted)) return { outcome: 'already-done', detail: `${summary}${SEPARATOR}already set${licenceCaveat(ctx)}` };
    if (ctx.deps.mode === 'plan') return { outcome: 'planned', detail: `would turn automatic replies ${summary}${licenceCaveat(ctx)}` };
    await setAutomaticReplies(ctx.deps.graph, ctx.user.id, wanted);
    return { outcome: 'done', detail: `${summary}${SEPARATOR}set${licenceCaveat(ctx)}` };
  });
}

export async function forwardToManagerStep(ctx: OffboardingContext): Promise<void> {
  if (!ctx.policy.mail?.forwardToManager) return;
  const earlier = ctx.runner.completedEarlier(FORWARD_STEP);
  if (earlier) {
    ctx.handover.mailForwardedTo = handoverOf(earlier.detail);
    return;
  }
  await ctx.runner.run(FORWARD_STEP, async () => {
    const manager = await managerContact(ctx);
    if (!manager) return { outcome: 'skipped', detail: 'the leaver has no manager to forward mail to' };
    if (!manager.mail) return { outcome: 'skipped', detail: `${manager.displayName}, the manager, has no mail address to forward to` };
    let rules: InboxRule[];
    try {
      rules = await listInboxRules(ctx.deps.graph, ctx.user.id);
    } catch (error) {
      return noMailbox(ctx, FORWARD_STEP, error);
    }
    const existing = rules.find((r) => r.displayName === FORWARD_RULE_NAME);
    if (existing) {
      const to = existing.actions?.forwardTo?.map((r) => r.emailAddress.address).join(', ') || manager.mail;
      ctx.handover.mailForwardedTo = to;
      return { outcome: 'already-done', detail: `${to}${SEPARATOR}inbox rule '${FORWARD_RULE_NAME}' already forwards new mail${licenceCaveat(ctx)}` };
    }
    if (ctx.deps.mode === 'plan') return { outcome: 'planned', detail: `would forward new mail to ${named(manager)} by inbox rule '${FORWARD_RULE_NAME}'${licenceCaveat(ctx)}` };
    await createInboxRule(ctx.deps.graph, ctx.user.id, forwardRule(manager));
    ctx.handover.mailForwardedTo = manager.mail;
    return { outcome: 'done', detail: `${manager.mail}${SEPARATOR}inbox rule '${FORWARD_RULE_NAME}' forwards new mail to ${manager.displayName}${licenceCaveat(ctx)}` };
  });
}

/**
 * A user mailbox stops working when its licence goes (Exchange keeps it disconnected for 30 days),
 * and replies and rules with it; a shared mailbox needs no licence. When licences go the same day
 * and no custom step converts the mailbox before, the ledger says so.
 */
function licenceCaveat(ctx: OffboardingContext): string {
  if (ctx.policy.licenceGraceDays > 0 || ctx.policy.customSteps.some((s) => s.at === 'before-licences')) return '';
  return '; works until the licence goes today: keep it longer (licenceGraceDays) or convert to a shared mailbox in a before-licences custom step';
}

/** First among the mailbox's rules, so another rule that stops processing cannot keep mail from the manager. */
function forwardRule(manager: MailContact) {
  return {
    displayName: FORWARD_RULE_NAME,
    sequence: 1,
    isEnabled: true,
    actions: { forwardTo: [{ emailAddress: { address: manager.mail as string, name: manager.displayName } }], stopProcessingRules: false },
  };
}

/**
 * A leaver without a mailbox (no Exchange Online licence, a mailbox on-premises) has no mail to
 * hand over: skipped, saying why. One whose mailbox Exchange is still provisioning — a licence
 * given minutes ago — gets it soon: the step is retried.
 */
async function noMailbox(ctx: OffboardingContext, step: string, error: unknown): Promise<StepResult> {
  if (!(error instanceof GraphRequestError) || error.failure.kind !== 'no-mailbox') throw error;
  if (await mailboxProvisioning(ctx.deps.graph, ctx.user.id)) {
    throw new StepFailure(step, true, 'MailboxProvisioning', `Exchange Online is still provisioning the mailbox of ${ctx.user.userPrincipalName} (Graph ${error.failure.status} ${error.failure.code}); retrying until it is there`);
  }
  return { outcome: 'skipped', detail: `${ctx.user.userPrincipalName} has no Exchange Online mailbox (Graph ${error.failure.status} ${error.failure.code}): no mail to hand over` };
}

/** Templates are the operator's HTML; what comes from HR or Entra is escaped into it. */
function fill(template: string, ctx: OffboardingContext, manager: MailContact | undefined): string {
  const values: Record<string, string> = {
    displayName: ctx.user.displayName ?? ctx.user.userPrincipalName,
    managerDisplayName: manager?.displayName ?? '',
    managerMail: manager?.mail ?? '',
    leaveDate: ctx.leaveAt.toISOString().slice(0, 10),
  };
  return template.replace(/\{(displayName|managerDisplayName|managerMail|leaveDate)\}/g, (_m, name: string) => escapeHtml(values[name] as string));
}

/** The mail part of the hand-over, in order: replies first, then forwarding. */
export async function handOverMail(ctx: OffboardingContext): Promise<void> {
  await setAutomaticRepliesStep(ctx);
  await forwardToManagerStep(ctx);
}
