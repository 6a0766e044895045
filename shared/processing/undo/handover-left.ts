import type { LeaverPolicy } from '../../rules/access-policy';
import { FORWARD_RULE_NAME } from '../offboarding/mail';
import type { StepRunner } from '../step-runner';

/**
 * What the leaver's hand-over gave other people, or set in the mailbox, that an undo leaves in
 * place: it restores the worker's account, not the manager's, and Graph offers the app no safe
 * way back for some of it. Named in one step, so the operator knows what to take back by hand.
 */
export async function reportHandoverLeftInPlace(policy: LeaverPolicy, runner: StepRunner): Promise<void> {
  const left = [
    policy.mail?.automaticReplies ? "the automatic replies (turn them off in Outlook, or Set-MailboxAutoReplyConfiguration -AutoReplyState Disabled)" : '',
    policy.mail?.forwardToManager ? `the inbox rule '${FORWARD_RULE_NAME}' (delete it in Outlook's rules)` : '',
    policy.files?.managerAccess ? "the manager's access to the OneDrive (remove it from the OneDrive's sharing)" : '',
    policy.ownership?.groups === 'hand-to-manager' ? 'the manager (or fallback owner) as co-owner of the groups the worker owned alone' : '',
  ].filter(Boolean);
  if (left.length === 0) return;
  await runner.run('handover-left-in-place', async () => ({ outcome: 'skipped', detail: `not undone, take back by hand if needed: ${left.join('; ')}` }));
}
