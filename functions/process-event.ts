import type { InvocationContext } from '@azure/functions';
import type { ServiceBusQueueFunctionDeclaration } from '../shared/hosting/function-declarations';
import { isFetchMessage } from '../shared/connectors/fetch-message';
import { fromEventMessage, InvalidEventMessageError } from '../shared/messaging/event-messages';
import type { LifecycleEvent } from '../shared/domain/events';
import type { ReceivedMessage, ServiceBusTriggerInput, SettlementActions } from '../shared/messaging/types';
import { processForTenant } from '../shared/processing/tenant-dispatch';
import { processOptionsOf, settleOutcome, type SettleDeps } from '../shared/processing/settle';
import { services, type AppServices } from '../shared/runtime/services';
import { recordSettlement } from '../shared/telemetry/lifecycle-telemetry';
import { runInOperation } from '../shared/telemetry/operation-context';
import { deliverWriteBackMessage } from '../shared/tickets/deliver-write-back';
import { withTicketWriteBack } from '../shared/tickets/queue-write-back';
import { isWriteBackMessage } from '../shared/tickets/write-back-message';
import { connectorFetch } from './hr-connectors';

/**
 * Processing queue trigger. Each message is settled explicitly: completed, re-scheduled with
 * backoff, or dead-lettered with a reason. Anything unexpected (e.g. storage down) is thrown
 * on purpose so the host abandons the message and Service Bus redelivers it.
 */
export async function processEventMessages(input: ServiceBusTriggerInput, context: InvocationContext, from: ProcessEventDeps): Promise<void> {
  const { tenants, tenantRuntimes, ledger, pendingLinks, processingQueue, credentials, telemetry } = from;
  const now = () => new Date();
  const deps = { tenants, runtimes: tenantRuntimes, ledger, pendingLinks, now, ...(credentials ? { credentials } : {}) };
  const settleDeps = { processingQueue, ledger, now };
  const messages = Array.isArray(input.messages) ? input.messages : [input.messages];
  for (const message of messages) {
    // An HR connector's fetch (shared/connectors) shares the queue, and so its retries and dead letters.
    if (isFetchMessage(message)) {
      await connectorFetch(message, input.actions, context);
      continue;
    }
    // So does a ticket's result on its way back to the ticket system (shared/tickets).
    if (isWriteBackMessage(message)) {
      await ticketWriteBack(message, input.actions, from, context);
      continue;
    }
    const event = await parseOrDeadLetter(message, input, settleDeps, context);
    if (!event) continue;
    await runInOperation({ eventId: event.eventId, tenantId: event.tenantId, eventType: event.type }, async () => {
      const outcome = await processForTenant(event, processOptionsOf(message), deps);
      // A ticket's event that ends here has its result queued for the ticket before it is settled.
      const settled = await settleOutcome(message, event, outcome, withTicketWriteBack(input.actions, event, settleDeps), settleDeps);
      recordSettlement(telemetry, event, outcome, settled);
      context.log(JSON.stringify({ eventId: event.eventId, tenantId: event.tenantId, type: event.type, outcome: outcome.kind, settled, ...('reason' in outcome ? { reason: outcome.reason } : {}) }));
    });
  }
}

/** A ticket's result posted (or retried, or dead-lettered); the log line names ids and the receiver's host only. */
async function ticketWriteBack(message: ReceivedMessage, actions: SettlementActions, from: ProcessEventDeps, context: InvocationContext): Promise<void> {
  const outcome = await deliverWriteBackMessage(message, actions, { tenants: from.tenants, ledger: from.ledger, processingQueue: from.processingQueue, now: () => new Date() });
  const line = JSON.stringify({ ticketWriteBack: String(message.messageId), ...outcome });
  if (outcome.settled === 'dead-lettered' || outcome.settled === 'scheduled-retry') context.warn(line);
  else context.log(line);
}

/** What the trigger runs against: one instance's services. */
export type ProcessEventDeps = Pick<AppServices, 'tenants' | 'tenantRuntimes' | 'ledger' | 'pendingLinks' | 'processingQueue' | 'credentials' | 'telemetry'>;

/**
 * The trigger's handler over the services it is given: the worker's in Azure, one container per
 * simulated instance in `npm run bench:scale` (several instances sharing one queue and one tenant).
 */
export function createProcessEventHandler(from: ProcessEventDeps): (input: ServiceBusTriggerInput, context: InvocationContext) => Promise<void> {
  return (input, context) => processEventMessages(input, context, from);
}

/** The event a message carries; a message that is not one is dead-lettered (a permanent sender fault). */
async function parseOrDeadLetter(
  message: ReceivedMessage,
  input: ServiceBusTriggerInput,
  settleDeps: SettleDeps,
  context: InvocationContext,
): Promise<LifecycleEvent | undefined> {
  try {
    return fromEventMessage(message);
  } catch (error) {
    if (!(error instanceof InvalidEventMessageError)) throw error;
    const description = `Message ${String(message.messageId)} is not a lifecycle event: ${error.message}. It was not processed; fix the sender.`;
    await settleOutcome(message, undefined, { kind: 'dead-letter', reason: 'InvalidMessage', description }, input.actions, settleDeps);
    context.warn(description);
    return undefined;
  }
}

export const processEventFunction: ServiceBusQueueFunctionDeclaration = {
  kind: 'serviceBusQueue',
  name: 'process-event',
  queueName: '%PROCESSING_QUEUE_NAME%',
  connection: 'ServiceBusConnection',
  isSessionsEnabled: true,
  handler: createProcessEventHandler(services()),
};
