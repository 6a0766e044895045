import type { LifecycleEvent } from '../domain/events';
import type { Ledger } from '../ledger/types';
import { EventPublisher } from '../messaging/event-messages';
import type { QueueSender } from '../messaging/types';

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
  deps: { processingQueue: QueueSender; ledger: Ledger; now: () => Date },
): Promise<AcceptedEvent[]> {
  await new EventPublisher(deps.processingQueue).publish(events);
  const acceptedAt = deps.now();
  await Promise.all(events.map((event) => deps.ledger.recordAccepted(event, acceptedAt)));
  return events.map((e) => ({ eventId: e.eventId, employeeId: e.employee.employeeId, type: e.type }));
}
