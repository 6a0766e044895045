import type { LifecycleEvent } from '../../domain/events';
import type { DirectoryUser } from '../../graph/users';
import { accountReadsFor, newAccountReads } from '../account-reads';
import type { ProcessingDeps } from '../deps';
import type { StepRunner } from '../step-runner';
import { setAccountEnabled, setLeaveDate, updateAttributes } from '../steps/account';
import { reconcileGroups, reconcileLicences } from '../steps/access';
import { createAccount } from '../steps/create-user';
import { findUser } from '../steps/find-user';
import { linkManager, linkWaitingReports } from '../steps/manager';
import { issueTemporaryAccessPass } from '../steps/credential';
import { checkProtection } from '../steps/protection';
import { restoreAccount } from '../steps/restore-user';
import { leaveBlockGroup } from '../undo/leave-block-group';
import { offerLeaverSnapshot } from '../undo/rehire-restore';
import { runUndoLeaver } from './undo-leaver';

/**
 * Rehire: the old account if it still exists, restored from deleted items within its 30 days
 * (under a new UPN if its own was taken meanwhile), or a new one; then sign-in on, leave date
 * cleared and the joiner rules applied again.
 */
export async function runRehire(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  if (event.restore) return runUndoLeaver(event, runner, deps);
  let user: DirectoryUser | undefined = await findUser(event, runner, deps);
  let created = false;
  // A restore that cannot finish stops the event here: a new account is made only when none was deleted.
  if (!user) user = await restoreAccount(event, runner, deps);
  // A dry run that would restore the old account stops there: nothing about it can be read before it is back, and no new one would be made.
  if (!user && deps.mode === 'plan' && runner.record.steps.some((s) => s.name === 'restore-user' && s.outcome === 'planned')) return;
  if (!user) {
    user = await createAccount(event, runner, deps);
    created = true;
  }
  if (!user) return;
  const account = user;
  await runner.patch((r) => ({ ...r, userId: account.id }));
  const reads = created ? newAccountReads : accountReadsFor(event, account, deps, { removeUnwanted: true, linksManager: true });
  if (!created) {
    await checkProtection(account, reads, runner, deps);
    await setAccountEnabled(account, true, runner, deps);
    await setLeaveDate(account, null, runner, deps);
    await leaveBlockGroup(account, undefined, reads, runner, deps);
    await updateAttributes(event, account, runner, deps);
  }
  await linkManager(event, account, reads, runner, deps);
  await reconcileGroups(event, account, runner, deps, { removeUnwanted: !created, reads });
  await reconcileLicences(event, account, runner, deps, { removeUnwanted: !created, reads });
  if (!created) await offerLeaverSnapshot(event, account, reads, runner, deps);
  await linkWaitingReports(event, account, runner, deps);
  await issueTemporaryAccessPass(event, account, 'rehire', runner, deps);
}
