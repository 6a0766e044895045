import { randomUUID } from 'node:crypto';
import { MAX_ID_LENGTH, MAX_MESSAGE_BYTES } from '../../shared/messaging/limits';
import type { OutgoingMessage, ReceivedMessage } from '../../shared/messaging/types';

/** Application property values as the SDK allows them; Dates are tagged so they survive JSON. */
type PropertyValue = number | boolean | string | Date | null;
export type EncodedPropertiesPatch = Record<string, EncodedProperty>;
type EncodedProperty = number | boolean | string | null | { $date: number };
type EncodedBody = { json: unknown } | { bytes: string } | { undef: true };

/** A message as kept in memory and in the journal (JSON-safe). */
export interface StoredMessage {
  seq: number;
  body: EncodedBody;
  messageId: string;
  sessionId?: string;
  contentType?: string;
  correlationId?: string;
  subject?: string;
  to?: string;
  replyTo?: string;
  replyToSessionId?: string;
  partitionKey?: string;
  timeToLive?: number;
  applicationProperties?: Record<string, EncodedProperty>;
  enqueuedAt: number;
  scheduledAt?: number;
  deliveryCount: number;
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
}

export class ServiceBusLikeError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ServiceBusError';
  }
}

export const lockLostError = (): ServiceBusLikeError =>
  new ServiceBusLikeError(
    'The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.',
    'MessageLockLost',
  );

/** A minimal stand-in for the `Long` the SDK uses for sequence numbers (toNumber/toString/valueOf). */
export interface SequenceNumber {
  low: number;
  high: number;
  unsigned: boolean;
  toNumber(): number;
  toString(): string;
  valueOf(): number;
  toJSON(): number;
}

export function sequenceNumber(value: number): SequenceNumber {
  return {
    low: value | 0,
    high: Math.floor(value / 2 ** 32) | 0,
    unsigned: false,
    toNumber: () => value,
    toString: () => String(value),
    valueOf: () => value,
    toJSON: () => value,
  };
}

/** Accepts what callers may hold as a sequence number: number, bigint, Long(-like) or numeric string. */
export function toSequence(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof value === 'object' && typeof (value as { toNumber?: unknown }).toNumber === 'function') {
    return (value as { toNumber(): number }).toNumber();
  }
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

export function messageIdKey(id: OutgoingMessage['messageId']): string | undefined {
  if (id === undefined || id === null) return undefined;
  if (Buffer.isBuffer(id)) return id.toString('hex');
  return String(id);
}

function encodeBody(body: unknown): EncodedBody {
  if (body === undefined) return { undef: true };
  if (body instanceof Uint8Array) return { bytes: Buffer.from(body).toString('base64') };
  return { json: body };
}

function decodeBody(body: EncodedBody): unknown {
  if ('bytes' in body) return Buffer.from(body.bytes, 'base64');
  if ('json' in body) return body.json;
  return undefined;
}

export function encodeProperties(props: Record<string, PropertyValue> | undefined): Record<string, EncodedProperty> | undefined {
  if (!props) return undefined;
  const out: Record<string, EncodedProperty> = {};
  for (const [key, value] of Object.entries(props)) {
    out[key] = value instanceof Date ? { $date: value.getTime() } : value;
  }
  return out;
}

function decodeProperties(props: Record<string, EncodedProperty> | undefined): Record<string, PropertyValue> | undefined {
  if (!props) return undefined;
  const out: Record<string, PropertyValue> = {};
  for (const [key, value] of Object.entries(props)) {
    out[key] = value !== null && typeof value === 'object' ? new Date(value.$date) : value;
  }
  return out;
}

/** The SDK's wording (sdk/servicebus/service-bus/src/util/errors.ts) for what is not a message. */
export const NOT_A_MESSAGE = "Provided value for 'message' must be of type: ServiceBusMessage or AmqpAnnotatedMessage.";
export const NOT_MESSAGES =
  "Provided value for 'messages' must be of type: ServiceBusMessage, AmqpAnnotatedMessage, ServiceBusMessageBatch or an array of type ServiceBusMessage or AmqpAnnotatedMessage.";

/**
 * Throws what the SDK throws before anything is sent (`throwIfNotValidServiceBusMessage`, then
 * `toRheaMessage` in src/serviceBusMessage.ts): not a message, a sessionId or messageId longer than
 * Service Bus allows (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas:
 * "Maximum size of a message ID: 128", "of a message session ID: 128").
 */
export function validateMessageFields(message: OutgoingMessage, notAMessage = NOT_MESSAGES): void {
  if (!message || typeof message !== 'object' || !('body' in message)) throw new TypeError(notAMessage);
  if (message.sessionId !== undefined && message.sessionId !== null && typeof message.sessionId !== 'string') {
    throw new TypeError("The property 'sessionId' on the message must be of type 'string'");
  }
  if (typeof message.sessionId === 'string' && message.sessionId.length > MAX_ID_LENGTH) {
    throw new Error(`Length of 'sessionId' property on the message cannot be greater than ${MAX_ID_LENGTH} characters.`);
  }
  if (typeof message.messageId === 'string' && message.messageId.length > MAX_ID_LENGTH) {
    throw new Error(`Length of 'messageId' property on the message cannot be greater than ${MAX_ID_LENGTH} characters.`);
  }
}

