import { eventFingerprint, type LifecycleEvent, type LifecycleEventType } from '../domain/events';
import type { LeaverSnapshots } from './leaver-snapshots';

export const EVENT_STATUSES = ['queued', 'processing', 'succeeded', 'failed', 'dead-lettered', 'skipped'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export type StepOutcome = 'done' | 'already-done' | 'pending' | 'skipped' | 'failed' | 'planned';

/** One reconciliation step as operators see it in `GET /api/events/{eventId}`. */
export interface StepRecord {
  name: string;
  outcome: StepOutcome;
  /** Human-readable: what was changed, or why nothing was. Never holds secrets. */
  detail?: string;
  startedAt: string;
  durationMs: number;
  /** A dated step (a hire's start, a leave date): when it is due, so service levels count from then. */
  dueAt?: string;
  error?: { code: string; message: string };
}

export interface EventRecord {
  eventId: string;
  tenantId: string;
  type: LifecycleEventType;
  employeeKey: string;
  status: EventStatus;
  occurredAt: string;
  acceptedAt: string;
  updatedAt: string;
  /** How many processing attempts have started (redeliveries and scheduled retries included). */
  attempts: number;
  steps: StepRecord[];
  /** What the event says (`eventFingerprint`): a later event under this id must say the same. Absent on older records. */
  fingerprint?: string;
  /** While queued for a later try (a retry, a wait behind the worker's lane, a deferral, a due date): when it is due. */
  nextAttemptAt?: string;
  /** Directory object id once known, so a redelivery resumes against the same user. */
  userId?: string;
  /** While a custom step waits for its callback (shared/processing/custom-steps). Never shown in a status view. */
  customStepWait?: CustomStepWait;
  /** Operators' decisions on the event's holds (shared/console/approvals), oldest first. */
  approvals?: ApprovalDecision[];
  /** A ticket's event: its result's write-back to the ticket system (shared/tickets), for its latest end. */
  ticketWriteBack?: TicketWriteBack;
  error?: { step?: string; code: string; message: string };
}

/** One operator's decision on a hold: who (the console principal's name and object id), when, and why. */
export interface ApprovalDecision {
  /** What was held: the mass-leaver guard, or a destructive step the leaver policy gates (`needsApproval`). */
  kind: 'mass-leaver' | 'delete' | 'wipe';
  decision: 'approve' | 'reject';
  by: { name: string; oid?: string };
  at: string;
  comment: string;
}

/**
 * Where a ticket's result stands for one end of its event (`end`: `<status>.<attempts>`, so a
 * replayed event that ends again posts again, while a redelivery of the same end does not). Names
 * the receiver's host only: a callback URL may carry the receiver's own credential.
 */
export interface TicketWriteBack {
  end: string;
  status: 'queued' | 'posted' | 'retrying' | 'dead-lettered' | 'not-configured';
  queuedAt: string;
  updatedAt: string;
  host?: string;
  /** Posts tried for this end. */
  attempts: number;
  /** Why the last post did not get through: the receiver's status, never a value of ours. */
  error?: string;
}

/**
 * The custom step an event waits for (or waited for last): what its callback is checked against,
 * the callback once it came, and while it waits the event itself, so the callback can put a copy of
 * it back on the queue (the event body lives nowhere else the callback can read). Holds no secret:
 * the callback token is derived from the step's secret when needed, never kept.
 */
export interface CustomStepWait {
  /** The ledger step, `custom:<name>`. */
  step: string;
  point: string;
  callId: string;
  /** Set once the receiver acknowledged the call; until then a redelivery calls again. */
  calledAt?: string;
  deadline?: string;
  callback?: { outcome: 'succeeded' | 'failed'; message?: string; at: string };
  /** Until the wait ends: the event, for the callback's copy. */
  event?: LifecycleEvent;
  /** When the flow took the callback or gave up at the deadline; kept so a repeated callback gets the same answer. */
  endedAt?: string;
}

/**
 * One worker's events that must wait for an earlier one. A retry leaves the session's FIFO (it is
 * a scheduled copy), so later events of the same worker queue here behind it instead of
 * overtaking it; `order[0]` is the event allowed to run.
 */
export interface EmployeeLane {
  order: string[];
  /** When the head's next attempt is due, so waiting events wake just after it. */
  headDueAt?: string;
}

/**
 * A future-dated hire of one worker (shared/processing/pre-hire): the joiner that carries it, that
 * joiner as later events of the worker left it (a mover's new hire date, a re-sent joiner's
 * department), and how far it got. Its copies read this when they come, so a date moved or a hire
 * cancelled after they were scheduled is followed. Holds no secret.
 */
export interface PendingHire {
  /** The joiner whose scheduled copies create and start the account; any other event only changes this. */
  eventId: string;
  event: LifecycleEvent;
  /** `waiting`: no account yet; `created`: made, sign-in off; `started`: enabled (or not ours to enable); `cancelled`: a leaver came first. */
  stage: 'waiting' | 'created' | 'started' | 'cancelled';
  /** When the carrier's next copy is due: a change that makes the hire due sooner sends one for then. */
  nextCopyAt?: string;
  /** Counts the changes later events made, so each one's wake-up copy has an id of its own. */
  revision: number;
  /** The event that changed it last, and when that event happened in HR (an older one does not undo it). */
  changedBy: string;
  changedOccurredAt: string;
  cancelledBy?: string;
  updatedAt: string;
}

/** Where event outcomes are recorded; Table Storage in Azure and locally (Azurite). */
export interface Ledger {
  /** Records an accepted event unless it is already known (a re-post must not reset progress). */
  recordAccepted(event: LifecycleEvent, acceptedAt: Date): Promise<void>;
  get(eventId: string): Promise<EventRecord | undefined>;
  /**
   * Read-modify-write with optimistic concurrency; `change` may run more than once.
   * Creates the record from `event` when it does not exist yet.
   */
  update(event: LifecycleEvent, change: (record: EventRecord) => EventRecord): Promise<EventRecord>;
  /** Notes that a leaver is about to change a tenant (idempotent per event), for the mass-leaver guard. */
  recordLeaverApplied(tenantId: string, eventId: string, at: Date): Promise<void>;
  /** Leavers of a tenant noted at or after `since`, other than `exceptEventId`. */
  countLeaversSince(tenantId: string, since: Date, exceptEventId?: string): Promise<number>;
  /**
   * The mass-leaver guard's decision, one at a time across instances: admits the leaver (and notes
   * it) when it and the others admitted since `since` are at most `threshold`, or with `force` (a
   * released hold); otherwise notes nothing. A leaver admitted before is admitted again.
   */
  admitLeaver(tenantId: string, eventId: string, since: Date, threshold: number, at: Date, force?: boolean): Promise<{ admitted: boolean; others: number }>;
  getLane(employeeKey: string): Promise<EmployeeLane>;
  /** Read-modify-write with optimistic concurrency; `change` may run more than once. */
  updateLane(employeeKey: string, change: (lane: EmployeeLane) => EmployeeLane): Promise<EmployeeLane>;
  /** The worker's future-dated hire, if one was registered (shared/processing/pre-hire). */
  getPendingHire(employeeKey: string): Promise<PendingHire | undefined>;
  /** Read-modify-write with optimistic concurrency; `change` may run more than once, and returns undefined to write nothing. */
  updatePendingHire(employeeKey: string, change: (hire: PendingHire | undefined) => PendingHire | undefined): Promise<PendingHire | undefined>;
  /** Leavers' state before their first change, kept with their events for an undo. */
  readonly snapshots: LeaverSnapshots;
}

export function newEventRecord(event: LifecycleEvent, acceptedAt: Date, employeeKey: string): EventRecord {
  const at = acceptedAt.toISOString();
  return {
    eventId: event.eventId,
    tenantId: event.tenantId,
    type: event.type,
    employeeKey,
    status: 'queued',
    occurredAt: event.occurredAt,
    acceptedAt: at,
    updatedAt: at,
    attempts: 0,
    steps: [],
    fingerprint: eventFingerprint(event),
  };
}
