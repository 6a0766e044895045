import type { LifecycleEvent } from '../domain/events';
import type { ApprovalDecision, EventRecord, Ledger } from '../ledger/types';
import type { DeadLetters, DeadLetterSummary } from '../messaging/dead-letters';
import { RELEASE_PROPERTY, REPLAY_PROPERTY } from '../processing/settle';
import { GATE_CODES, GATE_STEPS, type GatedAction } from '../processing/steps/approval-gate';

/**
 * The mass-leaver hold as an approval: the leavers the guard held (shared/processing/steps/
 * mass-leaver-guard.ts dead-letters each with this reason, `<step>: <code>`), and an operator's
 * decision on one of them, kept in the event's ledger record with who made it. Approve resubmits
 * exactly that dead letter with the hold released, as a replay with `release: 'mass-leaver'`
 * does for all of them; reject ends the event `skipped` without touching the account, and its
 * dead letter is resubmitted without a release, so the copy finds the event ended and stops there
 * (nor can a later "release all" run it). One decision per event.
 */
export const MASS_LEAVER_HOLD_REASON = 'mass-leaver-guard: MassLeaverHold';

/**
 * The other holds: a destructive step a tenant's leaver policy gates (`needsApproval`, shared/
 * processing/steps/approval-gate.ts). The decision is kept in the record, and either way the dead
 * letter goes back as a plain replay: the step reads the decision (approved: it runs; rejected: a
 * deletion is skipped, a wipe becomes a retire) and the rest of the leaver goes on.
 */
const GATE_REASONS = Object.fromEntries((Object.keys(GATE_STEPS) as GatedAction[]).map((a) => [`${GATE_STEPS[a]}: ${GATE_CODES[a]}`, a])) as Record<string, GatedAction>;

export type HoldKind = ApprovalDecision['kind'];

function holdKindOf(reason: string): HoldKind | undefined {
  return reason === MASS_LEAVER_HOLD_REASON ? 'mass-leaver' : GATE_REASONS[reason];
}

export const REJECTED_CODE = 'MassLeaverRejected';

export interface HeldLeaver {
  /** What waits for the decision: the whole leaver (mass-leaver) or one destructive step (delete, wipe). */
  kind: HoldKind;
  eventId: string;
  employeeId: string;
  tenantId: string;
  /** The guard's words: how many leavers in how long, against which threshold. */
  reason: string;
  heldAt: string;
  messageId: string;
}

export interface ApprovalDeps {
  deadLetters: DeadLetters;
  ledger: Ledger;
  /** The processing queue, where held leavers are dead-lettered. */
  queue: string;
  now: () => Date;
}

/** Held leavers no one has decided on yet, oldest first; one tenant's with `tenantId`. */
export async function listHeldLeavers(deps: Omit<ApprovalDeps, 'now'>, tenantId?: string): Promise<HeldLeaver[]> {
  const letters = await heldLetters(deps, tenantId);
  const held: HeldLeaver[] = [];
  for (const [eventId, letter] of letters) {
    const kind = holdKindOf(letter.reason) as HoldKind;
    const record = await deps.ledger.get(eventId);
    // Decided (a rejection's copy not yet through), or released another way (a replay) and running again.
    if (!record || decisionOn(record, kind) || record.status !== 'dead-lettered') continue;
    held.push({
      kind,
      eventId,
      employeeId: letter.employeeId ?? '',
      tenantId: letter.tenantId,
      reason: letter.description,
      heldAt: record.updatedAt,
      messageId: letter.messageId,
    });
  }
  return held.sort((a, b) => a.heldAt.localeCompare(b.heldAt));
}

export type DecisionInput = Pick<ApprovalDecision, 'decision' | 'comment'>;

export type DecisionResult =
  | { ok: true; eventId: string; decision: ApprovalDecision; resubmitted: string }
  | { ok: false; status: 404 | 409; error: string };

