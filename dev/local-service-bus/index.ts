import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutgoingMessage, OutgoingMessageBatch, QueueSender, ReceivedMessage } from '../../shared/messaging/types';
import { LocalMessageBatch, createLocalBatch, isMessageBatch } from './batch';
import { Journal } from './journal';
import { LocalQueue, type QueueCounts, type QueueOptions } from './queue';
import { type MessageHandler, type SubscribeOptions, Subscription } from './subscription';

export type { QueueCounts, QueueOptions } from './queue';
export type { MessageHandler, SubscribeOptions } from './subscription';

export interface LocalServiceBusOptions {
  /** Directory holding one `<queue>.jsonl` journal per queue. */
  dataDir: string;
  now?: () => number;
  /** Peek-lock duration (default 60 s, the Service Bus default). */
  lockDurationMs?: number;
  /** Duplicate-detection history window (default 10 min, the Service Bus default). */
  duplicateDetectionWindowMs?: number;
  /** How long close() waits for running handlers (default 5 s). */
  closeTimeoutMs?: number;
  /** Where handler failures are reported (default console.error). */
  log?: (line: string) => void;
}

const toArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/**
 * In-process, disk-persisted stand-in for the Service Bus queues the app uses, for the local host:
 * peek-lock delivery with settlement, sessions, duplicate detection, scheduled messages,
 * max-delivery-count dead-lettering, a dead-letter subqueue that can be replayed, and the
 * Standard tier's limits (256 KB a message and a send, 128-character ids; see ./README.md).
 */
export class LocalServiceBus {
  private readonly queues = new Map<string, LocalQueue>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private closed = false;

  private constructor(private readonly options: LocalServiceBusOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((line) => console.error(line));
  }

  static async open(options: LocalServiceBusOptions): Promise<LocalServiceBus> {
    fs.mkdirSync(options.dataDir, { recursive: true });
    return new LocalServiceBus(options);
  }

  /** Idempotent; the first call for a name replays that queue's journal from dataDir. */
  createQueue(name: string, options: QueueOptions = {}): void {
    this.assertOpen();
    if (this.queues.has(name)) return;
    const file = path.join(this.options.dataDir, `${encodeURIComponent(name)}.jsonl`);
    const queue = new LocalQueue(name, options, new Journal(file), {
      now: this.now,
      lockDurationMs: this.options.lockDurationMs ?? 60_000,
      duplicateDetectionWindowMs: this.options.duplicateDetectionWindowMs ?? 10 * 60_000,
    });
    queue.load();
    this.queues.set(name, queue);
  }

  private queue(name: string): LocalQueue {
    this.assertOpen();
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`The messaging entity '${name}' could not be found (local Service Bus: call createQueue first).`);
    return queue;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The local Service Bus has been closed.');
  }

  createSender(queueName: string): QueueSender {
    let closed = false;
    const open = () => {
      if (closed) throw new Error(`The sender for '${queueName}' has been closed.`);
      return this.queue(queueName);
    };
    return {
      sendMessages: async (messages: OutgoingMessage | OutgoingMessage[] | OutgoingMessageBatch) => {
        const queue = open();
        if (messages instanceof LocalMessageBatch) queue.send([...messages.messages], undefined, 'batch');
        else if (isMessageBatch(messages)) throw new TypeError('The local Service Bus sends only batches made by its own createMessageBatch.');
        else if (Array.isArray(messages)) queue.send(messages, undefined, 'array');
        else queue.send([messages], undefined, 'message');
      },
      createMessageBatch: async (batchOptions?: { maxSizeInBytes?: number }) => {
        open();
        return createLocalBatch(batchOptions);
      },
      scheduleMessages: async (messages: OutgoingMessage | OutgoingMessage[], when: Date) =>
        open().send(toArray(messages), when.getTime(), 'schedule'),
      close: async () => {
        closed = true;
      },
    };
  }

  subscribe(queueName: string, handler: MessageHandler, options: SubscribeOptions = {}): { close(): Promise<void> } {
    const subscription = new Subscription(this.queue(queueName), handler, options, this.log);
    this.subscriptions.add(subscription);
    return {
      close: async () => {
        await subscription.close(this.options.closeTimeoutMs);
        this.subscriptions.delete(subscription);
      },
    };
  }

  counts(queueName: string): QueueCounts {
    return this.queue(queueName).counts();
  }

  /** True when no handler runs and no subscribed queue has a message ready for delivery. */
  private isIdle(): boolean {
    for (const subscription of this.subscriptions) {
      if (subscription.activeHandlers > 0) return false;
      if (subscription.isOpen && this.queues.get(subscription.queueName)?.nextDeliverable() !== undefined) return false;
    }
    return true;
  }

  /**
   * Resolves once nothing is left to do right now: no running handler and no due message on a
   * subscribed queue. Scheduled (future) messages and messages waiting for a lock to expire don't count.
   */
  async waitForIdle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // check twice across a macrotask so a pump scheduled with setImmediate is not missed
      if (this.isIdle()) {
        await new Promise((resolve) => setImmediate(resolve));
        if (this.isIdle()) return;
      }
      if (Date.now() > deadline) {
        const state = [...this.queues.keys()].map((q) => `${q}: ${JSON.stringify(this.counts(q))}`).join('; ');
        throw new Error(`Local Service Bus not idle after ${timeoutMs} ms (${state})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  peekDeadLetters(queueName: string): ReceivedMessage[] {
    return this.queue(queueName).peekDeadLetters();
  }

  /** Receive-and-delete on the dead-letter subqueue: returns up to maxCount dead letters and removes them. */
  receiveDeadLetters(queueName: string, maxCount = Number.MAX_SAFE_INTEGER): ReceivedMessage[] {
    const queue = this.queue(queueName);
    return queue
      .peekDeadLetters()
      .slice(0, maxCount)
      .map((m) => queue.removeDeadLetter(m.sequenceNumber));
  }

  /** Moves a dead letter (by sequence number or messageId) back to the queue as a new message; returns its sequence number. */
  resubmitDeadLetter(queueName: string, sequenceNumberOrMessageId: unknown): number {
    return this.queue(queueName).resubmitDeadLetter(sequenceNumberOrMessageId);
  }

  removeDeadLetter(queueName: string, sequenceNumberOrMessageId: unknown): ReceivedMessage {
    return this.queue(queueName).removeDeadLetter(sequenceNumberOrMessageId);
  }

  /** Stops delivery, waits briefly for running handlers, stops timers and closes (compacting) the journals. */
  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((s) => s.close(this.options.closeTimeoutMs)));
    this.subscriptions.clear();
    this.closed = true;
    for (const queue of this.queues.values()) queue.close();
    this.queues.clear();
  }
}
