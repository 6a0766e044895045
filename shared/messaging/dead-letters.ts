import { withIdSuffix } from '../domain/bounded-id';
import type { OutgoingMessage, ReceivedMessage } from './types';

/**
 * What an operator sees of a dead letter: enough to decide (reason, step, age, whose event), never
 * the body, which holds personal data.
 */
export interface DeadLetterSummary {
  sequenceNumber: string;
  messageId: string;
  eventId?: string;
  /** The customer tenant the event or ticket is for (`default`: the home tenant). */
  tenantId: string;
  eventType?: string;
  employeeId?: string;
  reason: string;
  description: string;
  deliveryCount: number;
  enqueuedAt?: string;
  ageSeconds?: number;
}

export interface ReplaySelector {
  messageId?: string;
  /** Several chosen dead letters (the console's selection). */
  messageIds?: readonly string[];
  all?: boolean;
  /** Only this tenant's dead letters. */
  tenantId?: string;
  /** Only dead letters with exactly this reason: a bulk action for one kind never resubmits another. */
  reason?: string;
}

/** The dead-letter subqueue of a queue: list, and resubmit after a fix. */
export interface DeadLetters {
  list(queue: string): Promise<DeadLetterSummary[]>;
  /** Resubmits matching dead letters; returns the messageIds of the originals resubmitted. */
  resubmit(queue: string, selector: ReplaySelector, extraProperties?: Record<string, string | boolean>): Promise<{ resubmitted: string[] }>;
}

export const REPLAY_COUNT_PROPERTY = 'replayCount';

export function summarise(message: ReceivedMessage, now: Date): DeadLetterSummary {
  const body = (typeof message.body === 'object' && message.body !== null ? message.body : {}) as { eventId?: unknown; type?: unknown; employee?: { employeeId?: unknown } };
  const enqueued = message.enqueuedTimeUtc ? new Date(message.enqueuedTimeUtc) : undefined;
  return {
    sequenceNumber: String(message.sequenceNumber ?? ''),
    messageId: String(message.messageId ?? ''),
    ...(typeof body.eventId === 'string' ? { eventId: body.eventId } : {}),
    tenantId: tenantOf(message),
    ...(typeof body.type === 'string' ? { eventType: body.type } : {}),
    ...(typeof body.employee?.employeeId === 'string' ? { employeeId: body.employee.employeeId } : {}),
    reason: message.deadLetterReason ?? 'unknown',
    description: message.deadLetterErrorDescription ?? '',
    deliveryCount: message.deliveryCount ?? 0,
    ...(enqueued ? { enqueuedAt: enqueued.toISOString(), ageSeconds: Math.max(0, Math.round((now.getTime() - enqueued.getTime()) / 1000)) } : {}),
  };
}

/** Events carry it in a property and the body; a ticket only in its body, absent meaning home. */
export function tenantOf(message: ReceivedMessage): string {
  const property = message.applicationProperties?.tenantId;
  if (typeof property === 'string') return property;
  const body = message.body as { tenantId?: unknown } | null;
  return body && typeof body === 'object' && typeof body.tenantId === 'string' ? body.tenantId : 'default';
}

export function matches(message: ReceivedMessage, selector: ReplaySelector): boolean {
  if (selector.tenantId !== undefined && tenantOf(message) !== selector.tenantId) return false;
  if (selector.reason !== undefined && (message.deadLetterReason ?? 'unknown') !== selector.reason) return false;
  if (selector.all) return true;
  if (selector.messageIds !== undefined) return selector.messageIds.includes(String(message.messageId));
  return selector.messageId !== undefined && String(message.messageId) === selector.messageId;
}

/** A selection by id is complete once each id was resubmitted: the receiver need not read further. */
export function selectionDone(selector: ReplaySelector, resubmitted: readonly string[]): boolean {
  if (selector.all) return false;
  if (selector.messageIds !== undefined) return selector.messageIds.every((id) => resubmitted.includes(id));
  return resubmitted.length > 0;
}

/**
 * `<original messageId>~replay-<count>`, within Service Bus's 128 characters (`withIdSuffix`): the
 * original is the dead letter's messageId without an earlier replay's suffix, so replays of
 * replays count up on one base.
 */
export function replayMessageId(messageId: string, count: number): string {
  return withIdSuffix(messageId.replace(/~replay-\d+$/, ''), `~replay-${count}`);
}

/**
 * The message a replay sends: same body, session and properties plus the operator's (`replay`,
 * a released hold), under a new messageId so duplicate detection does not drop it as a re-send
 * of the original — but the same id for the same replay count, so a replay retried after a crash
 * is dropped as the duplicate it is.
 */
export function replayCopy(message: ReceivedMessage, extraProperties: Record<string, string | boolean> = {}): OutgoingMessage {
  const properties = { ...(message.applicationProperties ?? {}) };
  const count = (typeof properties[REPLAY_COUNT_PROPERTY] === 'number' ? (properties[REPLAY_COUNT_PROPERTY] as number) : 0) + 1;
  return {
    body: message.body,
    messageId: replayMessageId(String(message.messageId), count),
    ...(message.sessionId ? { sessionId: message.sessionId } : {}),
    ...(message.contentType ? { contentType: message.contentType } : {}),
    ...(message.subject ? { subject: message.subject } : {}),
    applicationProperties: { ...properties, ...extraProperties, [REPLAY_COUNT_PROPERTY]: count },
  };
}