/** Records one operator's decision on one held leaver, then releases or ends exactly that leaver. */
export async function decideHeldLeaver(eventId: string, input: DecisionInput, by: ApprovalDecision['by'], deps: ApprovalDeps): Promise<DecisionResult> {
  const record = await deps.ledger.get(eventId);
  if (!record) return { ok: false, status: 404, error: `no event ${eventId}` };
  const letter = (await heldLetters(deps, record.tenantId)).get(eventId);
  const kind = letter ? holdKindOf(letter.reason) : undefined;
  const earlier = kind ? decisionOn(record, kind) : record.approvals?.find((a) => a.kind === 'mass-leaver');
  if (earlier) return { ok: false, status: 409, error: alreadyDecided(earlier) };
  if (!letter || !kind || record.status !== 'dead-lettered') {
    return { ok: false, status: 409, error: `event ${eventId} is not held for approval (it is ${record.status}); nothing was changed` };
  }

  const decision = decisionOf(input, by, deps.now(), kind);
  const refused = await recordDecision(record, decision, deps.ledger);
  if (refused) return { ok: false, status: 409, error: refused };

  const releases = kind === 'mass-leaver' && decision.decision === 'approve';
  const properties: Record<string, string | boolean> = { [REPLAY_PROPERTY]: true, ...(releases ? { [RELEASE_PROPERTY]: 'mass-leaver' } : {}) };
  const { resubmitted } = await deps.deadLetters.resubmit(deps.queue, { messageId: letter.messageId }, properties);
  if (resubmitted.length === 0 && (decision.decision === 'approve' || kind !== 'mass-leaver')) {
    // Replayed by someone else between the decision and the resubmit, perhaps without the release:
    // this approval released nothing, so it must not stand in the way of the next decision.
    await deps.ledger.update(keyOf(record), (r) => withoutDecision(r, decision));
    return { ok: false, status: 409, error: `event ${eventId} was replayed from the dead-letter queue meanwhile; nothing was approved` };
  }
  // A rejection stands either way: a replayed copy finds the event ended and stops.
  return { ok: true, eventId, decision, resubmitted: letter.messageId };
}

export interface ReleaseResult {
  /** The dead letters resubmitted with the hold lifted. */
  released: string[];
  /** The approval each released event now has in the ledger, with who gave it. */
  approvals: { eventId: string; by: ApprovalDecision['by'] }[];
  /** Named (or held) but not released, and why: not a hold, decided already, replayed meanwhile. */
  notReleased: { messageId: string; why: string }[];
}

/**
 * A release of held leavers from the stuck view (a selection, or all of a tenant's): each one is
 * an approval, recorded as `decideHeldLeaver` records one, with who released it and why, before
 * its dead letter goes back — in one pass over the dead-letter queue for all of them. A hold that
 * was decided already, or that is not the newest dead letter of its event, stays where it is.
 */
export async function releaseHeldLeavers(selection: { messageIds?: readonly string[]; tenantId?: string }, comment: string, by: ApprovalDecision['by'], deps: ApprovalDeps): Promise<ReleaseResult> {
  const named = (id: string) => selection.messageIds === undefined || selection.messageIds.includes(id);
  const all = (await deps.deadLetters.list(deps.queue)).filter((d) => d.reason === MASS_LEAVER_HOLD_REASON && named(d.messageId) && (selection.tenantId === undefined || d.tenantId === selection.tenantId));
  const newest = [...newestByEvent(all).values()];
  const newestIds = new Set(newest.map((l) => l.messageId));
  const notReleased = [
    ...(selection.messageIds ?? []).filter((id) => !all.some((d) => d.messageId === id)).map((messageId) => ({ messageId, why: 'not a mass-leaver hold on this queue (another reason, another tenant, or gone)' })),
    ...all.filter((d) => !newestIds.has(d.messageId)).map((d) => ({ messageId: d.messageId, why: d.eventId ? `an earlier dead letter of event ${d.eventId}: its newest one is the hold` : 'the dead letter names no event' })),
  ];
  const decided: { letter: DeadLetterSummary; record: EventRecord; decision: ApprovalDecision }[] = [];
  for (const letter of newest) {
    const record = await deps.ledger.get(letter.eventId as string);
    const decision = decisionOf({ decision: 'approve', comment }, by, deps.now(), 'mass-leaver');
    const refused = record ? await recordDecision(record, decision, deps.ledger) : `no event ${letter.eventId} in the ledger`;
    if (refused) notReleased.push({ messageId: letter.messageId, why: refused });
    else decided.push({ letter, record: record as EventRecord, decision });
  }
  // Who released travels with the copy too, as a console replay's does.
  const properties = { [REPLAY_PROPERTY]: true, [RELEASE_PROPERTY]: 'mass-leaver', replayedBy: by.oid ?? by.name };
  const { resubmitted } = decided.length ? await deps.deadLetters.resubmit(deps.queue, { messageIds: decided.map((d) => d.letter.messageId) }, properties) : { resubmitted: [] };
  const approvals: ReleaseResult['approvals'] = [];
  for (const { letter, record, decision } of decided) {
    if (resubmitted.includes(letter.messageId)) {
      approvals.push({ eventId: record.eventId, by: decision.by });
      continue;
    }
    // Replayed by someone else meanwhile: this approval released nothing, so it is taken back.
    await deps.ledger.update(keyOf(record), (r) => withoutDecision(r, decision));
    notReleased.push({ messageId: letter.messageId, why: `event ${record.eventId} was replayed from the dead-letter queue meanwhile; nothing was approved` });
  }
  return { released: resubmitted, approvals, notReleased };
}

