import type { LifecycleEvent } from '../../domain/events';
import type { LeaverSnapshot } from '../../ledger/leaver-snapshots';
import { existingAccountReads } from '../account-reads';
import type { ProcessingDeps } from '../deps';
import type { SnapshotAttributes } from '../offboarding/snapshot-parts';
import { describeSnapshot } from '../offboarding/snapshot';
import { StepFailure } from '../outcome';
import type { StepRunner } from '../step-runner';
import { setAccountEnabled, setLeaveDate } from '../steps/account';
import { issueTemporaryAccessPass } from '../steps/credential';
import { checkProtection } from '../steps/protection';
import { reportHandoverLeftInPlace } from '../undo/handover-left';
import { leaveBlockGroup } from '../undo/leave-block-group';
import { recoverAccount } from '../undo/restore-account';
import { restoreParts } from '../undo/restore-parts';

/**
 * An undo of a leaver (a rehire with `restore`, from the manage route): the account the leaver's
 * snapshot describes, restored from deleted items if it was deleted, sign-in as it was (on),
 * the leave date as it was (none), out of the Conditional Access block group, then each recorded
 * part put back — attributes, groups, licences with their disabled plans, manager, direct reports,
 * owned groups, devices — one step each, naming what could not be restored (a wiped device). Every step checks first, so a second run changes nothing. The leaver's own
 * later phases (licence removal, deletion) see the undo and leave the account alone.
 */
export async function runUndoLeaver(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  const snapshot = await findSnapshot(event, runner, deps);
  const user = await recoverAccount(snapshot, runner, deps);
  // A dry run that would restore the account from deleted items stops there: nothing of it can be read before it is back.
  if (!user) return;
  await runner.patch((r) => ({ ...r, userId: user.id }));
  const reads = existingAccountReads(deps.graph, user.id, new Set(['memberships', 'licences', 'manager']));
  await checkProtection(user, reads, runner, deps);
  const attributes = snapshot.parts.attributes?.read ? (snapshot.parts.attributes.value as SnapshotAttributes) : {};
  await setAccountEnabled(user, attributes.accountEnabled !== false, runner, deps);
  const leaveDate = typeof attributes.employeeLeaveDateTime === 'string' ? new Date(attributes.employeeLeaveDateTime) : null;
  await setLeaveDate(user, leaveDate, runner, deps);
  await leaveBlockGroup(user, snapshot, reads, runner, deps);
  await restoreParts({ event, user, snapshot, runner, deps, reads, besideRules: false });
  await reportHandoverLeftInPlace(deps.policy.leaver, runner);
  // Its sign-in methods were removed (the snapshot read them only because the leaver removed them): a pass to register again.
  if (snapshot.parts.authenticationMethods?.read) await issueTemporaryAccessPass(event, user, 'rehire', runner, deps);
}

async function findSnapshot(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<LeaverSnapshot> {
  const leaverEventId = event.restore?.snapshotOf ?? '';
  let snapshot: LeaverSnapshot | undefined;
  await runner.run('find-snapshot', async () => {
    snapshot = await deps.ledger.snapshots.get(event.tenantId, event.employee.employeeId, leaverEventId);
    if (!snapshot) {
      throw new StepFailure(
        'find-snapshot',
        false,
        'SnapshotNotFound',
        `no snapshot of leaver ${leaverEventId} for employee ${event.employee.employeeId}`,
        'Ask for the undo again (POST /api/manage/workers/{employeeId}/undo-leaver): it names the snapshot to restore.',
      );
    }
    return { outcome: 'done', detail: `the snapshot leaver ${leaverEventId} took of ${snapshot.userPrincipalName} at ${snapshot.takenAt}: ${describeSnapshot(snapshot)}` };
  });
  return snapshot as LeaverSnapshot;
}
