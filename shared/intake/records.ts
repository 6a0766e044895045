import type * as z from 'zod';
import { eventFingerprint, lifecycleEventSchema, toFieldIssues, type FieldIssue, type LifecycleEvent } from '../domain/events';

/** What every intake returns: all events of the request, or every problem found in it. */
export type IntakeResult = { ok: true; events: LifecycleEvent[] } | { ok: false; issues: FieldIssue[] };

export type Validated = { ok: true; event: LifecycleEvent } | { ok: false; issues: FieldIssue[] };

/**
 * Validates one normalised candidate against the canonical schema. `fieldName` turns the
 * canonical dotted path (e.g. `employee.hireDate`) into the name the sender knows (a CSV
 * column, a SCIM attribute path). Issues never carry the offending value.
 */
export function validateCandidate(candidate: unknown, record: number | undefined, fieldName: (path: string) => string = (p) => p): Validated {
  const parsed = lifecycleEventSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, event: parsed.data };
  return { ok: false, issues: remap(parsed.error, record, fieldName) };
}

function remap(error: z.ZodError, record: number | undefined, fieldName: (path: string) => string): FieldIssue[] {
  return toFieldIssues(error, record).map((issue) => ({ ...issue, field: fieldName(issue.field) }));
}

/** The request-level checks every format shares: at least one record, at most `maxRecords`. */
export function checkRecordCount(count: number, maxRecords: number): FieldIssue[] {
  if (count === 0) return [{ field: '(body)', message: 'contains no records' }];
  if (count > maxRecords) {
    return [{ field: '(body)', message: `contains ${count} records; at most ${maxRecords} are accepted per request` }];
  }
  return [];
}

/**
 * Records with the same eventId and the same content are one event (sent twice): the later one
 * takes the later position. Everything else keeps the request order, which is the order events
 * for one employee are queued (and processed) in.
 */
export function dedupeEvents(events: LifecycleEvent[]): LifecycleEvent[] {
  const lastIndex = new Map<string, number>();
  events.forEach((event, index) => lastIndex.set(event.eventId, index));
  return events.filter((event, index) => lastIndex.get(event.eventId) === index);
}

/** A record whose eventId an earlier record of the request already used for something else. */
function eventIdReuse(results: Validated[]): FieldIssue[] {
  const first = new Map<string, { record: number; fingerprint: string }>();
  const issues: FieldIssue[] = [];
  results.forEach((result, record) => {
    if (!result.ok) return;
    const fingerprint = eventFingerprint(result.event);
    const earlier = first.get(result.event.eventId);
    if (!earlier) first.set(result.event.eventId, { record, fingerprint });
    else if (earlier.fingerprint !== fingerprint) {
      issues.push({ record, field: 'eventId', message: `repeats the eventId of record ${earlier.record} for a different event; each event needs its own eventId` });
    }
  });
  return issues;
}

/** Collects per-record results (one per record, in record order) into one all-or-nothing result. */
export function collect(results: Validated[], extraIssues: FieldIssue[] = []): IntakeResult {
  const issues = [...extraIssues, ...results.flatMap((r) => (r.ok ? [] : r.issues)), ...eventIdReuse(results)];
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, events: dedupeEvents(results.flatMap((r) => (r.ok ? [r.event] : []))) };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A source value as text: trimmed strings and numbers become strings, blanks become absent.
 * Anything else is passed through unchanged so schema validation reports it at its field.
 */
export function text(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  return value;
}

/** Drops undefined properties so derived ids and outputs only contain what was sent. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
