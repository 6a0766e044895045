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
 * "queued" forever. Re-posting after a failure is safe: eventIds are de-duplicated.
 */
export async function acceptEvents(
  events: readonly LifecycleEvent[],
  deps: { processingQueue: QueueSender; ledger: Ledger; now: () => Date; telemetry?: Telemetry },
): Promise<AcceptedEvent[]> {
  await new EventPublisher(deps.processingQueue).publish(events);
  const acceptedAt = deps.now();
  await Promise.all(events.map((event) => deps.ledger.recordAccepted(event, acceptedAt)));
  // The first item of each event's trail; processing and every Graph call carry the same eventId.
  for (const e of events) deps.telemetry?.trackEvent('LifecycleEventAccepted', { eventId: e.eventId, tenantId: e.tenantId, eventType: e.type, source: e.source });
  return events.map((e) => ({ eventId: e.eventId, employeeId: e.employee.employeeId, type: e.type }));
}
