import type { InvocationContext } from '@azure/functions';
import type { ServiceBusQueueFunctionDeclaration } from '../shared/hosting/function-declarations';
import { parseTicketRequest } from '../shared/intake/ticket-request';
import type { ServiceBusTriggerInput } from '../shared/messaging/types';
import { acceptEvents } from '../shared/processing/accept-events';
import { services } from '../shared/runtime/services';

/**
 * Ticketing tools (ServiceNow, HaloPSA, Jira Service Management) drop requests on their own
 * queue; each becomes a lifecycle event on the processing queue. A request that is not valid
 * is dead-lettered naming its fields, so the ticket can be fixed and resubmitted.
 */
export async function ticketRequestMessages(input: ServiceBusTriggerInput, context: InvocationContext): Promise<void> {
  const { processingQueue, ledger } = services();
  const messages = Array.isArray(input.messages) ? input.messages : [input.messages];
  for (const message of messages) {
    const body = Buffer.isBuffer(message.body) ? message.body.toString('utf8') : message.body;
    const parsed = parseTicketRequest(body, { now: new Date(), tenantId: 'default' });
    if (!parsed.ok) {
      const fields = parsed.issues.map((i) => `${i.field} ${i.message}`).join('; ');
      const description = `Ticket request ${String(message.messageId)} is not valid: ${fields}. Nothing was done; correct the ticket and send it again.`;
      await input.actions.deadletter(message, undefined, 'InvalidTicketRequest', description);
      context.warn(description);
      continue;
    }
    // Queue, then complete: a crash between the two redelivers the ticket, and the events'
    // ids (from the ticket's requestId) make the second send a duplicate Service Bus drops.
    const accepted = await acceptEvents(parsed.events, { processingQueue, ledger, now: () => new Date(), telemetry: services().telemetry });
    await input.actions.complete(message);
    context.log(`ticket ${String(message.messageId)}: queued ${accepted.map((a) => a.eventId).join(', ')}`);
  }
}

export const ticketRequestsFunction: ServiceBusQueueFunctionDeclaration = {
  kind: 'serviceBusQueue',
  name: 'ticket-requests',
  queueName: '%TICKET_QUEUE_NAME%',
  connection: 'ServiceBusConnection',
  isSessionsEnabled: false,
  handler: ticketRequestMessages,
};
