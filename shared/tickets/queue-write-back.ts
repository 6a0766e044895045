import type { LifecycleEvent } from '../domain/events';
import type { Ledger, TicketWriteBack } from '../ledger/types';
import type { QueueSender, SettlementActions } from '../messaging/types';
import { endOf, hasEnded, ticketResult } from './ticket-result';
import { toWriteBackMessage } from './write-back-message';

export interface QueueWriteBackDeps {
  ledger: Ledger;
  processingQueue: QueueSender;
  now: () => Date;
}

/**
 * The settlement actions for a ticket's event: before the message that ended the event is
 * completed or dead-lettered, its result is queued for the ticket (at least once: a crash between
 * the two redelivers the message, whose event has ended, so it is queued again under the same
 * messageId and duplicate detection drops the second). Other events' actions are returned as they
 * are. The post itself happens later, from the queue, so the event never waits for the ticket
 * system nor fails because of it.
 */
export function withTicketWriteBack(actions: SettlementActions, event: LifecycleEvent, deps: QueueWriteBackDeps): SettlementActions {
  if (event.source !== 'ticket') return actions;
  return {
    complete: async (message) => {
      await queueTicketWriteBack(event, deps);
      await actions.complete(message);
    },
    deadletter: async (message, properties, reason, description) => {
      await queueTicketWriteBack(event, deps);
      await actions.deadletter(message, properties, reason, description);
    },
    abandon: (message, properties) => actions.abandon(message, properties),
  };
}

/**
 * Queues the result of the event's latest end, once per end: nothing while the event goes on
 * (retried, waiting, scheduled), nothing again once that end was posted or given up on.
 */
export async function queueTicketWriteBack(event: LifecycleEvent, deps: QueueWriteBackDeps): Promise<'queued' | 'not-ended' | 'already-settled'> {
  const record = await deps.ledger.get(event.eventId);
  if (!record || !hasEnded(record)) return 'not-ended';
  const end = endOf(record);
  const known = record.ticketWriteBack;
  if (known?.end === end && SETTLED.has(known.status)) return 'already-settled';
  if (known?.end !== end) {
    const at = deps.now().toISOString();
    const queued: TicketWriteBack = { end, status: 'queued', queuedAt: at, updatedAt: at, attempts: 0 };
    // Marked first: a receiver that answers before this returns finds its end and leaves it be.
    await deps.ledger.update(event, (r) => (r.ticketWriteBack?.end === end ? r : { ...r, ticketWriteBack: queued }));
  }
  await deps.processingQueue.sendMessages(toWriteBackMessage(end, ticketResult(event, record), event.ticket?.callbackUrl));
  return 'queued';
}

const SETTLED = new Set<TicketWriteBack['status']>(['posted', 'dead-lettered', 'not-configured']);
