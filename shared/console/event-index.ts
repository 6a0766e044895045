import type { TableClient } from '@azure/data-tables';
import type { Settings } from '../config/settings';
import { serviceDurations, type ServiceDurations } from '../ledger/service-durations';
import type { EventRecord, EventStatus } from '../ledger/types';
import { createTableClient } from '../ledger/table-ledger';
import { tablesSdk } from '../runtime/sdk';

/**
 * What the console lists events by. The ledger keys each event by its id (one partition per
 * event), which answers "this event" but not "today's failed leavers of tenant X" without a
 * scan of the whole table. So each record is indexed, in the ledger's own table, twice:
 *
 * - by day: partition `evday~<accepted UTC day>`, row `<inverted accepted time>~<eventId>` — a day's
 *   events come back newest first in key order, a date range is a few partitions, and a filter
 *   (tenant, type, status, employeeId, updated since) runs inside those partitions only. One
 *   partition per day takes every index write of that day; Table Storage serves up to 2,000
 *   entities per second per partition, far above the events the Graph limits let through.
 * - by worker: partition `evworker~<employee key>`, a row per event id — a worker's timeline is one
 *   partition read whatever the day.
 *
 * `~` never occurs in an event id, so neither meets an event's own partition. The index row is
 * written after the record: it may lag a crash behind, never run ahead (the next change of the
 * event writes it again), and an older write landing late does not replace a newer one.
 */

export interface EventSummary {
  eventId: string;
  tenantId: string;
  type: EventRecord['type'];
  status: EventStatus;
  employeeId: string;
  source?: string;
  acceptedAt: string;
  updatedAt: string;
  attempts: number;
  error?: { step?: string; code: string; message: string };
  nextAttemptAt?: string;
}

/** Service levels, computed when a record is indexed, so a report reads the index alone. */
export type IndexedDurations = ServiceDurations;

export interface IndexedEvent extends EventSummary, IndexedDurations {
  employeeKey: string;
}

export interface EventQuery {
  tenantId?: string;
  type?: string;
  status?: string;
  employeeId?: string;
  /** Accepted on or after this UTC day (YYYY-MM-DD). */
  fromDay: string;
  /** Accepted on or before this UTC day. */
  toDay: string;
  /** Only events changed after this instant (the page's live polling). */
  updatedAfter?: string;
  /** Waiting behind an earlier event of the worker (error code). */
  errorCode?: string;
}

export interface EventPage {
  events: IndexedEvent[];
  /** Continue after this (opaque); absent: the range is exhausted. */
  next?: string;
}

export interface EventIndex {
  /** Records the record's current summary (create or newer only); `source`: the event's. */
  put(record: EventRecord, source: string): Promise<void>;
  /** Indexes a record the index has never seen (its source unknown); false when it was already indexed. */
  backfill(record: EventRecord): Promise<boolean>;
  /** Newest first, at most `limit`. */
  query(query: EventQuery, limit: number, after?: string): Promise<EventPage>;
  /** Every indexed row of the range matching `query`, at most `max` (the caller says it stopped). */
  scan(query: EventQuery, max: number, select?: readonly string[]): Promise<{ rows: IndexedEvent[]; truncated: boolean }>;
  /** The worker's event ids, at most `max`. */
  eventsOfWorker(employeeKey: string, max: number): Promise<string[]>;
}

const DAY_PREFIX = 'evday~';
const WORKER_PREFIX = 'evworker~';
/** Larger than any epoch millisecond count until the year 275760 (Date's own limit), 16 digits. */
const INVERT_FROM = 8_640_000_000_000_000;
const MAX_CONFLICT_RETRIES = 5;

interface IndexRow {
  partitionKey: string;
  rowKey: string;
  tenantId: string;
  type: string;
  status: string;
  employeeId: string;
  employeeKey: string;
  updatedAt: string;
  errorCode?: string;
  summaryJson: string;
  productiveSeconds?: number;
  deprovisionedSeconds?: number;
}

export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

function dayPartition(day: string): string {
  return `${DAY_PREFIX}${day}`;
}

function workerPartition(employeeKey: string): string {
  return `${WORKER_PREFIX}${Buffer.from(employeeKey, 'utf8').toString('base64url')}`;
}

function dayRowKey(record: Pick<EventRecord, 'acceptedAt' | 'eventId'>): string {
  return `${String(INVERT_FROM - new Date(record.acceptedAt).getTime()).padStart(16, '0')}~${record.eventId}`;
}

/** The worker's id as HR sent it: the employee key is `<tenant>:<employeeId>`. */
export function employeeIdOf(record: Pick<EventRecord, 'employeeKey' | 'tenantId'>): string {
  const prefix = `${record.tenantId}:`;
  return record.employeeKey.startsWith(prefix) ? record.employeeKey.slice(prefix.length) : record.employeeKey;
}

