import { employeeKey, lifecycleEventSchema, type Employee, type LifecycleEvent } from '../../domain/events';
import type { Ledger, PendingHire } from '../../ledger/types';
import type { EventPhase } from '../outcome';
import { isTerminal } from '../worker-lane';
import { hireStart, type HireStart, type HireTimeSettings } from './start-time';

/**
 * A worker's future-dated hire as the ledger keeps it. Why the ledger and not only the account's
 * employeeHireDate: until the pre-hire day there is no account to read, so a date moved or a hire
 * cancelled in those days is known nowhere else; and a start moved sooner needs someone to send a
 * copy for the new time, which an attribute in Entra cannot do. Every later event of the worker (a
 * mover, a joiner sent again, a leaver) changes this record; every copy of the carrier reads it.
 */

/** Stages in which the hire still waits for its account or its start: later events change it. */
export function awaitsStart(hire: PendingHire | undefined): hire is PendingHire {
  return hire !== undefined && (hire.stage === 'waiting' || hire.stage === 'created');
}

export function readPendingHire(event: Pick<LifecycleEvent, 'tenantId' | 'employee'>, ledger: Ledger): Promise<PendingHire | undefined> {
  return ledger.getPendingHire(employeeKey(event));
}

/** A new hire carried by `event` (a registration repeated for the same event keeps what it has). */
export async function registerHire(event: LifecycleEvent, ledger: Ledger, now: Date): Promise<PendingHire> {
  const fresh: PendingHire = { eventId: event.eventId, event, stage: 'waiting', revision: 0, changedBy: event.eventId, changedOccurredAt: event.occurredAt, updatedAt: now.toISOString() };
  return (await ledger.updatePendingHire(employeeKey(event), (current) => (current?.eventId === event.eventId ? undefined : fresh))) ?? fresh;
}

/** The carrier's own progress: its stage, and when its next copy comes (none once it is done). */
export async function markHire(hire: PendingHire, change: { stage?: PendingHire['stage']; nextCopyAt?: Date | null }, ledger: Ledger, now: Date): Promise<PendingHire> {
  const marked = await ledger.updatePendingHire(employeeKey(hire.event), (current) => {
    const base = current ?? hire;
    // Cancelled meanwhile (a leaver), or carried by another joiner now: the carrier's progress no longer counts.
    if (base.eventId !== hire.eventId || base.stage === 'cancelled') return undefined;
    const { nextCopyAt: _old, ...rest } = base;
    const next = change.nextCopyAt === undefined ? base.nextCopyAt : change.nextCopyAt?.toISOString();
    return { ...rest, ...(change.stage ? { stage: change.stage } : {}), ...(next ? { nextCopyAt: next } : {}), updatedAt: now.toISOString() };
  });
  return marked ?? hire;
}

/**
 * The carrier's joiner as a later event of the worker leaves it: the fields that event sends replace
 * the joiner's, the ones it clears go. A later hire date (or a joiner's effectiveAt) replaces the
 * start; a cleared hire date does not, since HR then says nothing about the start and the one it said
 * stays. The result is a valid event, for it travels as the carrier's copies' body.
 */
export function followedBy(joiner: LifecycleEvent, later: LifecycleEvent): LifecycleEvent {
  const sent = Object.fromEntries(Object.entries(later.employee).filter(([name, value]) => value !== undefined && !['clear', 'employeeId', 'accountEnabled'].includes(name)));
  const cleared = (later.employee.clear ?? []).filter((name) => name !== 'hireDate');
  const employee: Record<string, unknown> = { ...joiner.employee, ...sent };
  for (const name of cleared) delete employee[name];
  if (sent.userPrincipalName) delete employee.upnCandidates;
  if (sent.upnCandidates) delete employee.userPrincipalName;
  // What either cleared and nothing set since: an account made from this clears it too.
  const clear = [...new Set([...(joiner.employee.clear ?? []), ...cleared])].filter((name) => employee[name] === undefined);
  if (clear.length > 0) employee.clear = clear;
  else delete employee.clear;
  const moved = later.type === 'joiner' ? later.effectiveAt !== undefined || later.employee.hireDate !== undefined : later.employee.hireDate !== undefined;
  const effectiveAt = moved ? (later.type === 'joiner' ? later.effectiveAt : undefined) : joiner.effectiveAt;
  const { effectiveAt: _old, ...rest } = joiner;
  const merged = { ...rest, ...(effectiveAt ? { effectiveAt } : {}), employee: employee as Employee };
  const valid = lifecycleEventSchema.safeParse(merged);
  return valid.success ? valid.data : joiner;
}

