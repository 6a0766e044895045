import { eventFingerprint, type LifecycleEvent } from '../domain/events';
import type { Ledger } from '../ledger/types';
import { EventPublisher } from '../messaging/event-messages';
import type { QueueSender } from '../messaging/types';
import type { Telemetry } from '../telemetry/telemetry';

export interface AcceptedEvent {
  eventId: string;
  employeeId: string;
  type: LifecycleEvent['type'];
}

/**
 * Queues validated events, then records them as accepted. Queue first: Service Bus is the
 * source of truth, and a ledger row for an event that never reached the queue would read
 * "queued" forever. A large request goes in several batches, and each batch's events are
 * recorded once that batch is queued; when a later batch fails, the request fails and the
 * events already queued and recorded stay so. Re-posting after a failure is safe: eventIds are
 * messageIds, which duplicate detection drops, and an accepted row is only ever created once.
 */
export async function acceptEvents(
  events: readonly LifecycleEvent[],
  deps: { processingQueue: QueueSender; ledger: Ledger; now: () => Date; telemetry?: Telemetry },
): Promise<AcceptedEvent[]> {
  const conflicts = await reusedEventIds(events, deps.ledger);
  if (conflicts.length > 0) throw new EventIdConflictError(conflicts);
  const acceptedAt = deps.now();
  await new EventPublisher(deps.processingQueue).publish(events, async (queued) => {
    await Promise.all(queued.map((event) => deps.ledger.recordAccepted(event, acceptedAt)));
  });
  // The first item of each event's trail; processing and every Graph call carry the same eventId.
  for (const e of events) deps.telemetry?.trackEvent('LifecycleEventAccepted', { eventId: e.eventId, tenantId: e.tenantId, eventType: e.type, source: e.source });
  return events.map((e) => ({ eventId: e.eventId, employeeId: e.employee.employeeId, type: e.type }));
}

/** Accepted earlier for a different event: queueing it would be a copy that duplicate detection drops unseen. */
export class EventIdConflictError extends Error {
  constructor(readonly eventIds: string[]) {
    super(`eventId(s) ${eventIds.join(', ')} were accepted earlier for different events; nothing was queued`);
    this.name = 'EventIdConflictError';
  }
}

const LOOKUPS_AT_ONCE = 16;

/** The events whose id the ledger already holds for something else (a retried post says the same and passes). */
async function reusedEventIds(events: readonly LifecycleEvent[], ledger: Ledger): Promise<string[]> {
  const reused: string[] = [];
  for (let i = 0; i < events.length; i += LOOKUPS_AT_ONCE) {
    const chunk = events.slice(i, i + LOOKUPS_AT_ONCE);
    const records = await Promise.all(chunk.map((event) => ledger.get(event.eventId)));
    chunk.forEach((event, j) => {
      const known = records[j]?.fingerprint;
      if (known !== undefined && known !== eventFingerprint(event)) reused.push(event.eventId);
    });
  }
  return reused;
}
