import { GraphRequestError } from '../../graph/errors';
import { getDeletedUser } from '../../graph/leaver-state';
import { findUserByUpn, restoreDeletedUser, type DirectoryUser } from '../../graph/users';
import type { LeaverSnapshot } from '../../ledger/leaver-snapshots';
import type { ProcessingDeps } from '../deps';
import { StepFailure } from '../outcome';
import type { StepRunner } from '../step-runner';
import { sameEmployeeId } from '../steps/find-user';

const STEP = 'restore-account';

/**
 * The very account the snapshot describes (its object id, never one found by name): as it is, or
 * restored from deleted items within its 30 days. An account that is gone, or that is now another
 * worker's, stops the undo with nothing changed.
 */
export async function recoverAccount(snapshot: LeaverSnapshot, runner: StepRunner, deps: ProcessingDeps): Promise<DirectoryUser | undefined> {
  let user: DirectoryUser | undefined;
  await runner.run(STEP, async () => {
    const live = await findUserByUpn(deps.graph, snapshot.userId);
    if (live) {
      user = ownAccount(live, snapshot);
      return { outcome: 'already-done', detail: `${live.userPrincipalName} still exists; nothing to restore from deleted items` };
    }
    const deleted = await getDeletedUser(deps.graph, snapshot.userId);
    if (!deleted) {
      throw new StepFailure(
        STEP,
        false,
        'AccountGone',
        `${snapshot.userPrincipalName} (${snapshot.userId}) is neither in the directory nor in deleted items: its 30 days there are over, or it was purged; nothing was restored`,
        'An undo cannot bring it back. Send a rehire from HR: it creates a new account for the worker.',
      );
    }
    ownAccount(deleted, snapshot);
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would restore ${deleted.userPrincipalName} from deleted items` };
    try {
      const restored = await restoreDeletedUser(deps.graph, deleted.id);
      user = { ...deleted, ...restored, userPrincipalName: restored.userPrincipalName ?? deleted.userPrincipalName };
    } catch (error) {
      throw refused(deleted, error);
    }
    return { outcome: 'done', detail: `restored ${deleted.userPrincipalName} from deleted items` };
  });
  return user;
}

function ownAccount(account: DirectoryUser, snapshot: LeaverSnapshot): DirectoryUser {
  if (account.employeeId && !sameEmployeeId(account.employeeId, snapshot.employeeId)) {
    throw new StepFailure(
      STEP,
      false,
      'AccountChangedHands',
      `the account the snapshot describes (${snapshot.userId}) now has employeeId ${account.employeeId}, not ${snapshot.employeeId}; nothing was changed`,
      'Check the account in Entra ID: an undo restores only the worker it was taken for.',
    );
  }
  return account;
}

function refused(deleted: DirectoryUser, error: unknown): unknown {
  if (!(error instanceof GraphRequestError) || (error.failure.kind !== 'permanent' && error.failure.kind !== 'conflict')) return error;
  return new StepFailure(
    STEP,
    false,
    'RestoreRefused',
    `restoring ${deleted.userPrincipalName} from deleted items was refused (Graph ${error.failure.status} ${error.failure.code}: ${error.failure.message}); nothing was restored`,
    'If another account now has its userPrincipalName, send a rehire from HR instead (it restores the account under a free name); otherwise resolve what Graph names, then replay.',
  );
}
