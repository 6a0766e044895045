/**
 * Service Bus limits the app designs for (Standard tier, which infra/main.bicep deploys).
 *
 * From "Service Bus quotas" (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas):
 * - "Message size for a queue, topic, or subscription entity: 256 KB for Standard tier … The maximum
 *   size for batches is 256 KB for the Standard tier … The message size includes the size of
 *   properties (system and user) and the size of payload." Incoming messages over it are rejected.
 * - "Maximum size of a message ID: 128", "Maximum size of a message session ID: 128".
 *
 * The SDK enforces the id lengths itself before sending (@azure/service-bus 7.9.5,
 * sdk/servicebus/service-bus/src/serviceBusMessage.ts `toRheaMessage` / `updateMessageId`: "Length of
 * 'messageId' property on the message cannot be greater than 128 characters."), and an array passed
 * to `sendMessages` goes into one `ServiceBusMessageBatch` sized by the link, throwing
 * `ServiceBusError` code `MessageSizeExceeded` when it does not fit (src/sender.ts); a batch from
 * `createMessageBatch` is as large as the link allows (src/core/messageSender.ts).
 */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/** The most one send carries: one batch, the same 256 KB on Standard. */
export const MAX_BATCH_BYTES = 256 * 1024;

/** messageId and sessionId, in characters (the SDK compares `string.length`, i.e. UTF-16 code units). */
export { MAX_ID_LENGTH } from '../domain/bounded-id';