function decisionOf(input: DecisionInput, by: ApprovalDecision['by'], at: Date, kind: HoldKind): ApprovalDecision {
  return { kind, decision: input.decision, by: { name: by.name, ...(by.oid ? { oid: by.oid } : {}) }, at: at.toISOString(), comment: input.comment };
}

/** Keeps the decision in the event's record; the refusal's words when it is decided already or no longer held. */
async function recordDecision(record: EventRecord, decision: ApprovalDecision, ledger: Ledger): Promise<string | undefined> {
  try {
    await ledger.update(keyOf(record), (r) => {
      // Read again under the record's ETag: of two operators deciding at once, one wins.
      const other = decisionOn(r, decision.kind);
      if (other) throw new NotDecidable(alreadyDecided(other));
      if (r.status !== 'dead-lettered') throw new NotDecidable(`event ${r.eventId} is no longer held (it is ${r.status}: replayed meanwhile); nothing was decided`);
      return withDecision(r, decision);
    });
    return undefined;
  } catch (error) {
    if (error instanceof NotDecidable) return error.message;
    throw error;
  }
}

/** The dead letters held for approval, by event, the newest of each (an event's newest dead letter is where it stands). */
async function heldLetters(deps: Pick<ApprovalDeps, 'deadLetters' | 'queue'>, tenantId: string | undefined): Promise<Map<string, DeadLetterSummary>> {
  const byEvent = newestByEvent((await deps.deadLetters.list(deps.queue)).filter((d) => tenantId === undefined || d.tenantId === tenantId));
  return new Map([...byEvent].filter(([, letter]) => holdKindOf(letter.reason) !== undefined));
}

function newestByEvent(letters: readonly DeadLetterSummary[]): Map<string, DeadLetterSummary> {
  const byEvent = new Map<string, DeadLetterSummary>();
  for (const letter of letters.filter((d) => d.eventId)) {
    const seen = byEvent.get(letter.eventId as string);
    if (!seen || (letter.enqueuedAt ?? '') >= (seen.enqueuedAt ?? '')) byEvent.set(letter.eventId as string, letter);
  }
  return byEvent;
}

function decisionOn(record: EventRecord, kind: HoldKind): ApprovalDecision | undefined {
  return record.approvals?.find((a) => a.kind === kind);
}

function withDecision(record: EventRecord, decision: ApprovalDecision): EventRecord {
  const approvals = [...(record.approvals ?? []), decision];
  // A gated step's decision is applied by the step itself, when the replayed copy reaches it.
  if (decision.decision === 'approve' || decision.kind !== 'mass-leaver') return { ...record, approvals };
  const { nextAttemptAt: _none, ...rest } = record;
  return {
    ...rest,
    approvals,
    status: 'skipped',
    updatedAt: decision.at,
    error: { step: 'mass-leaver-guard', code: REJECTED_CODE, message: `held by the mass-leaver guard and rejected by ${decision.by.name}; the account was not changed` },
  };
}

/** Takes back an approval that released nothing (an approval changes nothing else). */
function withoutDecision(record: EventRecord, decision: ApprovalDecision): EventRecord {
  const approvals = (record.approvals ?? []).filter((a) => !(a.kind === decision.kind && a.at === decision.at && a.by.name === decision.by.name));
  const { approvals: _all, ...rest } = record;
  return approvals.length > 0 ? { ...rest, approvals } : rest;
}

class NotDecidable extends Error {}

function alreadyDecided(decision: ApprovalDecision): string {
  return `this hold was already ${decision.decision === 'approve' ? 'approved' : 'rejected'} by ${decision.by.name} at ${decision.at}; a decision is made once`;
}

/** The ledger finds a record by eventId; the rest would only shape a record it creates, which it never does here. */
function keyOf(record: EventRecord): LifecycleEvent {
  const employeeId = record.employeeKey.slice(record.employeeKey.indexOf(':') + 1);
  return { eventId: record.eventId, tenantId: record.tenantId, type: record.type, source: 'hr-json', occurredAt: record.occurredAt, employee: { employeeId } } as LifecycleEvent;
}
