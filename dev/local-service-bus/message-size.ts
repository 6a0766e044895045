import type { OutgoingMessage } from '../../shared/messaging/types';

/**
 * How many bytes a message takes on the wire, as the SDK counts it: the AMQP 1.0 encoding of the
 * message that `toRheaMessage` builds (sdk/servicebus/service-bus/src/serviceBusMessage.ts), which
 * Service Bus holds to 256 KB on Standard. We do not run the AMQP encoder here, so this is an
 * estimate that errs on the large side:
 *
 * - the body as the SDK's default data transformer sends it: `JSON.stringify` of the value as
 *   UTF-8 (bytes as they are), in a data section;
 * - every string and byte string (ids, subject, content type, property keys and values, the body)
 *   at its UTF-8 length plus its constructor: 2 bytes up to 255 bytes long, 5 beyond;
 * - every section (header, message annotations, properties, application properties) with a 3-byte
 *   descriptor and a 32-bit list/map header (9 bytes), and the 13 fields of the properties list as
 *   1-byte nulls when absent;
 * - numbers, dates and expiry times at 9 bytes (the widest fixed AMQP types).
 *
 * test/local-service-bus/message-limits.test.ts checks it against the SDK's own
 * `ServiceBusMessageBatch` for the messages this app sends: never below, within 6%.
 */

const SECTION = 3 + 9;
const FIXED = 9;
const PROPERTIES_FIELDS = 13;
const SCHEDULED_ANNOTATION = 'x-opt-scheduled-enqueue-time';
const PARTITION_ANNOTATION = 'x-opt-partition-key';

const utf8 = (value: string): number => Buffer.byteLength(value, 'utf8');
/** AMQP str8/vbin8 (1-byte length) up to 255 bytes, str32/vbin32 (4-byte length) beyond. */
const sized = (bytes: number): number => (bytes <= 255 ? 2 : 5) + bytes;
const stringBytes = (value: string): number => sized(utf8(value));

/** The body's bytes as the SDK's default data transformer puts them in the data section. */
export function bodyBytes(body: unknown): number {
  if (body instanceof Uint8Array) return body.byteLength;
  return utf8(JSON.stringify(body === undefined ? null : body) ?? 'null');
}

function idBytes(id: OutgoingMessage['messageId']): number {
  if (id === undefined || id === null) return 0;
  if (Buffer.isBuffer(id)) return sized(id.byteLength);
  return typeof id === 'number' ? FIXED : stringBytes(String(id));
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return stringBytes(value);
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  return FIXED;
}

/** Everything but the body: what the SDK copies onto a batch's envelope from its first message. */
export function envelopeBytes(message: OutgoingMessage): number {
  let size = SECTION + (message.timeToLive !== undefined ? FIXED : 0);
  size += SECTION;
  if (message.scheduledEnqueueTimeUtc) size += stringBytes(SCHEDULED_ANNOTATION) + FIXED;
  if (message.partitionKey) size += stringBytes(PARTITION_ANNOTATION) + stringBytes(message.partitionKey);
  size += SECTION + PROPERTIES_FIELDS + idBytes(message.messageId) + idBytes(message.correlationId);
  for (const text of [message.to, message.subject, message.replyTo, message.contentType, message.sessionId, message.replyToSessionId]) {
    if (typeof text === 'string') size += stringBytes(text);
  }
  if (message.timeToLive !== undefined) size += 2 * FIXED;
  const properties = Object.entries(message.applicationProperties ?? {});
  if (properties.length > 0) size += SECTION + properties.reduce((sum, [key, value]) => sum + stringBytes(key) + valueBytes(value), 0);
  return size;
}

/** One message encoded on its own: what a single `sendMessages(message)` puts on the link. */
export function messageBytes(message: OutgoingMessage): number {
  return envelopeBytes(message) + 3 + sized(bodyBytes(message.body));
}

/**
 * What one more message adds to a batch, as `ServiceBusMessageBatchImpl.tryAddMessage` counts it
 * (sdk/servicebus/service-bus/src/serviceBusMessageBatch.ts): its encoding plus 5 bytes of framing
 * (8 once it is over 255 bytes); the first also brings the batch envelope.
 */
export function batchIncrement(message: OutgoingMessage, first: boolean): number {
  const encoded = messageBytes(message);
  return encoded + (encoded <= 255 ? 5 : 8) + (first ? envelopeBytes(message) + 3 + 5 : 0);
}
