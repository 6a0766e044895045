import type { InvocationContext } from '@azure/functions';
import type { ServiceBusQueueFunctionDeclaration } from '../shared/hosting/function-declarations';
import { parseTicketMessage } from '../shared/intake/ticket-request';
import type { ServiceBusTriggerInput } from '../shared/messaging/types';
import { acceptEvents, EventIdConflictError } from '../shared/processing/accept-events';
import { services } from '../shared/runtime/services';
import { HOME_TENANT } from '../shared/tenancy/tenant';
import type { TenantRegistry } from '../shared/tenancy/tenant-registry';

/**
 * Ticketing tools (ServiceNow, HaloPSA, Jira Service Management) drop requests on their own
 * queue; each becomes a lifecycle event on the processing queue. A request that is not valid
 * is dead-lettered naming its fields, so the ticket can be fixed and resubmitted.
 */
export async function ticketRequestMessages(input: ServiceBusTriggerInput, context: InvocationContext): Promise<void> {
  const { processingQueue, ledger, tenants } = services();
  const messages = Array.isArray(input.messages) ? input.messages : [input.messages];
  for (const message of messages) {
    const parsed = parseTicketMessage(message.body, { now: new Date(), tenantId: HOME_TENANT });
    if (!parsed.ok) {
      const fields = parsed.issues.map((i) => `${i.field} ${i.message}`).join('; ');
      const description = `Ticket request ${String(message.messageId)} is not valid: ${fields}. Nothing was done; correct the ticket and send it again.`;
      await input.actions.deadletter(message, undefined, 'InvalidTicketRequest', description);
      context.warn(description);
      continue;
    }
    const refusal = await tenantRefusalOf(parsed.events[0]?.tenantId ?? HOME_TENANT, tenants);
    if (refusal) {
      const description = `Ticket request ${String(message.messageId)} ${refusal.problem}. Nothing was done; ${refusal.remedy}`;
      await input.actions.deadletter(message, undefined, refusal.reason, description);
      context.warn(description);
      continue;
    }
    // Queue, then complete: a crash between the two redelivers the ticket, and the events'
    // ids (from the ticket's requestId) make the second send a duplicate Service Bus drops.
    let accepted;
    try {
      accepted = await acceptEvents(parsed.events, { processingQueue, ledger, now: () => new Date(), telemetry: services().telemetry });
    } catch (error) {
      if (!(error instanceof EventIdConflictError)) throw error;
      const description = `Ticket request ${String(message.messageId)} reuses requestId-derived event ${error.eventIds.join(', ')}, accepted earlier for a different request. Nothing was done; give the ticket its own requestId.`;
      await input.actions.deadletter(message, undefined, 'EventIdConflict', description);
      context.warn(description);
      continue;
    }
    await input.actions.complete(message);
    context.log(`ticket ${String(message.messageId)}: queued ${accepted.map((a) => a.eventId).join(', ')}`);
  }
}

/**
 * Tickets name their tenant; one that is unknown or disabled is dead-lettered with the reason.
 * A tenant whose configuration is broken still gets its events queued: they wait and retry.
 */
async function tenantRefusalOf(key: string, tenants: TenantRegistry): Promise<{ reason: string; problem: string; remedy: string } | undefined> {
  const state = await tenants.lookup(key);
  if (!state) return { reason: 'UnknownTenant', problem: `names tenant '${key}', which is not configured`, remedy: 'correct tenantId in the ticket or add the tenant, then send it again.' };
  if (state.state === 'disabled') return { reason: 'TenantDisabled', problem: `is for tenant '${key}', which is disabled`, remedy: 'enable the tenant, then send the ticket again.' };
  return undefined;
}

export const ticketRequestsFunction: ServiceBusQueueFunctionDeclaration = {
  kind: 'serviceBusQueue',
  name: 'ticket-requests',
  queueName: '%TICKET_QUEUE_NAME%',
  connection: 'ServiceBusConnection',
  isSessionsEnabled: false,
  handler: ticketRequestMessages,
};
