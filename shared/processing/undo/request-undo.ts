import { eventFingerprint } from '../../domain/events';
import { snapshotToRestore } from '../../ledger/leaver-snapshots';
import type { Ledger } from '../../ledger/types';
import type { QueueSender } from '../../messaging/types';
import type { Telemetry } from '../../telemetry/telemetry';
import { acceptEvents } from '../accept-events';
import { undoEvent } from './undo-event';

export type UndoRequestOutcome =
  /** Queued: the worker's session runs it after their earlier events. */
  | { kind: 'accepted'; eventId: string; snapshotOf: string; snapshotTakenAt: string }
  /** Asked before: the same event, nothing queued again. */
  | { kind: 'already-requested'; eventId: string; status: string; snapshotOf: string; snapshotTakenAt: string }
  | { kind: 'no-snapshot'; reason: string }
  /** The undo's id belongs to another event in the ledger (an HR eventId that happens to read `undo-…`). */
  | { kind: 'conflict'; eventId: string };

export interface UndoRequestDeps {
  ledger: Ledger;
  processingQueue: QueueSender;
  now: () => Date;
  telemetry?: Telemetry;
}

/**
 * An operator's undo of a worker's leaver: the snapshot to restore is the newest one of the
 * account as it worked (`snapshotToRestore`); the undo is queued as an event like every change,
 * once per leaver. Whether the account can still be restored (30 days in deleted items) the
 * event finds out, in order with the worker's other events.
 */
export async function requestUndo(tenantId: string, employeeId: string, deps: UndoRequestDeps): Promise<UndoRequestOutcome> {
  const chosen = snapshotToRestore(await deps.ledger.snapshots.list(tenantId, employeeId));
  if (!chosen) {
    return {
      kind: 'no-snapshot',
      reason: `no leaver snapshot of employee ${employeeId} in tenant '${tenantId}': the worker has not left since snapshots were taken, or no worker has this employeeId; nothing was queued`,
    };
  }
  // The employeeId as the leaver had it (Entra matches it in any case; the worker's session key does not).
  const snapshot = await deps.ledger.snapshots.get(tenantId, employeeId, chosen.leaverEventId);
  const event = undoEvent(tenantId, snapshot?.employeeId ?? employeeId, chosen, deps.now());
  const known = await deps.ledger.get(event.eventId);
  const about = { eventId: event.eventId, snapshotOf: chosen.leaverEventId, snapshotTakenAt: chosen.takenAt };
  if (known) {
    if (known.fingerprint !== undefined && known.fingerprint !== eventFingerprint(event)) return { kind: 'conflict', eventId: event.eventId };
    return { kind: 'already-requested', status: known.status, ...about };
  }
  await acceptEvents([event], deps);
  return { kind: 'accepted', ...about };
}
