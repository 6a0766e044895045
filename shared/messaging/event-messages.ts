import { employeeKey, lifecycleEventSchema, type LifecycleEvent } from '../domain/events';
import { MAX_MESSAGE_BYTES } from './limits';
import type { OutgoingMessage, OutgoingMessageBatch, QueueSender, ReceivedMessage } from './types';
import { messageJson } from './message-json';

/**
 * How a lifecycle event travels on the processing queue: messageId = eventId so Service Bus
 * duplicate detection drops re-posts, sessionId = employee key so one employee's events apply
 * in order.
 */
export function toEventMessage(event: LifecycleEvent): OutgoingMessage {
  return {
    body: event,
    messageId: event.eventId,
    sessionId: employeeKey(event),
    contentType: 'application/json',
    subject: event.type,
    applicationProperties: { tenantId: event.tenantId, eventType: event.type },
  };
}

export class InvalidEventMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventMessageError';
  }
}

/** Parses a received message back into an event; a malformed body is a permanent failure. */
export function fromEventMessage(message: ReceivedMessage): LifecycleEvent {
  const json = messageJson(message);
  if (!json) throw new InvalidEventMessageError('message body is not JSON');
  const parsed = lifecycleEventSchema.safeParse(json.value);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(body)').join(', ');
    throw new InvalidEventMessageError(`message body is not a valid lifecycle event (fields: ${fields})`);
  }
  return parsed.data;
}

/** One event alone is over what one Service Bus message may carry; names the event, never its content. */
export class EventTooLargeError extends Error {
  constructor(eventId: string) {
    super(`Event ${eventId} is larger than one Service Bus message may be (${MAX_MESSAGE_BYTES} bytes).`);
    this.name = 'EventTooLargeError';
  }
}

/**
 * Publishes accepted events in request order, in as few sends as Service Bus allows: one send is
 * at most 256 KB on Standard (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas),
 * about 300 events, so a full HR request (500 records) takes several. Each batch comes from the
 * sender's `createMessageBatch`, whose `tryAddMessage` says when it is full; batches go one after
 * another, so a worker's events keep their request order across batches (each session is FIFO).
 *
 * Each batch lands whole or not at all; the request as a whole does not. When a send fails (or
 * the process stops) after some batches, those events stay queued, the caller answers with an
 * error, and the HR system posts again. That is safe: messageId = eventId, so duplicate
 * detection drops the events already queued (within its window, 1 h in infra/main.bicep), and
 * `onQueued`, called after each batch with its events, lets the caller record only what is queued.
 */
export class EventPublisher {
  constructor(private readonly sender: QueueSender) {}

  async publish(events: readonly LifecycleEvent[], onQueued: (queued: readonly LifecycleEvent[]) => Promise<void> = async () => undefined): Promise<void> {
    let batch: OutgoingMessageBatch | undefined;
    let inBatch: LifecycleEvent[] = [];
    for (const event of events) {
      const message = toEventMessage(event);
      batch ??= await this.sender.createMessageBatch();
      if (batch.tryAddMessage(message)) {
        inBatch.push(event);
        continue;
      }
      if (inBatch.length === 0) throw new EventTooLargeError(event.eventId);
      await this.sender.sendMessages(batch);
      await onQueued(inBatch);
      batch = await this.sender.createMessageBatch();
      if (!batch.tryAddMessage(message)) throw new EventTooLargeError(event.eventId);
      inBatch = [event];
    }
    if (!batch || inBatch.length === 0) return;
    await this.sender.sendMessages(batch);
    await onQueued(inBatch);
  }
}
