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

/** `<eventId>~<phase>` for a later phase (a leaver's licences, then deletion); `<eventId>~due` for the event at its effective time. */
export function scheduledMessageId(eventId: string, phase: EventPhase | undefined): string {
  return withIdSuffix(eventId, phase ? `~${phase}` : '~due');
}