export function summaryOf(record: EventRecord, source?: string): EventSummary {
  return {
    eventId: record.eventId,
    tenantId: record.tenantId,
    type: record.type,
    status: record.status,
    employeeId: employeeIdOf(record),
    ...(source ? { source } : {}),
    acceptedAt: record.acceptedAt,
    updatedAt: record.updatedAt,
    attempts: record.attempts,
    ...(record.error ? { error: record.error } : {}),
    ...(record.nextAttemptAt ? { nextAttemptAt: record.nextAttemptAt } : {}),
  };
}

function toRow(record: EventRecord, source: string): IndexRow {
  const summary = summaryOf(record, source);
  return {
    partitionKey: dayPartition(dayOf(record.acceptedAt)),
    rowKey: dayRowKey(record),
    tenantId: record.tenantId,
    type: record.type,
    status: record.status,
    employeeId: summary.employeeId,
    employeeKey: record.employeeKey,
    updatedAt: record.updatedAt,
    ...(record.error ? { errorCode: record.error.code } : {}),
    summaryJson: JSON.stringify(summary),
    ...serviceDurations(record),
  };
}

function fromRow(row: Partial<IndexRow>): IndexedEvent {
  const summary = (row.summaryJson ? JSON.parse(row.summaryJson) : {}) as EventSummary;
  return {
    ...summary,
    employeeKey: row.employeeKey ?? '',
    ...(typeof row.productiveSeconds === 'number' ? { productiveSeconds: row.productiveSeconds } : {}),
    ...(typeof row.deprovisionedSeconds === 'number' ? { deprovisionedSeconds: row.deprovisionedSeconds } : {}),
    ...(row.tenantId && !summary.tenantId ? { tenantId: row.tenantId } : {}),
    ...(row.type && !summary.type ? { type: row.type as EventRecord['type'] } : {}),
  };
}

/** Days from `toDay` back to `fromDay`, newest first. */
export function daysBetween(fromDay: string, toDay: string): string[] {
  const days: string[] = [];
  for (let at = new Date(`${toDay}T00:00:00Z`).getTime(); at >= new Date(`${fromDay}T00:00:00Z`).getTime(); at -= 86_400_000) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
}

interface Cursor {
  day: string;
  rowKey: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** A cursor the caller made up is refused rather than read as a filter. */
export function decodeCursor(value: string): Cursor | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof parsed.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(parsed.day) && typeof parsed.rowKey === 'string' && /^\d{16}~[A-Za-z0-9._:@-]{1,128}$/.test(parsed.rowKey)) {
      return { day: parsed.day, rowKey: parsed.rowKey };
    }
  } catch {
    // not a cursor
  }
  return undefined;
}

export class TableEventIndex implements EventIndex {
  private ready: Promise<void> | undefined;

  constructor(private readonly table: TableClient) {}

  static fromSettings(settings: Settings): TableEventIndex {
    return new TableEventIndex(createTableClient(settings, settings.LEDGER_TABLE_NAME));
  }

