import { employeeKey, type LifecycleEvent } from '../domain/events';
import type { EventRecord, Ledger } from '../ledger/types';
import type { LeaverSnapshot, SnapshotSummary } from '../ledger/leaver-snapshots';
import type { EventIndex } from './event-index';

/** A worker's events are read one record each: the timeline stops here and says so. */
export const TIMELINE_MAX = 200;
const READ_CONCURRENCY = 16;

/**
 * One event as the timeline shows it: every step with its outcome, detail (what it changed in
 * Graph, or why not), start and duration, and why the event waited or failed. Never the event's
 * body (a custom step's wait keeps one: personal data the console does not need).
 */
export interface EventDetail {
  eventId: string;
  type: EventRecord['type'];
  status: EventRecord['status'];
  occurredAt: string;
  acceptedAt: string;
  updatedAt: string;
  attempts: number;
  /** Accepted → last change, for a finished event. */
  durationMs?: number;
  steps: EventRecord['steps'];
  error?: EventRecord['error'];
  nextAttemptAt?: string;
  /** Why it waits, when it does: the error of a queued event (behind another event, a retry) or a custom step's callback. */
  waiting?: { reason: string; until?: string };
  approvals?: EventRecord['approvals'];
  ticketWriteBack?: EventRecord['ticketWriteBack'];
}

export interface WorkerTimeline {
  employeeId: string;
  tenantId: string;
  events: EventDetail[];
  truncated?: boolean;
  snapshot?: { summary: SnapshotSummary; parts: LeaverSnapshot['parts']; userPrincipalName: string };
}

const FINISHED = new Set(['succeeded', 'skipped', 'dead-lettered', 'failed']);

export function eventDetail(record: EventRecord): EventDetail {
  const wait = record.customStepWait && !record.customStepWait.endedAt
    ? { reason: `waiting for the callback of ${record.customStepWait.step}`, ...(record.customStepWait.deadline ? { until: record.customStepWait.deadline } : {}) }
    : record.status === 'queued' && record.error
      ? { reason: record.error.message, ...(record.nextAttemptAt ? { until: record.nextAttemptAt } : {}) }
      : undefined;
  return {
    eventId: record.eventId,
    type: record.type,
    status: record.status,
    occurredAt: record.occurredAt,
    acceptedAt: record.acceptedAt,
    updatedAt: record.updatedAt,
    attempts: record.attempts,
    ...(FINISHED.has(record.status) ? { durationMs: Math.max(0, Date.parse(record.updatedAt) - Date.parse(record.acceptedAt)) } : {}),
    steps: record.steps,
    ...(record.error ? { error: record.error } : {}),
    ...(record.nextAttemptAt ? { nextAttemptAt: record.nextAttemptAt } : {}),
    ...(wait ? { waiting: wait } : {}),
    ...(record.approvals ? { approvals: record.approvals } : {}),
    ...(record.ticketWriteBack ? { ticketWriteBack: record.ticketWriteBack } : {}),
  };
}

async function readAll(ledger: Ledger, ids: readonly string[]): Promise<EventRecord[]> {
  const records: EventRecord[] = [];
  for (let i = 0; i < ids.length; i += READ_CONCURRENCY) {
    const batch = await Promise.all(ids.slice(i, i + READ_CONCURRENCY).map((id) => ledger.get(id)));
    records.push(...batch.filter((r): r is EventRecord => r !== undefined));
  }
  return records;
}

/** Every event of one worker of one tenant, oldest first, and the newest leaver snapshot if one was kept. */
export async function workerTimeline(deps: { ledger: Ledger; index: EventIndex }, tenantId: string, employeeId: string): Promise<WorkerTimeline> {
  const key = employeeKey({ tenantId, employee: { employeeId } } as Pick<LifecycleEvent, 'tenantId' | 'employee'>);
  const ids = await deps.index.eventsOfWorker(key, TIMELINE_MAX + 1);
  const records = await readAll(deps.ledger, ids.slice(0, TIMELINE_MAX));
  const events = records
    .filter((r) => r.tenantId === tenantId)
    .sort((a, b) => a.acceptedAt.localeCompare(b.acceptedAt) || a.occurredAt.localeCompare(b.occurredAt))
    .map(eventDetail);
  const [newest] = await deps.ledger.snapshots.list(tenantId, employeeId);
  const snapshot = newest ? await deps.ledger.snapshots.get(tenantId, employeeId, newest.leaverEventId) : undefined;
  return {
    employeeId,
    tenantId,
    events,
    ...(ids.length > TIMELINE_MAX ? { truncated: true } : {}),
    ...(newest && snapshot ? { snapshot: { summary: newest, parts: snapshot.parts, userPrincipalName: snapshot.userPrincipalName } } : {}),
  };
}
