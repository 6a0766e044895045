import * as z from 'zod';
import { EVENT_TYPES } from '../domain/events';
import { EVENT_STATUSES } from '../ledger/types';
import { tenantKeySchema } from '../tenancy/tenant';
import { decodeCursor, type EventIndex, type EventQuery, type EventSummary, type IndexedEvent } from './event-index';

/** The page's list: a bounded page, and counts per status over the same filter (not the status itself). */
export const PAGE_DEFAULT = 100;
export const PAGE_MAX = 500;
/** Counting stops here; the answer says so rather than scanning a year of events per poll. */
export const COUNT_MAX = 50_000;
/** Default range: today and the six days before. */
export const DEFAULT_DAYS = 7;
export const MAX_DAYS = 92;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'is not a calendar day');

/** The registry's own rule for a tenant key. */
export { tenantKeySchema };
export const employeeIdSchema = z.string().min(1).max(200);

export const eventsQuerySchema = z
  .object({
    tenant: tenantKeySchema.optional(),
    type: z.enum(EVENT_TYPES).optional(),
    status: z.enum(EVENT_STATUSES).optional(),
    employeeId: employeeIdSchema.optional(),
    from: day.optional(),
    to: day.optional(),
    limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(PAGE_DEFAULT),
    after: z.string().max(400).refine((v) => decodeCursor(v) !== undefined, 'is not a cursor this route gave').optional(),
    /** Live polling: only events changed after this instant (the `latest` of the previous answer). */
    since: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export type EventsQuery = z.infer<typeof eventsQuerySchema>;

/** The day range a query covers; refused when reversed or longer than MAX_DAYS. */
export function dayRange(query: { from?: string; to?: string }, now: Date): { fromDay: string; toDay: string } | { error: string } {
  const toDay = query.to ?? now.toISOString().slice(0, 10);
  const fromDay = query.from ?? new Date(Date.parse(`${toDay}T00:00:00Z`) - (DEFAULT_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const days = (Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / 86_400_000 + 1;
  if (days < 1) return { error: 'from must not be after to' };
  if (days > MAX_DAYS) return { error: `a range covers at most ${MAX_DAYS} days` };
  return { fromDay, toDay };
}

export interface EventsAnswer {
  events: EventSummary[];
  counts: Record<string, number>;
  countsTruncated?: boolean;
  next?: string;
  /** The newest updatedAt among the events: the page's next `since`. */
  latest?: string;
  range: { from: string; to: string };
}

export function publicSummary(event: IndexedEvent): EventSummary {
  const { employeeKey: _key, productiveSeconds: _p, deprovisionedSeconds: _d, ...summary } = event;
  return summary;
}

export async function listEvents(index: EventIndex, query: EventsQuery, range: { fromDay: string; toDay: string }): Promise<EventsAnswer> {
  const filter: EventQuery = {
    ...range,
    ...(query.tenant ? { tenantId: query.tenant } : {}),
    ...(query.type ? { type: query.type } : {}),
    ...(query.employeeId ? { employeeId: query.employeeId } : {}),
  };
  const [page, counted] = await Promise.all([
    index.query({ ...filter, ...(query.status ? { status: query.status } : {}), ...(query.since ? { updatedAfter: new Date(query.since).toISOString() } : {}) }, query.limit, query.after),
    index.scan(filter, COUNT_MAX, ['status']),
  ]);
  const counts: Record<string, number> = Object.fromEntries(EVENT_STATUSES.map((s) => [s, 0]));
  for (const row of counted.rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
  const events = page.events.map(publicSummary);
  const latest = events.reduce<string | undefined>((max, e) => (max === undefined || e.updatedAt > max ? e.updatedAt : max), undefined);
  return {
    events,
    counts,
    ...(counted.truncated ? { countsTruncated: true } : {}),
    ...(page.next ? { next: page.next } : {}),
    ...(latest ? { latest } : query.since ? { latest: query.since } : {}),
    range: { from: range.fromDay, to: range.toDay },
  };
}
