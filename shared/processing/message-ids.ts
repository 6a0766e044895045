import { withIdSuffix } from '../domain/bounded-id';
import type { EventPhase } from './outcome';

/**
 * The messageIds of an event's copies on the processing queue. Each is the eventId (the original's
 * messageId) plus what tells the copy apart, so duplicate detection keeps every copy yet drops the
 * same copy sent twice (a settlement retried after a crash). An eventId may already be 128
 * characters, Service Bus's limit, so `withIdSuffix` shortens the eventId part when it must.
 */

const phasePart = (phase: EventPhase | undefined): string => (phase ? `~${phase}` : '');

/** `<eventId>[~<phase>]~r<attempt>`: one per attempt of each phase. */
export function retryMessageId(eventId: string, phase: EventPhase | undefined, attempt: number): string {
  return withIdSuffix(eventId, `${phasePart(phase)}~r${attempt}`);
}

/** `<eventId>[~<phase>]~r<attempt>~w<wait>`: the n-th wait within an attempt. */
export function waitMessageId(eventId: string, phase: EventPhase | undefined, attempt: number, wait: number): string {
  return withIdSuffix(eventId, `${phasePart(phase)}~r${attempt}~w${wait}`);
}

/** `<eventId>[~<phase>]~r<attempt>~d<deferral>`: the n-th deferral (behind the worker's lane) within an attempt. */
export function deferMessageId(eventId: string, phase: EventPhase | undefined, attempt: number, deferral: number): string {
  return withIdSuffix(eventId, `${phasePart(phase)}~r${attempt}~d${deferral}`);
}

/**
 * `<eventId>~<phase>` for a later phase (a leaver's licences, then deletion); `<eventId>~due` for the
 * event at its effective time; `<eventId>~<key>` for a copy its flow names (a custom step's deadline).
 */
export function scheduledMessageId(eventId: string, phase: EventPhase | undefined, key?: string): string {
  return withIdSuffix(eventId, key ? `~${key}` : phase ? `~${phase}` : '~due');
}

/** `<eventId>~cb<callId>`: the copy a custom step's callback sends to resume the event, one per call however often the receiver calls back. */
export function resumeMessageId(eventId: string, callId: string): string {
  return withIdSuffix(eventId, `~cb${callId}`);
}

/**
 * How many copies of each kind an event has had: retries (attempts), waits behind its worker's
 * lane, deferrals. Every copy carries all three forward and bumps its own, so the ids above never
 * repeat for one event: a wait after a deferral after a wait is `~w2`, not `~w1` again — which
 * duplicate detection would drop, losing the event's wake-up. A new phase starts at zero (its ids
 * name the phase); the event at its effective time (`~due`) keeps counting.
 */
export interface CopyCounters {
  attempt: number;
  waits: number;
  defers: number;
}

export const COPY_COUNTER_PROPERTIES = { attempt: 'retryAttempt', waits: 'waitCount', defers: 'deferCount' } as const;

export const noCopies: CopyCounters = { attempt: 0, waits: 0, defers: 0 };

export function copyCountersOf(properties: Readonly<Record<string, unknown>> | undefined): CopyCounters {
  const read = (name: string): number => {
    const value = properties?.[name];
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
  };
  return { attempt: read(COPY_COUNTER_PROPERTIES.attempt), waits: read(COPY_COUNTER_PROPERTIES.waits), defers: read(COPY_COUNTER_PROPERTIES.defers) };
}

export function copyCounterProperties(counters: CopyCounters): Record<string, number> {
  return {
    [COPY_COUNTER_PROPERTIES.attempt]: counters.attempt,
    [COPY_COUNTER_PROPERTIES.waits]: counters.waits,
    [COPY_COUNTER_PROPERTIES.defers]: counters.defers,
  };
}