/** Throws like the SDK/service would for a message that cannot be sent to this queue. */
export function validateOutgoing(message: OutgoingMessage, requiresSession: boolean, queueName: string): void {
  validateMessageFields(message);
  if (requiresSession && !message.sessionId) {
    throw new ServiceBusLikeError(
      `The SessionId was not set on a message, and it cannot be sent to the entity '${queueName}'. ` +
        'Entities that have session support enabled can only receive messages that have the SessionId set to a valid value.',
      'InvalidOperation',
    );
  }
}

/**
 * An array that does not fit one batch: the SDK's own refusal (`ServiceBusSenderImpl.sendMessages`,
 * src/sender.ts), thrown before anything is sent.
 */
export const batchTooLargeError = (): ServiceBusLikeError =>
  new ServiceBusLikeError(
    'Messages were too big to fit in a single batch. Remove some messages and try again or create your own batch using createBatch(), which gives more fine-grained control.',
    'MessageSizeExceeded',
  );

/**
 * One message over the link's limit: the service refuses it (AMQP message-size-exceeded, which the
 * SDK reports as `MessageSizeExceeded`). The wording is the one reported from the service
 * (https://github.com/Azure/azure-service-bus/issues/697); the JavaScript SDK passes on whatever
 * text the service sends.
 */
export const messageTooLargeError = (messageId: string | undefined, size: number): ServiceBusLikeError =>
  new ServiceBusLikeError(
    `The message (id:${messageId ?? ''}, size:${size} bytes) is larger than is currently allowed (${MAX_MESSAGE_BYTES} bytes).`,
    'MessageSizeExceeded',
  );

/**
 * Scheduling a message over the limit: the service does not refuse it but never answers, and the
 * SDK reports a timeout (https://github.com/Azure/azure-sdk-for-js/issues/23623,
 * https://github.com/Azure/azure-service-bus/issues/697). Here it fails at once, with that code.
 */
export const scheduledTooLargeError = (size: number): ServiceBusLikeError =>
  new ServiceBusLikeError(
    `The operation did not complete within the allocated time (local Service Bus: a scheduled message of ${size} bytes is over the ${MAX_MESSAGE_BYTES}-byte limit, which Service Bus answers with a timeout).`,
    'ServiceTimeout',
  );

export function toStored(message: OutgoingMessage, seq: number, enqueuedAt: number, scheduledAt: number | undefined): StoredMessage {
  const stored: StoredMessage = {
    seq,
    body: encodeBody(message.body),
    messageId: messageIdKey(message.messageId) ?? randomUUID().replace(/-/g, ''),
    enqueuedAt,
    deliveryCount: 0,
  };
  const copy = ['sessionId', 'contentType', 'subject', 'to', 'replyTo', 'replyToSessionId', 'partitionKey'] as const;
  for (const key of copy) {
    if (message[key] !== undefined) stored[key] = message[key];
  }
  if (message.correlationId !== undefined) stored.correlationId = messageIdKey(message.correlationId);
  if (message.timeToLive !== undefined) stored.timeToLive = message.timeToLive;
  if (message.applicationProperties) stored.applicationProperties = encodeProperties(message.applicationProperties);
  if (scheduledAt !== undefined) stored.scheduledAt = scheduledAt;
  return stored;
}

/** Builds the object a handler sees, shaped like the SDK's ServiceBusReceivedMessage. */
export function toReceived(stored: StoredMessage, extra: { lockToken?: string; lockedUntil?: number; now: number }): ReceivedMessage {
  const props = decodeProperties(stored.applicationProperties);
  const state = stored.scheduledAt !== undefined && stored.scheduledAt > extra.now ? 'scheduled' : 'active';
  const received: Record<string, unknown> = {
    body: decodeBody(stored.body),
    messageId: stored.messageId,
    sessionId: stored.sessionId,
    contentType: stored.contentType,
    correlationId: stored.correlationId,
    subject: stored.subject,
    to: stored.to,
    replyTo: stored.replyTo,
    replyToSessionId: stored.replyToSessionId,
    partitionKey: stored.partitionKey,
    timeToLive: stored.timeToLive,
    applicationProperties: props ?? {},
    deliveryCount: stored.deliveryCount,
    enqueuedTimeUtc: new Date(stored.enqueuedAt),
    scheduledEnqueueTimeUtc: stored.scheduledAt !== undefined ? new Date(stored.scheduledAt) : undefined,
    sequenceNumber: sequenceNumber(stored.seq),
    enqueuedSequenceNumber: stored.seq,
    lockToken: extra.lockToken,
    lockedUntilUtc: extra.lockedUntil !== undefined ? new Date(extra.lockedUntil) : undefined,
    deadLetterReason: stored.deadLetterReason,
    deadLetterErrorDescription: stored.deadLetterErrorDescription,
    state,
    _rawAmqpMessage: { body: decodeBody(stored.body), bodyType: 'data', applicationProperties: props ?? {} },
  };
  for (const key of Object.keys(received)) {
    if (received[key] === undefined) delete received[key];
  }
  return received as unknown as ReceivedMessage;
}