/** What a later event did to the hire, for its own ledger and the carrier's. */
export interface FollowedHire {
  hire: PendingHire;
  start: HireStart | undefined;
  /** A copy of the carrier for sooner than its next one, when the change made the hire due sooner. */
  wake?: { event: LifecycleEvent; at: Date; phase: EventPhase; key: string };
  /** False when the event is older than what the hire already follows: nothing changed. */
  changed: boolean;
}

/**
 * Applies a later event of the worker to the hire. Repeated for the same event (a redelivery) it
 * changes nothing more and gives the same wake-up copy, whose id the revision makes its own.
 */
export async function followLaterEvent(later: LifecycleEvent, ledger: Ledger, settings: HireTimeSettings, now: Date): Promise<FollowedHire | undefined> {
  let outcome: FollowedHire | undefined;
  await ledger.updatePendingHire(employeeKey(later), (current) => {
    outcome = undefined;
    if (!awaitsStart(current) || current.eventId === later.eventId) return undefined;
    const again = current.changedBy === later.eventId;
    if (!again && new Date(later.occurredAt).getTime() < new Date(current.changedOccurredAt).getTime()) {
      outcome = { hire: current, start: hireStart(current.event, settings), changed: false };
      return undefined;
    }
    const event = again ? current.event : followedBy(current.event, later);
    const revision = again ? current.revision : current.revision + 1;
    const start = hireStart(event, settings);
    const phase: EventPhase = current.stage === 'waiting' ? 'pre-hire' : 'start';
    const dueAt = start ? (phase === 'pre-hire' ? start.preHireAt : start.startAt) : now;
    const at = new Date(Math.max(dueAt.getTime(), now.getTime()));
    const next = current.nextCopyAt ? new Date(current.nextCopyAt) : undefined;
    const wake = !next || at.getTime() < next.getTime() ? { event, at, phase, key: `${phase}.w${revision}` } : undefined;
    const { nextCopyAt: _next, ...rest } = current;
    const nextCopyAt = wake ? at : next;
    const hire: PendingHire = { ...rest, event, revision, changedBy: later.eventId, changedOccurredAt: again ? current.changedOccurredAt : later.occurredAt, updatedAt: now.toISOString(), ...(nextCopyAt ? { nextCopyAt: nextCopyAt.toISOString() } : {}) };
    outcome = { hire, start, ...(wake ? { wake } : {}), changed: true };
    return hire;
  });
  return outcome;
}

/** A leaver before the start: the hire is cancelled, and its carrier ends `skipped` (its copies then stop at the door). */
export async function cancelHire(leaver: LifecycleEvent, ledger: Ledger, now: Date): Promise<PendingHire | undefined> {
  let cancelled: PendingHire | undefined;
  await ledger.updatePendingHire(employeeKey(leaver), (current) => {
    cancelled = undefined;
    if (!awaitsStart(current)) return undefined;
    const { nextCopyAt: _none, ...rest } = current;
    cancelled = { ...rest, stage: 'cancelled', cancelledBy: leaver.eventId, changedBy: leaver.eventId, changedOccurredAt: leaver.occurredAt, updatedAt: now.toISOString() };
    return cancelled;
  });
  if (!cancelled) return undefined;
  const message = `the hire was cancelled by leaver ${leaver.eventId} before its start: the account is not enabled`;
  await ledger.update(cancelled.event, (record) => {
    if (isTerminal(record)) return record;
    const { nextAttemptAt: _due, ...rest } = record;
    return { ...rest, status: 'skipped', updatedAt: now.toISOString(), error: { code: 'HireCancelled', message } };
  });
  return cancelled;
}
