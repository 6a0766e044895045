import type { LifecycleEvent } from '../../domain/events';
import { findUserByEmployeeId, findUserByUpn, type DirectoryUser } from '../../graph/users';
import type { ProcessingDeps } from '../deps';
import { StepFailure } from '../outcome';
import type { StepRunner } from '../step-runner';
import { accountReadsFor, type AccountChange, type AccountReads } from '../account-reads';
import { checkProtection } from './protection';

/** Entra compares employeeIds case-insensitively (an `eq` on `E100` finds `e100`); so do we. */
export function sameEmployeeId(a: string | null | undefined, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
}

/** Only these events give an account its employeeId, so only they may claim one that has none. */
const CLAIMS_ACCOUNTS: ReadonlySet<LifecycleEvent['type']> = new Set(['joiner', 'rehire']);

/**
 * The worker's account: by employeeId first, then by an explicit UPN from HR. An account is never
 * taken over: one found by UPN whose employeeId is another worker's stops the event, and one with
 * no employeeId may be claimed only by a joiner or a rehire (which then records the employeeId).
 * A joiner's "none" comes from the shared lookup (it then creates the account, and a UPN clash is
 * checked there); any other event's "none" is confirmed by a direct `eq` lookup of that one
 * employeeId, because on those it means "nothing to do" or a dead letter.
 */
export async function findUser(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<DirectoryUser | undefined> {
  let user: DirectoryUser | undefined;
  const { employeeId, userPrincipalName: upn } = event.employee;
  await runner.run('find-user', async () => {
    user = await deps.directory.findByEmployeeId(employeeId);
    if (user) return { outcome: 'done', detail: `found ${user.userPrincipalName} by employeeId` };
    if (upn) {
      const holder = await findUserByUpn(deps.graph, upn);
      if (holder) {
        user = ownedBy(event, holder);
        const claimed = user.employeeId ? '' : '; it had no employeeId and is claimed for this worker';
        return { outcome: 'done', detail: `found ${user.userPrincipalName} by userPrincipalName${claimed}` };
      }
    }
    if (event.type === 'joiner') return { outcome: 'done', detail: 'no account for this worker' };
    user = await findUserByEmployeeId(deps.graph, employeeId);
    if (user) {
      deps.directory.forgetEmployee(employeeId);
      return { outcome: 'done', detail: `found ${user.userPrincipalName} by employeeId (a direct lookup; the shared one missed it)` };
    }
    return { outcome: 'done', detail: 'no account for this worker (confirmed by a direct lookup)' };
  });
  return user;
}

/** The account found by UPN, if this event may act on it; otherwise the event stops with nothing changed. */
function ownedBy(event: LifecycleEvent, holder: DirectoryUser): DirectoryUser {
  const { employeeId } = event.employee;
  if (holder.employeeId && !sameEmployeeId(holder.employeeId, employeeId)) {
    throw new StepFailure(
      'find-user',
      false,
      'UpnBelongsToAnotherWorker',
      `the userPrincipalName HR sent for employee ${employeeId} belongs to the account of employee ${holder.employeeId}; nothing was changed`,
      "Correct this worker's userPrincipalName in HR (or the other account's employeeId in Entra ID), then replay.",
    );
  }
  if (!holder.employeeId && !CLAIMS_ACCOUNTS.has(event.type)) {
    throw new StepFailure(
      'find-user',
      false,
      'UpnAccountUnclaimed',
      `the userPrincipalName HR sent for employee ${employeeId} belongs to an account with no employeeId; a ${event.type} does not claim accounts, so nothing was changed`,
      'Send a joiner for this worker to claim the account (or set its employeeId in Entra ID), then replay.',
    );
  }
  return holder;
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
