import type { ServiceBusClient } from '@azure/service-bus';
import { matches, replayCopy, selectionDone, summarise, type DeadLetters, type DeadLetterSummary, type ReplaySelector } from './dead-letters';

const PAGE = 100;

/**
 * Dead letters in Azure Service Bus. The dead-letter subqueue of a session-enabled queue is not
 * itself session-enabled, so a plain receiver reads it. Listing peeks (no locks); a replay
 * receives in peek-lock, sends the copy to the queue, then completes the dead letter, and gives
 * back (abandons) the ones it does not want. Not runnable here (no Azure): kept to SDK calls only.
 */
export class AzureDeadLetters implements DeadLetters {
  constructor(
    private readonly client: () => ServiceBusClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(queue: string): Promise<DeadLetterSummary[]> {
    const receiver = this.client().createReceiver(queue, { subQueueType: 'deadLetter' });
    try {
      const summaries: DeadLetterSummary[] = [];
      for (;;) {
        const page = await receiver.peekMessages(PAGE);
        summaries.push(...page.map((m) => summarise(m, this.now())));
        if (page.length < PAGE) return summaries;
      }
    } finally {
      await receiver.close();
    }
  }

  async resubmit(queue: string, selector: ReplaySelector, extraProperties: Record<string, string | boolean> = {}): Promise<{ resubmitted: string[] }> {
    const receiver = this.client().createReceiver(queue, { subQueueType: 'deadLetter', receiveMode: 'peekLock' });
    const sender = this.client().createSender(queue);
    const resubmitted: string[] = [];
    const seen = new Set<string>();
    try {
      for (;;) {
        const batch = await receiver.receiveMessages(PAGE, { maxWaitTimeInMs: 2_000 });
        // Abandoned dead letters come straight back: stop once a batch holds nothing new.
        const fresh = batch.filter((m) => !seen.has(String(m.sequenceNumber)));
        if (fresh.length === 0) {
          for (const message of batch) await receiver.abandonMessage(message);
          break;
        }
        for (const message of batch) {
          seen.add(String(message.sequenceNumber));
          if (!matches(message, selector)) {
            await receiver.abandonMessage(message);
            continue;
          }
          await sender.sendMessages(replayCopy(message, extraProperties));
          await receiver.completeMessage(message);
          resubmitted.push(String(message.messageId));
        }
        if (selectionDone(selector, resubmitted)) break;
      }
      return { resubmitted };
    } finally {
      await sender.close();
      await receiver.close();
    }
  }
}
