import { employeeKey, lifecycleEventSchema, type LifecycleEvent } from '../domain/events';
import type { OutgoingMessage, QueueSender, ReceivedMessage } from './types';

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
  let body: unknown = message.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      throw new InvalidEventMessageError('message body is not JSON');
    }
  } else if (Buffer.isBuffer(body)) {
    try {
      body = JSON.parse(body.toString('utf8'));
    } catch {
      throw new InvalidEventMessageError('message body is not JSON');
    }
  }
  const parsed = lifecycleEventSchema.safeParse(body);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(body)').join(', ');
    throw new InvalidEventMessageError(`message body is not a valid lifecycle event (fields: ${fields})`);
  }
  return parsed.data;
}

/** Publishes accepted events; all of one request go in one send so they land together or not at all. */
export class EventPublisher {
  constructor(private readonly sender: QueueSender) {}

  async publish(events: readonly LifecycleEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.sender.sendMessages(events.map(toEventMessage));
  }
}
