import type { ServiceBusMessageBatch } from '@azure/service-bus';
import { MAX_BATCH_BYTES } from '../../shared/messaging/limits';
import type { OutgoingMessage, OutgoingMessageBatch } from '../../shared/messaging/types';
import { NOT_A_MESSAGE, validateMessageFields } from './codec';
import { batchIncrement } from './message-size';

/**
 * The local sender's `ServiceBusMessageBatch`: `tryAddMessage` refuses a message once the batch
 * would pass `maxSizeInBytes`, counting sizes as the SDK's batch does (see ./message-size.ts for
 * how that is estimated). A message is copied when added, as the SDK encodes it at once.
 */
export class LocalMessageBatch implements OutgoingMessageBatch {
  readonly #messages: OutgoingMessage[] = [];
  #sizeInBytes = 0;

  constructor(readonly maxSizeInBytes: number) {}

  get count(): number {
    return this.#messages.length;
  }

  get sizeInBytes(): number {
    return this.#sizeInBytes;
  }

  /** The messages added, in order, for the local sender that made the batch. */
  get messages(): readonly OutgoingMessage[] {
    return this.#messages;
  }

  tryAddMessage(message: Parameters<ServiceBusMessageBatch['tryAddMessage']>[0]): boolean {
    if (message && typeof message === 'object' && 'bodyType' in message) {
      throw new TypeError('The local Service Bus sends ServiceBusMessage objects only, not AmqpAnnotatedMessage.');
    }
    validateMessageFields(message as OutgoingMessage, NOT_A_MESSAGE);
    const size = this.#sizeInBytes + batchIncrement(message as OutgoingMessage, this.count === 0);
    if (size > this.maxSizeInBytes) return false;
    this.#messages.push({ ...(message as OutgoingMessage) });
    this.#sizeInBytes = size;
    return true;
  }
}

/**
 * `createMessageBatch` as the SDK does it (src/core/messageSender.ts `createBatch`): the link's
 * maximum by default, a smaller `maxSizeInBytes` if asked, an error if asked for more.
 */
export function createLocalBatch(options: { maxSizeInBytes?: number } = {}): LocalMessageBatch {
  const requested = options.maxSizeInBytes;
  if (requested && requested > MAX_BATCH_BYTES) {
    throw new Error(`Max message size (${requested} bytes) is greater than maximum message size (${MAX_BATCH_BYTES} bytes) on the AMQP sender link.`);
  }
  return new LocalMessageBatch(requested || MAX_BATCH_BYTES);
}

/** Whether `value` is a batch, by the same test the SDK's `isServiceBusMessageBatch` applies. */
export function isMessageBatch(value: unknown): value is OutgoingMessageBatch {
  const batch = value as Partial<OutgoingMessageBatch> | null | undefined;
  return !!batch && typeof batch.tryAddMessage === 'function' && typeof batch.maxSizeInBytes === 'number' && typeof batch.sizeInBytes === 'number';
}
