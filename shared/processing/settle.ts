import type { LifecycleEvent } from '../domain/events';
import type { EventRecord, Ledger } from '../ledger/types';
import { toEventMessage } from '../messaging/event-messages';
import type { QueueSender, ReceivedMessage, SettlementActions } from '../messaging/types';
import { copyCounterProperties, copyCountersOf, deferMessageId, noCopies, retryMessageId, scheduledMessageId, waitMessageId, type CopyCounters } from './message-ids';
import { isEventPhase, type EventPhase, type HoldName, type ProcessOutcome, type WakeCopy } from './outcome';
import type { ProcessOptions } from './process-event';
import { holdHead, holdPlace, isTerminal, leaveLane } from './worker-lane';

export const PHASE_PROPERTY = 'phase';

export function phaseOf(message: ReceivedMessage): EventPhase | undefined {
  const value = message.applicationProperties?.[PHASE_PROPERTY];
  return isEventPhase(value) ? value : undefined;
}

export const REPLAY_PROPERTY = 'replay';
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
  return copyCountersOf(message.applicationProperties).attempt;
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
  const counters = copyCountersOf(message.applicationProperties);
  const phase = phaseOf(message);
  switch (outcome.kind) {
    case 'succeeded':
    case 'skipped':
      if (outcome.wake) await scheduleWake(outcome.wake, deps);
      if (event) await leaveLane(event, deps, outcome.inLane);
      await actions.complete(message);
      return 'completed';
    case 'waiting': {
      if (!event) throw new Error('a waiting outcome needs its event');
      const next = { ...counters, waits: counters.waits + 1 };
      await scheduleCopy(message, event, waitMessageId(event.eventId, phase, next.attempt, next.waits), outcome.at, next, deps);
      await actions.complete(message);
      return 'waiting';
    }
    case 'deferred': {
      if (!event) throw new Error('a deferred outcome needs its event');
      const next = { ...counters, defers: counters.defers + 1 };
      await holdPlace(event, outcome.at, deps);
      await scheduleCopy(message, event, deferMessageId(event.eventId, phase, next.attempt, next.defers), outcome.at, next, deps);
      await markQueued(event, outcome.at, deps);
      await actions.complete(message);
      return 'deferred';
    }
    case 'retry': {
      const next = { ...counters, attempt: counters.attempt + 1 };
      if (!event || next.attempt >= policy.maxAttempts) {
        const description = `Step ${outcome.step} still failing after ${next.attempt} attempts: ${outcome.reason}. Fix the cause, then replay this event.`;
        return deadLetter(message, event, actions, deps, 'RetriesExhausted', description, outcome.inLane, outcome.step);
      }
      const at = new Date(deps.now().getTime() + retryDelayMs(next.attempt, policy, outcome.retryAfterMs, deps.random));
      // Before the copy is sent: later events of this worker must find this one at the head.
      await holdHead(event, at, deps);
      await scheduleCopy(message, event, retryMessageId(event.eventId, phase, next.attempt), at, next, deps);
      await markQueued(event, at, deps, { step: outcome.step, code: 'RetryScheduled', message: `${outcome.reason} (attempt ${next.attempt + 1} at ${at.toISOString()})` });
      await actions.complete(message);
      return 'scheduled-retry';
    }
    case 'scheduled': {
      if (!event) throw new Error('a scheduled outcome needs its event');
      // A date the business chose (a leaver's last day) does not hold the worker's other events.
      await leaveLane(event, deps, outcome.inLane);
      const copy = toEventMessage(event);
      if (outcome.wake) await scheduleWake(outcome.wake, deps);
      // A new phase counts its own copies (its ids name it); the event at its due date, or a phase
      // put off again (a hire whose start moved), keeps counting, so its retries' ids do not repeat.
      const carried = outcome.phase && outcome.phase !== phase ? noCopies : counters;
      await deps.processingQueue.scheduleMessages(
        {
          ...copy,
          messageId: scheduledMessageId(event.eventId, outcome.phase, outcome.key),
          applicationProperties: { ...copy.applicationProperties, ...copyCounterProperties(carried), ...(outcome.phase ? { [PHASE_PROPERTY]: outcome.phase } : {}) },
        },
        outcome.at,
      );
      await markQueued(event, outcome.at, deps);
      await actions.complete(message);
      return 'scheduled';
    }
    case 'dead-letter':
      return deadLetter(message, event, actions, deps, outcome.reason, outcome.description, outcome.inLane);
  }
}

/**
 * Queued again for `at`, which the status shows; with the reason when there is one to show. A
 * finished event stays finished: a late copy of it deferred at the door (its tenant busy) must not
 * make it look unfinished, or the copy would run it again after the worker's later events.
 */
async function markQueued(event: LifecycleEvent, at: Date, deps: SettleDeps, error?: EventRecord['error']): Promise<void> {
  await deps.ledger.update(event, (r) => (isTerminal(r) ? r : { ...r, status: 'queued', updatedAt: deps.now().toISOString(), nextAttemptAt: at.toISOString(), ...(error ? { error } : {}) }));
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
    await deps.ledger.update(event, ({ nextAttemptAt: _due, ...r }) => ({
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
 * what the message carried over (phase, replay, released hold) and its copy counters.
 */
async function scheduleCopy(message: ReceivedMessage, event: LifecycleEvent, messageId: string, at: Date, counters: CopyCounters, deps: SettleDeps): Promise<void> {
  const copy = toEventMessage(event);
  const properties = { ...copy.applicationProperties, ...phaseProperties(message), ...copyCounterProperties(counters) };
  await deps.processingQueue.scheduleMessages({ ...copy, messageId, applicationProperties: properties }, at);
}

/**
 * Another event's copy that this one's outcome asks for (a pending hire's carrier, woken because a
 * later event made it due sooner): sent before this message is completed, under an id its key
 * makes its own, so a settlement repeated after a crash sends it once.
 */
async function scheduleWake(wake: WakeCopy, deps: SettleDeps): Promise<void> {
  const copy = toEventMessage(wake.event);
  await deps.processingQueue.scheduleMessages(
    {
      ...copy,
      messageId: scheduledMessageId(wake.event.eventId, wake.phase, wake.key),
      applicationProperties: { ...copy.applicationProperties, ...copyCounterProperties(noCopies), [PHASE_PROPERTY]: wake.phase },
    },
    wake.at,
  );
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
