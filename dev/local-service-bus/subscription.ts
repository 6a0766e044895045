import type { ServiceBusTriggerInput, SettlementActions } from '../../shared/messaging/types';
import type { LocalQueue } from './queue';

export interface SubscribeOptions {
  /** Handlers running at once on a non-session queue (host.json default 16). */
  maxConcurrentCalls?: number;
  /** Sessions processed at once on a session queue, one message per session at a time (default 8). */
  maxConcurrentSessions?: number;
  /** Complete the message when the handler returns without settling it (default true, like the host). */
  autoCompleteMessages?: boolean;
}

export type MessageHandler = (input: ServiceBusTriggerInput) => Promise<void>;

export function settlementActions(queue: LocalQueue): SettlementActions {
  return {
    complete: async (message) => queue.complete(message),
    abandon: async (message, propertiesToModify) => queue.abandon(message, propertiesToModify),
    deadletter: async (message, propertiesToModify, reason, description) =>
      queue.deadLetter(message, propertiesToModify, reason, description),
  };
}

/**
 * Pumps one queue into one handler, like the Functions host's Service Bus trigger: one message per
 * invocation; a handler that throws gets its message abandoned (redelivered at once).
 */
export class Subscription {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly actions: SettlementActions;
  private readonly unlisten: () => void;
  private pumpScheduled = false;
  private closed = false;

  constructor(
    private readonly queue: LocalQueue,
    private readonly handler: MessageHandler,
    private readonly options: SubscribeOptions,
    private readonly log: (line: string) => void,
  ) {
    this.actions = settlementActions(queue);
    this.unlisten = queue.onAvailable(() => this.schedulePump());
    this.schedulePump();
  }

  get queueName(): string {
    return this.queue.name;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get activeHandlers(): number {
    return this.inFlight.size;
  }

  private get limit(): number {
    return this.queue.requiresSession ? (this.options.maxConcurrentSessions ?? 8) : (this.options.maxConcurrentCalls ?? 16);
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (!this.closed && this.inFlight.size < Math.max(1, this.limit)) {
      const seq = this.queue.nextDeliverable();
      if (seq === undefined) return;
      this.dispatch(seq);
    }
  }

  private dispatch(seq: number): void {
    const message = this.queue.lock(seq);
    const token = message.lockToken as string;
    const run = (async () => {
      try {
        await this.handler({ messages: [message], actions: this.actions });
        if ((this.options.autoCompleteMessages ?? true) && this.queue.isLocked(seq, token)) this.queue.complete(message);
      } catch (error) {
        this.log(
          `[local-service-bus] handler for '${this.queue.name}' failed on message ${message.messageId} ` +
            `(delivery ${message.deliveryCount}): ${error instanceof Error ? error.message : String(error)}`,
        );
        this.queue.abandonIfLocked(seq, token);
      }
    })();
    const tracked = run.finally(() => {
      this.inFlight.delete(tracked);
      this.schedulePump();
    });
    this.inFlight.add(tracked);
  }

  /** Stops taking messages and waits (up to timeoutMs) for running handlers. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unlisten();
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
