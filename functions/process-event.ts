import type { InvocationContext } from '@azure/functions';
import type { ServiceBusQueueFunctionDeclaration } from '../shared/hosting/function-declarations';
import { fromEventMessage, InvalidEventMessageError } from '../shared/messaging/event-messages';
import type { ServiceBusTriggerInput } from '../shared/messaging/types';
import { processEvent } from '../shared/processing/process-event';
import { processOptionsOf, settleOutcome } from '../shared/processing/settle';
import { services } from '../shared/runtime/services';
import { recordSettlement } from '../shared/telemetry/lifecycle-telemetry';
import { runInOperation } from '../shared/telemetry/operation-context';

/**
 * Processing queue trigger. Each message is settled explicitly: completed, re-scheduled with
 * backoff, or dead-lettered with a reason. Anything unexpected (e.g. storage down) is thrown
 * on purpose so the host abandons the message and Service Bus redelivers it.
 */
export async function processEventMessages(input: ServiceBusTriggerInput, context: InvocationContext): Promise<void> {
  const { graph, ledger, pendingLinks, policy, settings, processingQueue, credentials, telemetry } = services();
  const now = () => new Date();
  const messages = Array.isArray(input.messages) ? input.messages : [input.messages];
  for (const message of messages) {
    let event;
    try {
      event = fromEventMessage(message);
    } catch (error) {
      if (!(error instanceof InvalidEventMessageError)) throw error;
      const description = `Message ${String(message.messageId)} is not a lifecycle event: ${error.message}. It was not processed; fix the sender.`;
      await settleOutcome(message, undefined, { kind: 'dead-letter', reason: 'InvalidMessage', description }, input.actions, { processingQueue, ledger, now });
      context.warn(description);
      continue;
    }
    const deps = { graph, ledger, pendingLinks, policy, settings, now, mode: 'apply' as const, ...(credentials ? { credentials } : {}) };
    const current = event;
    await runInOperation({ eventId: current.eventId, tenantId: current.tenantId, eventType: current.type }, async () => {
      const outcome = await processEvent(current, deps, processOptionsOf(message));
      const settled = await settleOutcome(message, current, outcome, input.actions, { processingQueue, ledger, now });
      recordSettlement(telemetry, current, outcome, settled, now());
      context.log(JSON.stringify({ eventId: current.eventId, tenantId: current.tenantId, type: current.type, outcome: outcome.kind, settled }));
    });
  }
}

export const processEventFunction: ServiceBusQueueFunctionDeclaration = {
  kind: 'serviceBusQueue',
  name: 'process-event',
  queueName: '%PROCESSING_QUEUE_NAME%',
  connection: 'ServiceBusConnection',
  isSessionsEnabled: true,
  handler: processEventMessages,
};