  async put(record: EventRecord, source: string): Promise<void> {
    await this.ensureTable();
    const row = toRow(record, source);
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const existing = await this.table.getEntity<IndexRow>(row.partitionKey, row.rowKey).catch((error: unknown) => {
        if (isStatus(error, 404)) return undefined;
        throw error;
      });
      if (existing) {
        // An older write that lands late must not put back an older state.
        if (existing.updatedAt > row.updatedAt) return;
        if (existing.summaryJson === row.summaryJson && existing.productiveSeconds === row.productiveSeconds && existing.deprovisionedSeconds === row.deprovisionedSeconds) return;
        try {
          await this.table.updateEntity<IndexRow>(row, 'Replace', { etag: existing.etag });
          return;
        } catch (error) {
          if (isStatus(error, 412)) continue;
          throw error;
        }
      }
      try {
        await this.table.createEntity<IndexRow>(row);
      } catch (error) {
        if (isStatus(error, 409)) continue;
        throw error;
      }
      await this.putWorkerRow(record);
      return;
    }
  }

  async backfill(record: EventRecord): Promise<boolean> {
    await this.ensureTable();
    try {
      // Create only: a row the live path wrote knows the source, and is as new as the record or newer.
      await this.table.createEntity<IndexRow>(toRow(record, ''));
    } catch (error) {
      if (isStatus(error, 409)) return false;
      throw error;
    }
    await this.putWorkerRow(record);
    return true;
  }

  private async putWorkerRow(record: EventRecord): Promise<void> {
    await this.table
      .createEntity({ partitionKey: workerPartition(record.employeeKey), rowKey: record.eventId, acceptedAt: record.acceptedAt, tenantId: record.tenantId })
      .catch((error: unknown) => {
        if (!isStatus(error, 409)) throw error;
      });
  }

  async query(query: EventQuery, limit: number, after?: string): Promise<EventPage> {
    await this.ensureTable();
    const cursor = after ? decodeCursor(after) : undefined;
    const events: IndexedEvent[] = [];
    for (const day of daysBetween(query.fromDay, cursor && cursor.day < query.toDay ? cursor.day : query.toDay)) {
      const afterRow = cursor && cursor.day === day ? cursor.rowKey : undefined;
      const rows = this.table.listEntities<IndexRow>({ queryOptions: { filter: filterFor(day, query, afterRow) } }).byPage({ maxPageSize: Math.min(1_000, limit + 1) });
      for await (const page of rows) {
        for (const row of page) {
          if (events.length === limit) {
            const last = events.at(-1) as IndexedEvent;
            return { events, next: encodeCursor({ day: dayOf(last.acceptedAt), rowKey: dayRowKey(last) }) };
          }
          events.push(fromRow(row));
        }
      }
    }
    return { events };
  }

  async scan(query: EventQuery, max: number, select?: readonly string[]): Promise<{ rows: IndexedEvent[]; truncated: boolean }> {
    await this.ensureTable();
    const rows: IndexedEvent[] = [];
    for (const day of daysBetween(query.fromDay, query.toDay)) {
      const entities = this.table.listEntities<IndexRow>({ queryOptions: { filter: filterFor(day, query), ...(select ? { select: [...select] } : {}) } });
      for await (const row of entities) {
        if (rows.length === max) return { rows, truncated: true };
        rows.push(select ? rawRow(row) : fromRow(row));
      }
    }
    return { rows, truncated: false };
  }

  async eventsOfWorker(employeeKey: string, max: number): Promise<string[]> {
    await this.ensureTable();
    const ids: string[] = [];
    const rows = this.table.listEntities({ queryOptions: { filter: tablesSdk().odata`PartitionKey eq ${workerPartition(employeeKey)}`, select: ['RowKey'] } });
    for await (const row of rows) {
      if (ids.length === max) break;
      ids.push(row.rowKey as string);
    }
    return ids;
  }

  private ensureTable(): Promise<void> {
    this.ready ??= this.table.createTable().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

/** A selected projection: the columns asked for, without the summary. */
function rawRow(row: Partial<IndexRow>): IndexedEvent {
  return {
    tenantId: row.tenantId ?? '',
    type: (row.type ?? 'joiner') as EventRecord['type'],
    status: (row.status ?? 'queued') as EventStatus,
    employeeId: row.employeeId ?? '',
    employeeKey: row.employeeKey ?? '',
    eventId: '',
    // A projection has no summary: its accepted time is only the day of its partition (select PartitionKey for it).
    acceptedAt: row.partitionKey?.startsWith(DAY_PREFIX) ? row.partitionKey.slice(DAY_PREFIX.length) : '',
    updatedAt: row.updatedAt ?? '',
    attempts: 0,
    ...(typeof row.productiveSeconds === 'number' ? { productiveSeconds: row.productiveSeconds } : {}),
    ...(typeof row.deprovisionedSeconds === 'number' ? { deprovisionedSeconds: row.deprovisionedSeconds } : {}),
  };
}

/** Every value reaches the filter through the SDK's odata tag, which quotes and escapes it. */
function filterFor(day: string, query: EventQuery, afterRow?: string): string {
  const { odata } = tablesSdk();
  const parts = [odata`PartitionKey eq ${dayPartition(day)}`];
  if (afterRow) parts.push(odata`RowKey gt ${afterRow}`);
  if (query.tenantId) parts.push(odata`tenantId eq ${query.tenantId}`);
  if (query.type) parts.push(odata`type eq ${query.type}`);
  if (query.status) parts.push(odata`status eq ${query.status}`);
  if (query.employeeId) parts.push(odata`employeeId eq ${query.employeeId}`);
  if (query.updatedAfter) parts.push(odata`updatedAt gt ${query.updatedAfter}`);
  if (query.errorCode) parts.push(odata`errorCode eq ${query.errorCode}`);
  return parts.join(' and ');
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof tablesSdk().RestError && error.statusCode === status;
}

const indexes = new WeakMap<Settings, EventIndex>();

/** One index per settings object (per service container): the ledger writes it, the console routes read it. */
export function eventIndexFor(settings: Settings): EventIndex {
  let index = indexes.get(settings);
  if (!index) {
    index = TableEventIndex.fromSettings(settings);
    indexes.set(settings, index);
  }
  return index;
}
