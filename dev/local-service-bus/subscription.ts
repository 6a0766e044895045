import type { ServiceBusTriggerInput, SettlementActions } from '../../shared/messaging/types';
import type { LocalQueue } from './queue';

export interface SubscribeOptions {
  /** Handlers running at once on a non-session queue (host.json default 16). */
  maxConcurrentCalls?: number;
  /** Sessions processed at once on a session queue, one message per session at a time (default 8). */
  maxConcurrentSessions?: number;
  /** Complete the message when the handler returns without settling it (default true, like the host). */
  autoCompleteMessages?: boolean;
  /**
   * host.json `sessionIdleTimeout`: after a session's last message, its slot waits this long for
   * another message of that session before taking a new session (the host's behaviour: a slot
   * is a session, not a message). Default 0 here; the local host passes host.json's value.
   */
  sessionIdleTimeoutMs?: number;
  /**
   * host.json `maxAutoLockRenewalDuration`: while a handler runs, the trigger's processor renews
   * its message's lock, for at most this long from the delivery; default 5 minutes, the processor's
   * (https://learn.microsoft.com/dotnet/api/azure.messaging.servicebus.servicebusprocessor.maxautolockrenewalduration).
   */
  maxAutoLockRenewalDurationMs?: number;
}

const DEFAULT_MAX_AUTO_LOCK_RENEWAL_MS = 5 * 60_000;

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
  /** Sessions whose slot is idling, waiting for their next message. */
  private readonly idle = new Map<string, NodeJS.Timeout>();
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

  /** Slots taken: running handlers and idling sessions. */
  private get slotsInUse(): number {
    return this.inFlight.size + this.idle.size;
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
    // An idling session's slot takes that session's next message first.
    for (const [session, timer] of this.idle) {
      const seq = this.queue.nextDeliverable({ onlySession: session });
      if (seq === undefined) continue;
      clearTimeout(timer);
      this.idle.delete(session);
      this.dispatch(seq);
    }
    while (!this.closed && this.slotsInUse < Math.max(1, this.limit)) {
      const seq = this.queue.nextDeliverable({ heldSessions: new Set(this.idle.keys()) });
      if (seq === undefined) return;
      this.dispatch(seq);
    }
  }

  /** Keeps the finished message's session slot for the idle timeout (session queues only). */
  private holdSession(session: string): void {
    const idleMs = this.options.sessionIdleTimeoutMs ?? 0;
    if (!this.queue.requiresSession || idleMs <= 0 || this.closed) return;
    const timer = setTimeout(() => {
      this.idle.delete(session);
      this.schedulePump();
    }, idleMs);
    timer.unref();
    this.idle.set(session, timer);
  }

  private dispatch(seq: number): void {
    const message = this.queue.lock(seq);
    const token = message.lockToken as string;
    const renewUntil = Date.now() + (this.options.maxAutoLockRenewalDurationMs ?? DEFAULT_MAX_AUTO_LOCK_RENEWAL_MS);
    const renewal = setInterval(() => {
      if (Date.now() >= renewUntil || !this.queue.renewLock(seq, token)) clearInterval(renewal);
    }, Math.max(5, Math.floor(this.queue.lockDurationMs / 2)));
    renewal.unref();
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
      clearInterval(renewal);
      this.inFlight.delete(tracked);
      this.holdSession(message.sessionId ?? '');
      this.schedulePump();
    });
    this.inFlight.add(tracked);
  }

  /** Stops taking messages and waits (up to timeoutMs) for running handlers. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unlisten();
    for (const timer of this.idle.values()) clearTimeout(timer);
    this.idle.clear();
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
