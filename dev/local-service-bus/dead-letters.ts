import type { DeadLetters, DeadLetterSummary, ReplaySelector } from '../../shared/messaging/dead-letters';
import { matches, replayCopy, summarise } from '../../shared/messaging/dead-letters';
import type { LocalServiceBus } from './index';

/** The dead-letter port over the local queue: the same listing and replay operators use in Azure. */
export class LocalDeadLetters implements DeadLetters {
  constructor(
    private readonly bus: LocalServiceBus,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(queue: string): Promise<DeadLetterSummary[]> {
    return this.bus.peekDeadLetters(queue).map((m) => summarise(m, this.now()));
  }

  async resubmit(queue: string, selector: ReplaySelector, extraProperties: Record<string, string | boolean> = {}): Promise<{ resubmitted: string[] }> {
    const sender = this.bus.createSender(queue);
    const resubmitted: string[] = [];
    for (const message of this.bus.peekDeadLetters(queue).filter((m) => matches(m, selector))) {
      // Send first, then remove: a crash in between leaves the dead letter, and replaying it
      // again sends the same replay messageId, which duplicate detection drops.
      await sender.sendMessages(replayCopy(message, extraProperties));
      this.bus.removeDeadLetter(queue, message.sequenceNumber);
      resubmitted.push(String(message.messageId));
    }
    await sender.close();
    return { resubmitted };
  }
}
