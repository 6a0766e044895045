import { GraphRequestError } from '../../graph/errors';
import type { LeaverSnapshot, SnapshotPartRecord } from '../../ledger/leaver-snapshots';
import type { OffboardingContext } from './context';
import { OPTION_SNAPSHOT_PARTS } from './snapshot-option-parts';
import { BASE_SNAPSHOT_PARTS, type SnapshotPart } from './snapshot-parts';

export const SNAPSHOT_STEP = 'snapshot-state';

/**
 * Every part a leaver's snapshot holds, in order. An offboarding step whose option changes
 * something an undo should know about adds its part here (see `SnapshotPart`).
 */
export const SNAPSHOT_PARTS: SnapshotPart[] = [...BASE_SNAPSHOT_PARTS, ...OPTION_SNAPSHOT_PARTS];

/**
 * Before the leaver's first change: the account's state, stored with the event (a blob named by
 * the event, beside the ledger) for an undo or a rehire to restore from. Taken once per leaver
 * event: a redelivery or replay finds the account already changed, so the first snapshot stays.
 */
export async function takeSnapshot(ctx: OffboardingContext): Promise<void> {
  const { runner, deps, event, user } = ctx;
  await runner.run(SNAPSHOT_STEP, async () => {
    if (runner.completedEarlier(SNAPSHOT_STEP)) return { outcome: 'already-done', detail: 'the snapshot taken in an earlier attempt is kept' };
    const snapshot: LeaverSnapshot = {
      version: 1,
      tenantId: event.tenantId,
      employeeId: event.employee.employeeId,
      leaverEventId: event.eventId,
      takenAt: deps.now().toISOString(),
      userId: user.id,
      userPrincipalName: user.userPrincipalName,
      parts: await readParts(ctx),
    };
    const contents = describeSnapshot(snapshot);
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would store a snapshot of ${user.userPrincipalName}: ${contents}` };
    // An attempt that stored its snapshot but stopped before recording the step finds it here, kept.
    const { stored, snapshot: kept } = await deps.ledger.snapshots.keepFirst(snapshot);
    if (!stored) return { outcome: 'already-done', detail: `the snapshot taken ${kept.takenAt}, before the first change, is kept` };
    return { outcome: 'done', detail: `stored a snapshot of ${user.userPrincipalName}: ${contents}` };
  });
}

async function readParts(ctx: OffboardingContext): Promise<Record<string, SnapshotPartRecord>> {
  const parts: Record<string, SnapshotPartRecord> = {};
  for (const part of SNAPSHOT_PARTS) parts[part.name] = await readPart(part, ctx);
  return parts;
}

/** A part Graph refuses (a permission the app lacks, a mailbox that is not there) is recorded as not read; a transient failure retries the event. */
async function readPart(part: SnapshotPart, ctx: OffboardingContext): Promise<SnapshotPartRecord> {
  try {
    return await part.read(ctx);
  } catch (error) {
    if (!(error instanceof GraphRequestError) || error.failure.kind === 'transient' || error.failure.kind === 'replicating') throw error;
    return { read: false, reason: `Graph refused to read it (${error.failure.status} ${error.failure.code})` };
  }
}

/** What was stored and what was not, for the step's detail and the undo's report. */
export function describeSnapshot(snapshot: LeaverSnapshot): string {
  const found: string[] = [];
  const missing: string[] = [];
  for (const part of SNAPSHOT_PARTS) {
    const record = snapshot.parts[part.name];
    if (!record) continue;
    if (record.read) found.push(part.describe(record.value));
    else missing.push(`${part.name} (${record.reason})`);
  }
  return `${found.join(', ')}${missing.length ? `; not recorded: ${missing.join('; ')}` : ''}`;
}
