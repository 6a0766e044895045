import { employeeKey, type LifecycleEvent } from '../domain/events';
import type { Ledger } from '../ledger/types';
import { toEventMessage } from '../messaging/event-messages';
import type { QueueSender, ReceivedMessage, SettlementActions } from '../messaging/types';
import { deferMessageId, retryMessageId, scheduledMessageId, waitMessageId } from './message-ids';
import type { EventPhase, HoldName, ProcessOutcome } from './outcome';
import type { ProcessOptions } from './process-event';

export const RETRY_ATTEMPT_PROPERTY = 'retryAttempt';
export const PHASE_PROPERTY = 'phase';

export function phaseOf(message: ReceivedMessage): EventPhase | undefined {
  const value = message.applicationProperties?.[PHASE_PROPERTY];
  return value === 'remove-licences' || value === 'delete-account' ? value : undefined;
}

export const REPLAY_PROPERTY = 'replay';
export const WAIT_COUNT_PROPERTY = 'waitCount';
export const DEFER_COUNT_PROPERTY = 'deferCount';

function deferCountOf(message: ReceivedMessage): number {
  const value = message.applicationProperties?.[DEFER_COUNT_PROPERTY];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

function waitCountOf(message: ReceivedMessage): number {
  const value = message.applicationProperties?.[WAIT_COUNT_PROPERTY];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

/**
 * Takes a finished event out of its worker's lane, so the events waiting behind it may run.
 * `inLane: false` (it was not in the lane when it started, and only the event itself can enter
 * it) skips the read: most events never see a lane.
 */
async function leaveLane(event: LifecycleEvent, deps: SettleDeps, inLane: boolean | undefined): Promise<void> {
  if (inLane === false) return;
  const key = employeeKey(event);
  const lane = await deps.ledger.getLane(key);
  if (!lane.order.includes(event.eventId)) return;
  await deps.ledger.updateLane(key, (l) => {
    const order = l.order.filter((id) => id !== event.eventId);
    return order.length > 0 && l.order[0] !== event.eventId ? { ...l, order } : { order };
  });
}
export const RELEASE_PROPERTY = 'releaseHold';

/** How a message asks to be processed: its phase, and whether an operator replayed it (releasing a hold). */
export function processOptionsOf(message: ReceivedMessage): ProcessOptions {
  const properties = message.applicationProperties ?? {};
  const phase = phaseOf(message);
  const replay = properties[REPLAY_PROPERTY] === true || properties[REPLAY_PROPERTY] === 'true';
  const release = properties[RELEASE_PROPERTY] === 'mass-leaver' ? new Set<HoldName>(['mass-leaver']) : undefined;
  return { ...(phase ? { phase } : {}), ...(replay ? { replay } : {}), ...(release ? { release } : {}) };
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 8, baseDelayMs: 5_000, maxDelayMs: 15 * 60_000 };

/** Exponential backoff with full jitter, never sooner than Graph's Retry-After. */
export function retryDelayMs(attempt: number, policy: RetryPolicy, retryAfterMs = 0, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(retryAfterMs, Math.round(ceiling / 2 + (random() * ceiling) / 2));
}

export function retryAttemptOf(message: ReceivedMessage): number {
  const value = message.applicationProperties?.[RETRY_ATTEMPT_PROPERTY];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

export interface SettleDeps {
  processingQueue: QueueSender;
  ledger: Ledger;
  now: () => Date;
  policy?: RetryPolicy;
  random?: () => number;
}

/**
 * Turns an outcome into exactly one settlement. A retry is a scheduled copy (own messageId, so
 * duplicate detection keeps it) followed by completing the original: the Functions trigger
 * would otherwise redeliver at once, with no backoff, burning delivery attempts.
 */
export async function settleOutcome(
  message: ReceivedMessage,
  event: LifecycleEvent | undefined,
  outcome: ProcessOutcome,
  actions: SettlementActions,
  deps: SettleDeps,
): Promise<'completed' | 'scheduled-retry' | 'scheduled' | 'waiting' | 'deferred' | 'dead-lettered'> {
  const policy = deps.policy ?? defaultRetryPolicy;
  switch (outcome.kind) {
    case 'succeeded':
    case 'skipped':
      if (event) await leaveLane(event, deps, outcome.inLane);
      await actions.complete(message);
      return 'completed';
    case 'waiting': {
      if (!event) throw new Error('a waiting outcome needs its event');
      const waits = waitCountOf(message) + 1;
      const attempt = retryAttemptOf(message);
      await scheduleCopy(message, event, waitMessageId(event.eventId, phaseOf(message), attempt, waits), outcome.at, { [RETRY_ATTEMPT_PROPERTY]: attempt, [WAIT_COUNT_PROPERTY]: waits }, deps);
      await actions.complete(message);
      return 'waiting';
    }
    case 'deferred': {
      if (!event) throw new Error('a deferred outcome needs its event');
      const defers = deferCountOf(message) + 1;
      const attempt = retryAttemptOf(message);
      // It leaves the session's FIFO, so later events of this worker must queue behind it: at
      // the head of an empty lane (or staying there), else behind the events already waiting.
      await deps.ledger.updateLane(employeeKey(event), (lane) =>
        lane.order.length === 0 || lane.order[0] === event.eventId
          ? { order: [event.eventId, ...lane.order.filter((id) => id !== event.eventId)], headDueAt: outcome.at.toISOString() }
          : { ...lane, order: lane.order.includes(event.eventId) ? lane.order : [...lane.order, event.eventId] },
      );
      await scheduleCopy(message, event, deferMessageId(event.eventId, phaseOf(message), attempt, defers), outcome.at, { [RETRY_ATTEMPT_PROPERTY]: attempt, [DEFER_COUNT_PROPERTY]: defers }, deps);
      await actions.complete(message);
      return 'deferred';
    }
    case 'retry': {
      const attempt = retryAttemptOf(message) + 1;
      if (!event || attempt >= policy.maxAttempts) {
        const description = `Step ${outcome.step} still failing after ${attempt} attempts: ${outcome.reason}. Fix the cause, then replay this event.`;
        return deadLetter(message, event, actions, deps, 'RetriesExhausted', description, outcome.inLane, outcome.step);
      }
      const at = new Date(deps.now().getTime() + retryDelayMs(attempt, policy, outcome.retryAfterMs, deps.random));
      // Before the copy is sent: later events of this worker must find this one at the head.
      await deps.ledger.updateLane(employeeKey(event), (lane) => ({ order: [event.eventId, ...lane.order.filter((id) => id !== event.eventId)], headDueAt: at.toISOString() }));
      await scheduleCopy(message, event, retryMessageId(event.eventId, phaseOf(message), attempt), at, { [RETRY_ATTEMPT_PROPERTY]: attempt }, deps);
      await deps.ledger.update(event, (r) => ({
        ...r,
        status: 'queued',
        updatedAt: deps.now().toISOString(),
        error: { step: outcome.step, code: 'RetryScheduled', message: `${outcome.reason} (attempt ${attempt + 1} at ${at.toISOString()})` },
      }));
      await actions.complete(message);
      return 'scheduled-retry';
    }
    case 'scheduled': {
      if (!event) throw new Error('a scheduled outcome needs its event');
      // A date the business chose (a leaver's last day) does not hold the worker's other events.
      await leaveLane(event, deps, outcome.inLane);
      const copy = toEventMessage(event);
      await deps.processingQueue.scheduleMessages(
        {
          ...copy,
          messageId: scheduledMessageId(event.eventId, outcome.phase),
          applicationProperties: { ...copy.applicationProperties, ...(outcome.phase ? { [PHASE_PROPERTY]: outcome.phase } : {}) },
        },
        outcome.at,
      );
      await actions.complete(message);
      return 'scheduled';
    }
    case 'dead-letter':
      return deadLetter(message, event, actions, deps, outcome.reason, outcome.description, outcome.inLane);
  }
}

async function deadLetter(
  message: ReceivedMessage,
  event: LifecycleEvent | undefined,
  actions: SettlementActions,
  deps: SettleDeps,
  reason: string,
  description: string,
  inLane: boolean | undefined,
  step?: string,
): Promise<'dead-lettered'> {
  if (event) {
    await leaveLane(event, deps, inLane);
    await deps.ledger.update(event, (r) => ({
      ...r,
      status: 'dead-lettered',
      updatedAt: deps.now().toISOString(),
      error: { ...(step ? { step } : r.error?.step ? { step: r.error.step } : {}), code: reason, message: description },
    }));
  }
  await actions.deadletter(message, undefined, reason, description);
  return 'dead-lettered';
}

/**
 * Re-sends the event at `at` under its own messageId (so duplicate detection keeps it), with
 * what the message carried over (phase, replay, released hold) plus `properties`.
 */
async function scheduleCopy(
  message: ReceivedMessage,
  event: LifecycleEvent,
  messageId: string,
  at: Date,
  properties: Record<string, number>,
  deps: SettleDeps,
): Promise<void> {
  const copy = toEventMessage(event);
  await deps.processingQueue.scheduleMessages({ ...copy, messageId, applicationProperties: { ...copy.applicationProperties, ...phaseProperties(message), ...properties } }, at);
}

/** What a retry copy must carry over: its phase, and an operator's replay and released hold. */
function phaseProperties(message: ReceivedMessage): Record<string, string | boolean> {
  const options = processOptionsOf(message);
  return {
    ...(options.phase ? { [PHASE_PROPERTY]: options.phase } : {}),
    ...(options.replay ? { [REPLAY_PROPERTY]: true } : {}),
    ...(options.release?.has('mass-leaver') ? { [RELEASE_PROPERTY]: 'mass-leaver' } : {}),
  };
}
