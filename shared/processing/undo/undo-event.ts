import { createHash } from 'node:crypto';
import { HOME_TENANT, lifecycleEventSchema, tenantScopedEventId, type LifecycleEvent } from '../../domain/events';
import type { SnapshotSummary } from '../../ledger/leaver-snapshots';
import type { EventRecord, Ledger } from '../../ledger/types';

/** Room for the `undo-` prefix and a customer tenant's key inside an eventId's 128 characters. */
const MAX_PLAIN_ID = 100;

/**
 * The one undo a leaver event can have: `undo-<leaver eventId>` (a digest of it when that is
 * long), scoped to the tenant like every customer event. The same leaver always gives the same
 * id, so asking twice is one event: Service Bus drops the copy and the ledger knows it.
 */
export function undoEventId(tenantId: string, leaverEventId: string): string {
  const unscoped = tenantId !== HOME_TENANT && leaverEventId.startsWith(`${tenantId}:`) ? leaverEventId.slice(tenantId.length + 1) : leaverEventId;
  const plain = `undo-${unscoped}`;
  const id = plain.length <= MAX_PLAIN_ID ? plain : `undo-${createHash('sha256').update(leaverEventId).digest('hex').slice(0, 32)}`;
  return tenantScopedEventId(tenantId, id);
}

/**
 * An undo travels like every change: a lifecycle event on the processing queue, in the worker's
 * session behind their other events. It is a rehire (the worker is back) that restores from the
 * leaver's snapshot instead of applying the rules, from the `manage` source no HR feed can use.
 */
export function undoEvent(tenantId: string, employeeId: string, snapshot: Pick<SnapshotSummary, 'leaverEventId'>, now: Date): LifecycleEvent {
  return lifecycleEventSchema.parse({
    eventId: undoEventId(tenantId, snapshot.leaverEventId),
    type: 'rehire',
    tenantId,
    source: 'manage',
    occurredAt: now.toISOString(),
    employee: { employeeId },
    restore: { snapshotOf: snapshot.leaverEventId },
  });
}

/** The undo asked for this leaver, if any (the same worker's rehire under its id): the leaver's later phases (licence removal, deletion) then leave the account alone. */
export async function undoOfLeaver(leaver: Pick<EventRecord, 'eventId' | 'tenantId' | 'employeeKey'>, ledger: Ledger): Promise<EventRecord | undefined> {
  const undo = await ledger.get(undoEventId(leaver.tenantId, leaver.eventId));
  return undo?.type === 'rehire' && undo.employeeKey === leaver.employeeKey ? undo : undefined;
}
