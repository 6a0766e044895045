import { processEventFunction } from '../../functions/process-event';
import type { ServiceBusQueueFunctionDeclaration } from '../../shared/hosting/function-declarations';
import { fromEventMessage } from '../../shared/messaging/event-messages';
import type { OutgoingMessage, QueueSender } from '../../shared/messaging/types';
import { processOptionsOf, settleOutcome } from '../../shared/processing/settle';
import { processForTenant } from '../../shared/processing/tenant-dispatch';
import { services } from '../../shared/runtime/services';
import type { TestHost } from './test-host';

/** Copies due sooner than this go to the local bus for the real time left: a retry, a wait behind the worker's lane, a woken copy. */
const NEAR_MS = 2 * 60_000;

export interface HeldCopy {
  message: OutgoingMessage;
  at: Date;
}

/**
 * Days pass in a test. Processing and settlement — the app's own, as the queue trigger runs them —
 * read a clock the test moves forward, and the copies they schedule days out are held here, as
 * Service Bus holds a scheduled message, until the test's clock reaches them; then they go on the
 * local bus as they are (same messageId, properties and body). Nearer copies are scheduled on the
 * bus for the real time left, so retries and waits behind a worker's lane work unchanged.
 */
export function heldSchedules() {
  const clock = { aheadMs: 0 };
  const now = () => new Date(Date.now() + clock.aheadMs);
  const held: HeldCopy[] = [];

  const holding = (queue: QueueSender): QueueSender => ({
    sendMessages: (messages) => queue.sendMessages(messages),
    createMessageBatch: (options) => queue.createMessageBatch(options),
    close: () => queue.close(),
    scheduleMessages: async (messages, when) => {
      const list = Array.isArray(messages) ? messages : [messages];
      if (when.getTime() - now().getTime() <= NEAR_MS) return queue.scheduleMessages(list, new Date(when.getTime() - clock.aheadMs));
      for (const message of list) held.push({ message, at: when });
      return [];
    },
  });

  const declaration: ServiceBusQueueFunctionDeclaration = {
    ...processEventFunction,
    handler: async (input) => {
      const { tenants, tenantRuntimes, ledger, pendingLinks, processingQueue, credentials } = services();
      const queue = holding(processingQueue);
      for (const message of Array.isArray(input.messages) ? input.messages : [input.messages]) {
        const event = fromEventMessage(message);
        const outcome = await processForTenant(event, processOptionsOf(message), { tenants, runtimes: tenantRuntimes, ledger, pendingLinks, now, ...(credentials ? { credentials } : {}) });
        await settleOutcome(message, event, outcome, input.actions, { processingQueue: queue, ledger, now });
      }
    },
  };

  return {
    clock,
    now,
    held,
    declaration,
    /** The copies held for an event, soonest first. */
    heldFor(eventId: string): HeldCopy[] {
      return held.filter((h) => (h.message.body as { eventId?: string }).eventId === eventId).sort((a, b) => a.at.getTime() - b.at.getTime());
    },
    /** Moves the clock to `at` (never back). */
    advanceTo(at: Date): void {
      clock.aheadMs = Math.max(clock.aheadMs, at.getTime() - Date.now());
    },
    /** Puts every held copy that is due by the test's clock on the queue, and waits until the queue has done them. */
    async deliverDue(host: TestHost): Promise<string[]> {
      const due = held.filter((h) => h.at.getTime() <= now().getTime());
      for (const copy of due) held.splice(held.indexOf(copy), 1);
      const sender = host.bus.createSender(host.settings.PROCESSING_QUEUE_NAME);
      for (const copy of due) await sender.sendMessages(copy.message);
      await host.bus.waitForIdle(30_000);
      return due.map((c) => String(c.message.messageId));
    },
  };
}
