import * as z from 'zod';
import type { EventRecord } from '../ledger/types';
import type { EventIndex } from './event-index';

/** Where the backfill reads records from: the ledger's table, a page at a time (TableLedger.eventRecordPage). */
export interface EventRecordPages {
  eventRecordPage(pageSize: number, continuationToken?: string): Promise<{ records: EventRecord[]; next?: string }>;
}

/** Table Storage gives at most 1,000 entities a page; a call stays well inside a function's time limit. */
const PAGE_SIZE = 200;
export const BACKFILL_MAX = 2_000;

export const backfillRequestSchema = z
  .object({
    // The Tables SDK's own continuation token: opaque, base64 text.
    next: z.string().min(1).max(4_096).regex(/^[A-Za-z0-9+/=_-]+$/, 'a continuation token from an earlier answer').optional(),
    limit: z.number().int().min(1).max(BACKFILL_MAX).default(500),
  })
  .strict();
export type BackfillRequest = z.infer<typeof backfillRequestSchema>;

export interface BackfillResult {
  scanned: number;
  indexed: number;
  /** Set while records remain: post it back as `next` to go on. */
  next?: string;
}

/**
 * Indexes the ledger's records that the console's event index has never seen — events accepted
 * before the index existed. Create-only: a row the live path wrote is newer or equal and knows the
 * event's source, so it is never replaced. Safe to run twice, or beside live traffic.
 */
export async function backfillEventIndex(records: EventRecordPages, index: EventIndex, request: BackfillRequest): Promise<BackfillResult> {
  let scanned = 0;
  let indexed = 0;
  let next = request.next;
  while (scanned < request.limit) {
    const page = await records.eventRecordPage(Math.min(PAGE_SIZE, request.limit - scanned), next);
    for (const record of page.records) {
      scanned += 1;
      if (await index.backfill(record)) indexed += 1;
    }
    next = page.next;
    if (!next) break;
  }
  return { scanned, indexed, ...(next ? { next } : {}) };
}
