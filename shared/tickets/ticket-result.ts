import type { LifecycleEvent } from '../domain/events';
import type { EventRecord, StepRecord } from '../ledger/types';

/** The statuses an event ends in; a ticket hears of each end once. */
export const ENDED_STATUSES = ['succeeded', 'skipped', 'dead-lettered', 'failed'] as const;
export type EndedStatus = (typeof ENDED_STATUSES)[number];

export function hasEnded(record: Pick<EventRecord, 'status'>): record is Pick<EventRecord, 'status'> & { status: EndedStatus } {
  return (ENDED_STATUSES as readonly string[]).includes(record.status);
}

/**
 * Which end of the event this is: its status and the attempt that ended it. A redelivery of the
 * ended event finds the same record (same end, posted once); a replay that ends it again is a new
 * attempt, so a new end the ticket hears of too.
 */
export function endOf(record: Pick<EventRecord, 'status' | 'attempts'>): string {
  return `${record.status}.${record.attempts}`;
}

/** Bounds that keep a result well inside one Service Bus message (256 KB) whatever the steps say. */
const MAX_STEPS = 200;
const MAX_TEXT = 2_000;

/**
 * What a ticket system is told when the ticket's event ends: the ids to find the ticket by, the
 * outcome, why, and every step as the ledger recorded it. Built field by field from the ledger,
 * which never holds a secret (a reset's Temporary Access Pass goes only to the credential
 * channel), so no pass, token or key can reach a receiver. `writeBackId` is the same for every
 * post of one end: a receiver that got it already can drop the repeat.
 */
export interface TicketResult {
  kind: 'lifecycle-ticket-result';
  writeBackId: string;
  requestId: string;
  eventId: string;
  tenantId: string;
  type: LifecycleEvent['type'];
  /** An access ticket's change (add-group, reset-credential …). */
  action?: string;
  employeeId: string;
  status: EndedStatus;
  /** Why it did not succeed (or what it skipped), as the status view says it. */
  reason?: { step?: string; code: string; message: string };
  steps: Pick<StepRecord, 'name' | 'outcome' | 'detail' | 'startedAt' | 'durationMs' | 'error'>[];
  /** Operators' decisions on its holds (approve or reject, who, when, why). */
  approvals?: { decision: string; by: string; at: string; comment: string }[];
  acceptedAt: string;
  endedAt: string;
}

export function ticketResult(event: LifecycleEvent, record: EventRecord & { status: EndedStatus }): TicketResult {
  const requestId = event.ticket?.requestId ?? event.eventId;
  const reason = record.status === 'succeeded' || !record.error ? undefined : { ...(record.error.step ? { step: record.error.step } : {}), code: record.error.code, message: bounded(record.error.message) };
  return {
    kind: 'lifecycle-ticket-result',
    writeBackId: `${record.eventId}#${endOf(record)}`,
    requestId,
    eventId: record.eventId,
    tenantId: record.tenantId,
    type: record.type,
    ...(event.change ? { action: event.change.action } : {}),
    employeeId: event.employee.employeeId,
    status: record.status,
    ...(reason ? { reason } : {}),
    steps: record.steps.slice(0, MAX_STEPS).map(stepOf),
    ...(record.approvals?.length ? { approvals: record.approvals.map((a) => ({ decision: a.decision, by: a.by.name, at: a.at, comment: bounded(a.comment) })) } : {}),
    acceptedAt: record.acceptedAt,
    endedAt: record.updatedAt,
  };
}

function stepOf(step: StepRecord): TicketResult['steps'][number] {
  return {
    name: step.name,
    outcome: step.outcome,
    ...(step.detail !== undefined ? { detail: bounded(step.detail) } : {}),
    startedAt: step.startedAt,
    durationMs: step.durationMs,
    ...(step.error ? { error: { code: step.error.code, message: bounded(step.error.message) } } : {}),
  };
}

function bounded(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
