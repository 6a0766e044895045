import type { CreateMessageBatchOptions, ServiceBusMessage, ServiceBusMessageBatch, ServiceBusReceivedMessage } from '@azure/service-bus';

/**
 * The slice of Service Bus the app relies on, typed with the SDK's own message types so the
 * Azure adapter (`@azure/service-bus` + the Functions SDK binding) and the local in-process
 * queue are interchangeable behind it.
 */

export type OutgoingMessage = ServiceBusMessage;
export type ReceivedMessage = ServiceBusReceivedMessage;
/** A size-bounded batch: `tryAddMessage` says false once the next message would not fit (256 KB on Standard). */
export type OutgoingMessageBatch = ServiceBusMessageBatch;

/** What a queue sender must do; `ServiceBusSender` from `@azure/service-bus` satisfies it. */
export interface QueueSender {
  /**
   * One message; an array, which must fit one batch (else `MessageSizeExceeded` and nothing is
   * sent); or a batch from `createMessageBatch`. Each call is all or nothing.
   */
  sendMessages(messages: OutgoingMessage | OutgoingMessage[] | OutgoingMessageBatch): Promise<void>;
  /** An empty batch as large as the link allows (or `maxSizeInBytes`, which may only be smaller). */
  createMessageBatch(options?: Pick<CreateMessageBatchOptions, 'maxSizeInBytes'>): Promise<OutgoingMessageBatch>;
  /** Resolves to the sequence numbers of the scheduled messages (SDK returns Long). */
  scheduleMessages(messages: OutgoingMessage | OutgoingMessage[], scheduledEnqueueTimeUtc: Date): Promise<unknown[]>;
  close(): Promise<void>;
}

/**
 * Message settlement, as the Functions Service Bus SDK binding
 * (`@azure/functions-extensions-servicebus`, `sdkBinding: true, autoCompleteMessages: false`)
 * hands it to a handler. The local queue implements the same calls.
 */
export interface SettlementActions {
  complete(message: ReceivedMessage): Promise<void>;
  abandon(message: ReceivedMessage, propertiesToModify?: Uint8Array): Promise<void>;
  deadletter(
    message: ReceivedMessage,
    propertiesToModify?: Uint8Array,
    deadletterReason?: string,
    deadletterErrorDescription?: string,
  ): Promise<void>;
}

/** What a Service Bus trigger with `sdkBinding: true` receives as its first argument. */
export interface ServiceBusTriggerInput {
  messages: ReceivedMessage | ReceivedMessage[];
  actions: SettlementActions;
}
