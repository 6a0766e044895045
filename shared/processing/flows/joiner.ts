import type { LifecycleEvent } from '../../domain/events';
import type { DirectoryUser } from '../../graph/users';
import { accountReadsFor, newAccountReads, type AccountReads } from '../account-reads';
import type { ProcessingDeps } from '../deps';
import type { StepRunner } from '../step-runner';
import { updateAttributes } from '../steps/account';
import { reconcileGroups, reconcileLicences } from '../steps/access';
import { createAccount } from '../steps/create-user';
import { findUser } from '../steps/find-user';
import { linkManager, linkWaitingReports } from '../steps/manager';
import { issueTemporaryAccessPass } from '../steps/credential';
import { checkProtection } from '../steps/protection';

/**
 * Joiner: the account, its manager, rule-based groups and licences. A joiner for a worker who
 * already has an account (an HR upsert, a re-post) reconciles it like a mover.
 */
export async function runJoiner(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<DirectoryUser | undefined> {
  const existing = await findUser(event, runner, deps);
  let user: DirectoryUser | undefined;
  let reads: AccountReads = newAccountReads;
  if (existing) {
    reads = accountReadsFor(event, existing, deps, { removeUnwanted: true, linksManager: true });
    await checkProtection(existing, reads, runner, deps);
    await updateAttributes(event, existing, runner, deps);
    user = existing;
  } else {
    user = await createAccount(event, runner, deps);
  }
  if (!user) return undefined; // dry run of a new account: nothing further can be read
  await runner.patch((r) => ({ ...r, userId: (user as DirectoryUser).id }));
  await linkManager(event, user, reads, runner, deps);
  await reconcileGroups(event, user, runner, deps, { removeUnwanted: !!existing, reads });
  await reconcileLicences(event, user, runner, deps, { removeUnwanted: !!existing, reads });
  await linkWaitingReports(event, user, runner, deps);
  // Only for an account this event created (now, or in an attempt before a retry): a joiner
  // re-posted for an existing worker must not invalidate the way they already sign in.
  if (!existing || runner.completedEarlier('create-user')) await issueTemporaryAccessPass(event, user, 'joiner', runner, deps);
  return user;
}
