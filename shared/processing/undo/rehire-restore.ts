import type { LifecycleEvent } from '../../domain/events';
import type { DirectoryUser } from '../../graph/users';
import { snapshotToRestore, type LeaverSnapshot } from '../../ledger/leaver-snapshots';
import type { AccountReads } from '../account-reads';
import type { ProcessingDeps } from '../deps';
import type { StepRunner } from '../step-runner';
import { restoreParts } from './restore-parts';

const STEP = 'leaver-snapshot';
/** What a rehire takes from the snapshot, beside what the rules give: attributes come from HR. */
const FOR_A_REHIRE = new Set(['groups', 'licences', 'manager']);

/**
 * A rehire that got its old account back (within retention) and finds a snapshot its leaver took
 * of that very account: with `rehire.restoreFromLeaverSnapshot` it restores the groups, licences
 * and manager the rules do not decide; without, its step says the snapshot exists and how an
 * operator restores from it. A new account has no snapshot: nothing to offer.
 */
export async function offerLeaverSnapshot(event: LifecycleEvent, user: DirectoryUser, reads: AccountReads, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  const { tenantId, employee } = event;
  const ofThisAccount = (await deps.ledger.snapshots.list(tenantId, employee.employeeId)).filter((s) => s.userId === user.id);
  const chosen = snapshotToRestore(ofThisAccount);
  const restoring = deps.policy.rehire?.restoreFromLeaverSnapshot === true;
  if (!chosen) {
    if (!restoring) return;
    // A dry run plans against a ledger of its own, which holds no snapshot.
    const dry = deps.mode === 'plan' ? ' (a dry run does not read stored snapshots: the rehire looks for one when it runs)' : '';
    await runner.run(STEP, async () => ({ outcome: 'skipped', detail: `no snapshot of this account from a leaver to restore from${dry}` }));
    return;
  }
  const from = `the snapshot leaver ${chosen.leaverEventId} took at ${chosen.takenAt}`;
  if (!restoring) {
    await runner.run(STEP, async () => ({
      outcome: 'skipped',
      detail: `${from} exists; to restore its groups, licences, manager and reports: POST /api/manage/workers/${employee.employeeId}/undo-leaver${tenantId === 'default' ? '' : `?tenant=${tenantId}`} (npm run undo-leaver -- ${employee.employeeId}), or set rehire.restoreFromLeaverSnapshot in the rules`,
    }));
    return;
  }
  let snapshot: LeaverSnapshot | undefined;
  await runner.run(STEP, async () => {
    snapshot = await deps.ledger.snapshots.get(tenantId, employee.employeeId, chosen.leaverEventId);
    return snapshot
      ? { outcome: 'done', detail: `restoring groups, licences and the manager beside the rules from ${from}` }
      : { outcome: 'skipped', detail: `${from} can no longer be read` };
  });
  if (snapshot) await restoreParts({ event, user, snapshot, runner, deps, reads, besideRules: true }, FOR_A_REHIRE);
}
