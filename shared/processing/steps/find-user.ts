import type { LifecycleEvent } from '../../domain/events';
import { findUserByUpn, type DirectoryUser } from '../../graph/users';
import type { ProcessingDeps } from '../deps';
import { StepFailure } from '../outcome';
import type { StepRunner } from '../step-runner';
import { accountReadsFor, type AccountChange, type AccountReads } from '../account-reads';
import { checkProtection } from './protection';

/** Matches the worker's account by employeeId first, then by an explicit UPN from HR. */
export async function findUser(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<DirectoryUser | undefined> {
  let user: DirectoryUser | undefined;
  await runner.run('find-user', async () => {
    user = await deps.directory.findByEmployeeId(event.employee.employeeId);
    if (user) return { outcome: 'done', detail: `found ${user.userPrincipalName} by employeeId` };
    const upn = event.employee.userPrincipalName;
    if (upn) {
      user = await findUserByUpn(deps.graph, upn);
      if (user) return { outcome: 'done', detail: `found ${user.userPrincipalName} by userPrincipalName` };
    }
    return { outcome: 'done', detail: 'no account for this worker' };
  });
  return user;
}

/**
 * For events that only change an existing account (movers, ticket changes): the account, or a
 * permanent `UserNotFound` that says what to send first; then recorded and checked for protection.
 * Returns the reads the rest of the flow shares (`change` says which it will need).
 */
export async function requireAccount(
  event: LifecycleEvent,
  runner: StepRunner,
  deps: ProcessingDeps,
  change: AccountChange,
  remedy: string,
): Promise<{ user: DirectoryUser; reads: AccountReads }> {
  const user = await findUser(event, runner, deps);
  if (!user) throw new StepFailure('find-user', false, 'UserNotFound', `no account has employeeId ${event.employee.employeeId}`, remedy);
  await runner.patch((r) => ({ ...r, userId: user.id }));
  const reads = accountReadsFor(event, user, deps, change);
  await checkProtection(user, reads, runner, deps);
  return { user, reads };
}
