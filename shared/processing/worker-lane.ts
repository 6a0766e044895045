import { employeeKey, type LifecycleEvent } from '../domain/events';
import type { EventRecord, Ledger } from '../ledger/types';
import type { ProcessOutcome } from './outcome';

/**
 * One worker's events apply in order. Service Bus sessions keep that order until an event is
 * retried, deferred or made to wait: its copy is scheduled and leaves the session's FIFO. The
 * worker's lane (in the ledger) then holds it at the head, and later events of the worker queue
 * behind it — except a leaver, which supersedes what is in front of it: offboarding is the
 * security-critical path and never waits behind a mover, an access ticket or a licence shortage.
 */

const TERMINAL = new Set(['succeeded', 'skipped', 'dead-lettered']);
/** A waiter looks again at least this often, however far off the head's next try is (a head may end early: superseded, replayed, released). */
export const MAX_WAIT_BEFORE_RECHECK_MS = 30_000;
/** Events a leaver supersedes when they stand in front of it. A leaver in front is not superseded: it runs first. */
const SUPERSEDED_BY_LEAVER = new Set<LifecycleEvent['type']>(['joiner', 'mover', 'rehire', 'access']);

export interface LaneDeps {
  ledger: Ledger;
  now: () => Date;
}

export type LaneCheck = { waiting: ProcessOutcome } | { inLane: boolean; superseded: string[] };

export function isTerminal(record: EventRecord | undefined): boolean {
  return record !== undefined && TERMINAL.has(record.status);
}

/** May this event run now? Either it may (and whether it stands in the lane), or it waits, with when to look again. */
export async function checkLane(event: LifecycleEvent, deps: LaneDeps): Promise<LaneCheck> {
  const key = employeeKey(event);
  let lane = await deps.ledger.getLane(key);
  const ahead = lane.order.slice(0, Math.max(0, lane.order.indexOf(event.eventId) === -1 ? lane.order.length : lane.order.indexOf(event.eventId)));
  if (ahead.length === 0) return { inLane: lane.order.length > 0, superseded: [] };

  // Heads that finished but were not taken out (a crash between the two), or that a leaver supersedes, make way.
  const records = new Map(await Promise.all(ahead.map(async (id) => [id, await deps.ledger.get(id)] as const)));
  const finished = ahead.filter((id) => isTerminal(records.get(id)));
  const superseded = event.type === 'leaver' ? ahead.filter((id) => !finished.includes(id) && supersedable(records.get(id))) : [];
  for (const id of superseded) await markSuperseded(id, records.get(id) as EventRecord, event, deps);
  const gone = new Set([...finished, ...superseded]);
  if (gone.size > 0) lane = await deps.ledger.updateLane(key, (l) => withoutEvents(l, gone));

  const head = lane.order[0];
  if (head === undefined || head === event.eventId) return { inLane: head !== undefined, superseded };
  if (!lane.order.includes(event.eventId)) {
    await deps.ledger.updateLane(key, (l) => ({ ...l, order: l.order.includes(event.eventId) ? l.order : [...l.order, event.eventId] }));
  }
  const now = deps.now().getTime();
  const headDue = lane.headDueAt ? new Date(lane.headDueAt).getTime() : now;
  const at = new Date(Math.min(Math.max(now, headDue) + 1_000, now + MAX_WAIT_BEFORE_RECHECK_MS));
  const reason = `waiting for earlier event ${head} of this worker (being retried)`;
  const record = await deps.ledger.update(event, (r) => ({
    ...r,
    status: 'queued',
    updatedAt: deps.now().toISOString(),
    nextAttemptAt: at.toISOString(),
    error: { code: 'WaitingForEarlierEvent', message: reason },
  }));
  return { waiting: { kind: 'waiting', record, at, reason } };
}

function supersedable(record: EventRecord | undefined): boolean {
  return record !== undefined && !isTerminal(record) && SUPERSEDED_BY_LEAVER.has(record.type);
}

/** The earlier event ends `skipped`; its scheduled copy, when it comes, finds it finished and does nothing. */
async function markSuperseded(eventId: string, record: EventRecord, leaver: LifecycleEvent, deps: LaneDeps): Promise<void> {
  const message = `superseded by leaver ${leaver.eventId}: the worker is leaving, so this ${record.type} was not finished`;
  await deps.ledger.update({ ...leaver, eventId, type: record.type }, (r) => {
    if (isTerminal(r)) return r;
    const { nextAttemptAt: _none, ...rest } = r;
    return { ...rest, status: 'skipped', updatedAt: deps.now().toISOString(), error: { code: 'SupersededByLeaver', message } };
  });
}

function withoutEvents(lane: { order: string[]; headDueAt?: string }, gone: ReadonlySet<string>): { order: string[]; headDueAt?: string } {
  const order = lane.order.filter((id) => !gone.has(id));
  // The head's due time belongs to the head: when it goes, so does its time.
  return order.length > 0 && order[0] === lane.order[0] && lane.headDueAt ? { order, headDueAt: lane.headDueAt } : { order };
}

/**
 * Takes a finished event out of its worker's lane, so the events waiting behind it may run.
 * `inLane: false` (it was not in the lane when it started, and only the event itself can enter
 * it) skips the read: most events never see a lane.
 */
export async function leaveLane(event: LifecycleEvent, deps: LaneDeps, inLane: boolean | undefined): Promise<void> {
  if (inLane === false) return;
  const key = employeeKey(event);
  const lane = await deps.ledger.getLane(key);
  if (!lane.order.includes(event.eventId)) return;
  await deps.ledger.updateLane(key, (l) => withoutEvents(l, new Set([event.eventId])));
}

/** A retried event holds the head of its lane until its next try, so later events queue behind it. */
export async function holdHead(event: LifecycleEvent, until: Date, deps: LaneDeps): Promise<void> {
  await deps.ledger.updateLane(employeeKey(event), (lane) => ({ order: [event.eventId, ...lane.order.filter((id) => id !== event.eventId)], headDueAt: until.toISOString() }));
}

/**
 * A deferred event leaves the session's FIFO too: at the head of an empty lane (or staying
 * there), else behind the events already waiting.
 */
export async function holdPlace(event: LifecycleEvent, until: Date, deps: LaneDeps): Promise<void> {
  await deps.ledger.updateLane(employeeKey(event), (lane) =>
    lane.order.length === 0 || lane.order[0] === event.eventId
      ? { order: [event.eventId, ...lane.order.filter((id) => id !== event.eventId)], headDueAt: until.toISOString() }
      : { ...lane, order: lane.order.includes(event.eventId) ? lane.order : [...lane.order, event.eventId] },
  );
}
