import type { LifecycleEvent } from '../domain/events';
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
  const acceptedAt = deps.now();
  await new EventPublisher(deps.processingQueue).publish(events, async (queued) => {
    await Promise.all(queued.map((event) => deps.ledger.recordAccepted(event, acceptedAt)));
  });
  // The first item of each event's trail; processing and every Graph call carry the same eventId.
  for (const e of events) deps.telemetry?.trackEvent('LifecycleEventAccepted', { eventId: e.eventId, tenantId: e.tenantId, eventType: e.type, source: e.source });
  return events.map((e) => ({ eventId: e.eventId, employeeId: e.employee.employeeId, type: e.type }));
}
