import { randomUUID } from 'node:crypto';
import type { OutgoingMessage, ReceivedMessage } from '../../shared/messaging/types';
import { MAX_MESSAGE_BYTES } from '../../shared/messaging/limits';
import { createLocalBatch } from './batch';
import {
  type EncodedPropertiesPatch,
  type StoredMessage,
  batchTooLargeError,
  encodeProperties,
  lockLostError,
  messageIdKey,
  messageTooLargeError,
  scheduledTooLargeError,
  toReceived,
  toSequence,
  toStored,
  validateMessageFields,
  validateOutgoing,
} from './codec';
import { messageBytes } from './message-size';
import type { Journal, JournalRecord } from './journal';

/** setTimeout's ceiling (2^31 − 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

export interface QueueOptions {
  requiresSession?: boolean;
  requiresDuplicateDetection?: boolean;
  /** Default 10, like Service Bus. */
  maxDeliveryCount?: number;
}

export interface QueueEnvironment {
  now: () => number;
  lockDurationMs: number;
  duplicateDetectionWindowMs: number;
}

export interface QueueCounts {
  active: number;
  scheduled: number;
  deadLettered: number;
  locked: number;
}

interface Lock {
  token: string;
  until: number;
  timer: NodeJS.Timeout;
}

/**
 * How messages reached the queue, which decides the size rule (256 KB each way on Standard,
 * https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas):
 * - `message`: one `sendMessages(message)`; the service refuses it over the link's limit;
 * - `array`: `sendMessages([...])`, which the SDK packs into one batch of the link's size, refusing
 *   the whole array when a message does not fit;
 * - `batch`: a batch from `createMessageBatch`, already held to its size by `tryAddMessage`;
 * - `schedule`: `scheduleMessages`, each message held to the limit.
 */
export type SendShape = 'message' | 'array' | 'batch' | 'schedule';

function checkSize(messages: OutgoingMessage[], shape: SendShape): void {
  if (shape === 'batch') return;
  if (shape === 'array') {
    const batch = createLocalBatch();
    for (const message of messages) {
      validateMessageFields(message);
      if (!batch.tryAddMessage(message)) throw batchTooLargeError();
    }
    return;
  }
  for (const message of messages) {
    validateMessageFields(message);
    const size = messageBytes(message);
    if (size <= MAX_MESSAGE_BYTES) continue;
    throw shape === 'schedule' ? scheduledTooLargeError(size) : messageTooLargeError(messageIdKey(message.messageId), size);
  }
}

/** Compact when the journal holds this many records and at least twice the live state. */
const COMPACT_MIN_RECORDS = 1000;

/**
 * One queue: live messages (active, scheduled, locked), its dead-letter subqueue, peek-locks and
 * duplicate-detection history. Every state change is journaled before it is applied in memory.
 */
export class LocalQueue {
  private readonly live = new Map<number, StoredMessage>();
  private readonly dead = new Map<number, StoredMessage>();
  private readonly locks = new Map<number, Lock>();
  private readonly tokens = new Map<string, number>();
  private readonly lockedSessions = new Map<string, number>();
  private readonly dedup = new Map<string, number>();
  private readonly wakeups = new Set<NodeJS.Timeout>();
  private readonly listeners = new Set<() => void>();
  private nextSeq = 1;
  private closed = false;
  requiresSession: boolean;
  requiresDuplicateDetection: boolean;
  maxDeliveryCount: number;

  constructor(
    readonly name: string,
    options: QueueOptions,
    private readonly journal: Journal,
    private readonly env: QueueEnvironment,
  ) {
    this.requiresSession = options.requiresSession ?? false;
    this.requiresDuplicateDetection = options.requiresDuplicateDetection ?? false;
    this.maxDeliveryCount = options.maxDeliveryCount ?? 10;
  }

  /** Rebuilds state from the journal. Messages that were locked when the process stopped are available again. */
  load(): void {
    for (const record of this.journal.read()) this.replay(record);
    for (const m of [...this.live.values()]) {
      // delivered (and counted) before the restart but never settled: the delivery attempt is used up
      if (m.deliveryCount >= this.maxDeliveryCount) this.deadLetterExhausted(m);
    }
    for (const m of this.live.values()) this.scheduleWakeup(m);
    this.compactIfLarge();
  }

