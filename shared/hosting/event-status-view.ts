import type { EventRecord } from '../ledger/types';

/** The ids `acceptEvents` hands out (see `lifecycleEventSchema`); anything else is not looked up. */
export function isEventId(value: string): boolean {
  return /^[A-Za-z0-9._:@-]{1,128}$/.test(value);
}

/** One event as its status routes show it: its steps and where it stands; never the worker's record. */
export function eventStatusView(record: EventRecord): Record<string, unknown> {
  const { eventId, type, status, tenantId, occurredAt, acceptedAt, updatedAt, attempts, steps, error, userId, nextAttemptAt, approvals, ticketWriteBack } = record;
  return {
    eventId, type, status, tenantId, occurredAt, acceptedAt, updatedAt, attempts, userId, ...(nextAttemptAt ? { nextAttemptAt } : {}), steps, ...(error ? { error } : {}),
    // Who decided on its holds, and whether its ticket heard of its end (the receiver's host only).
    ...(approvals?.length ? { approvals } : {}),
    ...(ticketWriteBack ? { ticketWriteBack } : {}),
  };
}