  private replay(r: JournalRecord): void {
    switch (r.op) {
      case 'enqueue':
        this.live.set(r.m.seq, r.m);
        this.dedup.set(r.m.messageId, r.m.enqueuedAt);
        this.nextSeq = Math.max(this.nextSeq, r.m.seq + 1);
        break;
      case 'deliver': {
        const m = this.live.get(r.seq);
        if (m) m.deliveryCount = r.count;
        break;
      }
      case 'complete':
        this.live.delete(r.seq);
        break;
      case 'modify': {
        const m = this.live.get(r.seq);
        if (m) m.applicationProperties = { ...m.applicationProperties, ...r.props };
        break;
      }
      case 'deadletter': {
        const m = this.live.get(r.seq);
        if (m) this.moveToDead(m, r.reason, r.description);
        break;
      }
      case 'dead':
        this.dead.set(r.m.seq, r.m);
        this.nextSeq = Math.max(this.nextSeq, r.m.seq + 1);
        break;
      case 'remove-dead':
        this.dead.delete(r.seq);
        break;
      case 'dedup':
        this.dedup.set(r.id, r.at);
        break;
      case 'seq':
        this.nextSeq = Math.max(this.nextSeq, r.next);
        break;
    }
  }

  onAvailable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`The local Service Bus queue '${this.name}' has been closed.`);
  }

  /**
   * Enqueues a send atomically: every message is validated, and its size checked as the SDK and
   * the service would for that kind of send (see SendShape), before anything is written.
   */
  send(messages: OutgoingMessage[], scheduledAt?: number, shape: SendShape = 'array'): number[] {
    this.assertOpen();
    checkSize(messages, shape);
    for (const message of messages) validateOutgoing(message, this.requiresSession, this.name);
    const now = this.env.now();
    const accepted: StoredMessage[] = [];
    const seen = new Map<string, number>();
    const sequenceNumbers: number[] = [];
    for (const message of messages) {
      const seq = this.nextSeq++;
      sequenceNumbers.push(seq);
      const id = messageIdKey(message.messageId);
      if (this.requiresDuplicateDetection && id !== undefined && (seen.has(id) || this.isDuplicate(id, now))) continue;
      const when = scheduledAt ?? message.scheduledEnqueueTimeUtc?.getTime();
      const stored = toStored(message, seq, now, when);
      seen.set(stored.messageId, now);
      accepted.push(stored);
    }
    this.journal.append(...accepted.map((m): JournalRecord => ({ op: 'enqueue', m })));
    for (const m of accepted) {
      this.live.set(m.seq, m);
      if (this.requiresDuplicateDetection) this.dedup.set(m.messageId, now);
      this.scheduleWakeup(m);
    }
    this.pruneDedup(now);
    if (accepted.length > 0) this.notify();
    return sequenceNumbers;
  }

  private isDuplicate(id: string, now: number): boolean {
    const at = this.dedup.get(id);
    return at !== undefined && now - at < this.env.duplicateDetectionWindowMs;
  }

  private pruneDedup(now: number): void {
    if (this.dedup.size < 10_000) return;
    for (const [id, at] of this.dedup) {
      if (now - at >= this.env.duplicateDetectionWindowMs) this.dedup.delete(id);
    }
  }

  private scheduleWakeup(m: StoredMessage): void {
    if (m.scheduledAt === undefined) return;
    const delay = m.scheduledAt - this.env.now();
    if (delay <= 0) return;
    // Node timers hold at most ~24.8 days (a leaver's deletion is 30 days out) and may fire a
    // millisecond early; a wake-up before the message is due re-arms instead of being lost.
    const timer = setTimeout(() => {
      this.wakeups.delete(timer);
      if ((m.scheduledAt ?? 0) > this.env.now()) this.scheduleWakeup(m);
      else this.notify();
    }, Math.min(delay, MAX_TIMER_MS));
    timer.unref();
    this.wakeups.add(timer);
  }

  private isDue(m: StoredMessage, now: number): boolean {
    return m.scheduledAt === undefined || m.scheduledAt <= now;
  }

  /**
   * The next message a receiver may lock: due, unlocked, oldest first; on session queues its
   * session must be free — and, when given, be `onlySession`, or not among `heldSessions`
   * (sessions a receiver keeps while it waits for their next message).
   */
  nextDeliverable(filter: { onlySession?: string; heldSessions?: ReadonlySet<string> } = {}): number | undefined {
    if (this.closed) return undefined;
    const now = this.env.now();
    for (const m of this.live.values()) {
      if (this.locks.has(m.seq) || !this.isDue(m, now)) continue;
      const session = m.sessionId ?? '';
      if (this.requiresSession && this.lockedSessions.has(session)) continue;
      if (filter.onlySession !== undefined && session !== filter.onlySession) continue;
      if (filter.heldSessions?.has(session)) continue;
      return m.seq;
    }
    return undefined;
  }

  /** Peek-locks a message for delivery: counts the attempt (journaled) and starts the lock timer. */
  lock(seq: number): ReceivedMessage {
    this.assertOpen();
    const m = this.live.get(seq);
    if (!m || this.locks.has(seq)) throw new Error(`Message ${seq} is not available on '${this.name}'.`);
    const count = m.deliveryCount + 1;
    this.journal.append({ op: 'deliver', seq, count });
    m.deliveryCount = count;
    const token = randomUUID();
    const now = this.env.now();
    const timer = setTimeout(() => this.expire(seq, token), this.env.lockDurationMs);
    timer.unref();
    this.locks.set(seq, { token, until: now + this.env.lockDurationMs, timer });
    this.tokens.set(token, seq);
    const session = m.sessionId ?? '';
    this.lockedSessions.set(session, (this.lockedSessions.get(session) ?? 0) + 1);
    return toReceived(m, { lockToken: token, lockedUntil: now + this.env.lockDurationMs, now });
  }

  /** How long a lock lasts without renewal. */
  get lockDurationMs(): number {
    return this.env.lockDurationMs;
  }

  /** Renews a lock still held (the processor's auto-renewal); false when it is gone. */
  renewLock(seq: number, token: string): boolean {
    const lock = this.locks.get(seq);
    if (this.closed || !lock || lock.token !== token) return false;
    clearTimeout(lock.timer);
    const timer = setTimeout(() => this.expire(seq, token), this.env.lockDurationMs);
    timer.unref();
    this.locks.set(seq, { token, until: this.env.now() + this.env.lockDurationMs, timer });
    return true;
  }

  isLocked(seq: number, token: string): boolean {
    return this.locks.get(seq)?.token === token;
  }

  private release(seq: number): StoredMessage {
    const lock = this.locks.get(seq);
    if (lock) {
      clearTimeout(lock.timer);
      this.tokens.delete(lock.token);
      this.locks.delete(seq);
    }
    const m = this.live.get(seq) as StoredMessage;
    const session = m.sessionId ?? '';
    const held = (this.lockedSessions.get(session) ?? 1) - 1;
    if (held > 0) this.lockedSessions.set(session, held);
    else this.lockedSessions.delete(session);
    return m;
  }

  /** Resolves the lock a settlement refers to; throws MessageLockLost when it is no longer held. */
  private heldLock(message: ReceivedMessage): number {
    this.assertOpen();
    const token = message?.lockToken;
    const seq = token === undefined ? undefined : this.tokens.get(token);
    if (seq === undefined || !this.isLocked(seq, token as string)) throw lockLostError();
    return seq;
  }

  complete(message: ReceivedMessage): void {
    const seq = this.heldLock(message);
    this.journal.append({ op: 'complete', seq });
    this.release(seq);
    this.live.delete(seq);
    this.notify();
  }

  abandon(message: ReceivedMessage, propertiesToModify?: unknown): void {
    const seq = this.heldLock(message);
    this.modify(seq, propertiesToModify);
    this.unlock(seq);
  }

  deadLetter(message: ReceivedMessage, propertiesToModify?: unknown, reason?: string, description?: string): void {
    const seq = this.heldLock(message);
    this.modify(seq, propertiesToModify);
    this.journal.append({ op: 'deadletter', seq, reason, description });
    this.moveToDead(this.release(seq), reason, description);
    this.notify();
  }

  /** Abandon by the owner of the lock (handler threw) — no-op when the lock is already gone. */
  abandonIfLocked(seq: number, token: string): void {
    if (!this.closed && this.isLocked(seq, token)) this.unlock(seq);
  }

  private expire(seq: number, token: string): void {
    if (!this.closed && this.isLocked(seq, token)) this.unlock(seq);
  }

  /** Makes a message available again, or dead-letters it once its delivery attempts are used up. */
  private unlock(seq: number): void {
    const m = this.release(seq);
    if (m.deliveryCount >= this.maxDeliveryCount) this.deadLetterExhausted(m);
    this.notify();
  }

  private deadLetterExhausted(m: StoredMessage): void {
    const reason = 'MaxDeliveryCountExceeded';
    const description = `Message could not be consumed after ${this.maxDeliveryCount} delivery attempts.`;
    this.journal.append({ op: 'deadletter', seq: m.seq, reason, description });
    this.moveToDead(m, reason, description);
  }

  private modify(seq: number, properties: unknown): void {
    if (!properties || typeof properties !== 'object' || ArrayBuffer.isView(properties)) return;
    const props = encodeProperties(properties as Record<string, string>) as EncodedPropertiesPatch;
    if (Object.keys(props).length === 0) return;
    this.journal.append({ op: 'modify', seq, props });
    const m = this.live.get(seq) as StoredMessage;
    m.applicationProperties = { ...m.applicationProperties, ...props };
  }

  private moveToDead(m: StoredMessage, reason: string | undefined, description: string | undefined): void {
    this.live.delete(m.seq);
    const deadLetter: StoredMessage = { ...m };
    if (reason !== undefined) deadLetter.deadLetterReason = reason;
    if (description !== undefined) deadLetter.deadLetterErrorDescription = description;
    this.dead.set(m.seq, deadLetter);
  }

  peekDeadLetters(): ReceivedMessage[] {
    const now = this.env.now();
    return [...this.dead.values()].map((m) => toReceived({ ...m, scheduledAt: undefined }, { now }));
  }

  private findDead(idOrSequence: unknown): StoredMessage {
    const seq = toSequence(idOrSequence);
    const found =
      (seq !== undefined ? this.dead.get(seq) : undefined) ??
      [...this.dead.values()].find((m) => m.messageId === messageIdKey(idOrSequence as string));
    if (!found) throw new Error(`No dead-lettered message '${String(idOrSequence)}' on queue '${this.name}'.`);
    return found;
  }

  /** Removes a dead letter and returns it (receive-and-delete on the dead-letter subqueue). */
  removeDeadLetter(idOrSequence: unknown): ReceivedMessage {
    this.assertOpen();
    const m = this.findDead(idOrSequence);
    this.journal.append({ op: 'remove-dead', seq: m.seq });
    this.dead.delete(m.seq);
    return toReceived({ ...m, scheduledAt: undefined }, { now: this.env.now() });
  }

  /**
   * Re-enqueues a dead letter as a new message (same messageId, body and properties, new sequence
   * number, delivery count 0) and removes it from the dead-letter subqueue. Bypasses duplicate
   * detection: a replay is deliberate. Returns the new sequence number.
   */
  resubmitDeadLetter(idOrSequence: unknown): number {
    this.assertOpen();
    const old = this.findDead(idOrSequence);
    const m: StoredMessage = { ...old, seq: this.nextSeq++, enqueuedAt: this.env.now(), deliveryCount: 0 };
    delete m.scheduledAt;
    delete m.deadLetterReason;
    delete m.deadLetterErrorDescription;
    this.journal.append({ op: 'enqueue', m }, { op: 'remove-dead', seq: old.seq });
    this.dead.delete(old.seq);
    this.live.set(m.seq, m);
    this.notify();
    return m.seq;
  }

  counts(): QueueCounts {
    const now = this.env.now();
    const counts: QueueCounts = { active: 0, scheduled: 0, deadLettered: this.dead.size, locked: this.locks.size };
    for (const m of this.live.values()) {
      if (this.locks.has(m.seq)) continue;
      if (this.isDue(m, now)) counts.active++;
      else counts.scheduled++;
    }
    return counts;
  }

  /** Rewrites the journal as a snapshot of the current state when it has grown large (or when forced). */
  compactIfLarge(force = false): void {
    const liveState = this.live.size + this.dead.size + this.dedup.size;
    if (!force && (this.journal.recordCount < COMPACT_MIN_RECORDS || this.journal.recordCount < 2 * liveState)) return;
    const now = this.env.now();
    const records: JournalRecord[] = [{ op: 'seq', next: this.nextSeq }];
    for (const [id, at] of this.dedup) {
      if (now - at < this.env.duplicateDetectionWindowMs) records.push({ op: 'dedup', id, at });
    }
    for (const m of this.dead.values()) records.push({ op: 'dead', m });
    for (const m of this.live.values()) records.push({ op: 'enqueue', m });
    this.journal.rewrite(records);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const lock of this.locks.values()) clearTimeout(lock.timer);
    for (const timer of this.wakeups) clearTimeout(timer);
    this.wakeups.clear();
    this.listeners.clear();
    this.compactIfLarge();
    this.journal.close();
  }
}
