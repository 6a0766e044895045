import { createHash } from 'node:crypto';
import type { TableClient, TableEntityResult } from '@azure/data-tables';
import { tablesSdk } from '../runtime/sdk';
import { employeeKey, type LifecycleEvent } from '../domain/events';
import type { Settings } from '../config/settings';
import { appManagedIdentity } from '../runtime/identity';
import { BlobLeaverSnapshots, type LeaverSnapshots } from './leaver-snapshots';
import { newEventRecord, type EmployeeLane, type EventRecord, type Ledger, type PendingHire } from './types';

const EVENT_ROW = 'event';

const LANE_ROW = 'lane';

/** Employee ids may hold characters Table keys refuse (/ \\ # ?): the key is base64url-encoded. */
function lanePartition(employeeKey: string): string {
  return `lane~${Buffer.from(employeeKey, 'utf8').toString('base64url')}`;
}

const PENDING_HIRE_ROW = 'pending-hire';

/** A worker's future-dated hire, beside the worker's lane (the key encoded the same way). */
function pendingHirePartition(employeeKey: string): string {
  return `prehire~${Buffer.from(employeeKey, 'utf8').toString('base64url')}`;
}

/** The row in a tenant's leavers partition whose ETag serialises the guard's decisions; `~` is in no event id. */
const LEAVER_GATE_ROW = '~gate';
/** Leavers of one burst all decide on the one gate row: enough turns for each to lose to all the others. */
const MAX_GATE_RETRIES = 200;

/** The gate's admitted leavers, `[digest, epoch ms]`; anything else in the row is dropped. */
function parseAdmitted(json: string | undefined): Array<[string, number]> {
  try {
    const value: unknown = json ? JSON.parse(json) : [];
    return Array.isArray(value) ? value.filter((e): e is [string, number] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number') : [];
  } catch {
    return [];
  }
}

/** `~` cannot occur in an eventId, so these partitions never meet an event's. */
function leaverPartition(tenantId: string): string {
  return `leavers~${tenantId}`;
}
const MAX_CONFLICT_RETRIES = 10;

interface EventEntity {
  partitionKey: string;
  rowKey: string;
  recordJson: string;
}

/**
 * The ledger in Table Storage: one entity per event (partition = eventId) holding the record as
 * JSON, so a record and its steps change together under one ETag.
 */
export class TableLedger implements Ledger {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly table: TableClient,
    /** In blobs beside the table: a snapshot can outgrow what one Table entity holds. */
    readonly snapshots: LeaverSnapshots,
  ) {}

  static fromSettings(settings: Settings): TableLedger {
    return new TableLedger(createTableClient(settings, settings.LEDGER_TABLE_NAME), BlobLeaverSnapshots.fromSettings(settings));
  }

  async recordAccepted(event: LifecycleEvent, acceptedAt: Date): Promise<void> {
    await this.ensureTable();
    const record = newEventRecord(event, acceptedAt, employeeKey(event));
    try {
      await this.table.createEntity<EventEntity>(toEntity(record));
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
  }

  async get(eventId: string): Promise<EventRecord | undefined> {
    await this.ensureTable();
    const entity = await this.readEntity(eventId);
    return entity ? fromEntity(entity) : undefined;
  }

  async update(event: LifecycleEvent, change: (record: EventRecord) => EventRecord): Promise<EventRecord> {
    await this.ensureTable();
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const entity = await this.readEntity(event.eventId);
      if (!entity) {
        const created = change(newEventRecord(event, new Date(), employeeKey(event)));
        try {
          await this.table.createEntity<EventEntity>(toEntity(created));
          return created;
        } catch (error) {
          if (isStatus(error, 409)) continue;
          throw error;
        }
      }
      const updated = change(fromEntity(entity));
      try {
        await this.table.updateEntity<EventEntity>(toEntity(updated), 'Replace', { etag: entity.etag });
        return updated;
      } catch (error) {
        if (isStatus(error, 412)) continue;
        throw error;
      }
    }
    throw new Error(`Ledger update for ${event.eventId} kept conflicting; giving up after ${MAX_CONFLICT_RETRIES} tries`);
  }

  async recordLeaverApplied(tenantId: string, eventId: string, at: Date): Promise<void> {
    await this.ensureTable();
    try {
      await this.table.createEntity({ partitionKey: leaverPartition(tenantId), rowKey: eventId, appliedAt: at });
    } catch (error) {
      // A redelivered leaver keeps its first time: it is one leaver, counted once.
      if (!isStatus(error, 409)) throw error;
    }
  }

  async countLeaversSince(tenantId: string, since: Date, exceptEventId?: string): Promise<number> {
    await this.ensureTable();
    let count = 0;
    const rows = this.table.listEntities<{ appliedAt: Date }>({
      queryOptions: { filter: tablesSdk().odata`PartitionKey eq ${leaverPartition(tenantId)} and appliedAt ge ${since}`, select: ['RowKey'] },
    });
    for await (const row of rows) if (row.rowKey !== exceptEventId) count++;
    return count;
  }

  /**
   * One row per tenant holds the leavers admitted in the window (a short digest of each event id
   * and when), read and rewritten under its ETag: of leavers deciding at once on any instance,
   * each decision sees every one admitted before it, so exactly `threshold` pass. A leaver noted
   * before (a redelivery) is admitted again without counting twice; `force` admits past the
   * threshold (an operator released the hold). Each admitted leaver is also noted as its own row.
   */
  async admitLeaver(tenantId: string, eventId: string, since: Date, threshold: number, at: Date, force = false): Promise<{ admitted: boolean; others: number }> {
    await this.ensureTable();
    const partition = leaverPartition(tenantId);
    const me = createHash('sha256').update(eventId).digest('base64url').slice(0, 16);
    for (let attempt = 0; attempt < MAX_GATE_RETRIES; attempt++) {
      const gate = await this.table.getEntity<{ admittedJson?: string }>(partition, LEAVER_GATE_ROW).catch((error: unknown) => {
        if (isStatus(error, 404)) return undefined;
        throw error;
      });
      const admitted = parseAdmitted(gate?.admittedJson).filter(([, t]) => t >= since.getTime());
      const others = admitted.filter(([id]) => id !== me).length;
      if (admitted.length > others) return { admitted: true, others };
      if (!force && others + 1 > threshold) return { admitted: false, others };
      const row = { partitionKey: partition, rowKey: LEAVER_GATE_ROW, admittedJson: JSON.stringify([...admitted, [me, at.getTime()]]) };
      try {
        if (gate) await this.table.updateEntity(row, 'Replace', { etag: gate.etag });
        else await this.table.createEntity(row);
      } catch (error) {
        if (!isStatus(error, 412) && !isStatus(error, 409)) throw error;
        // Another leaver decided first: look again after a short, random pause.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
        continue;
      }
      await this.recordLeaverApplied(tenantId, eventId, at);
      return { admitted: true, others };
    }
    throw new Error(`The mass-leaver gate of tenant ${tenantId} kept conflicting; giving up after ${MAX_GATE_RETRIES} tries`);
  }

  async getLane(employeeKey: string): Promise<EmployeeLane> {
    await this.ensureTable();
    const entity = await this.readLane(employeeKey);
    return entity ? (JSON.parse(entity.laneJson) as EmployeeLane) : { order: [] };
  }

  async updateLane(employeeKey: string, change: (lane: EmployeeLane) => EmployeeLane): Promise<EmployeeLane> {
    await this.ensureTable();
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const entity = await this.readLane(employeeKey);
      const updated = change(entity ? (JSON.parse(entity.laneJson) as EmployeeLane) : { order: [] });
      const row = { partitionKey: lanePartition(employeeKey), rowKey: LANE_ROW, laneJson: JSON.stringify(updated) };
      try {
        if (entity) await this.table.updateEntity(row, 'Replace', { etag: entity.etag });
        else await this.table.createEntity(row);
        return updated;
      } catch (error) {
        if (isStatus(error, 409) || isStatus(error, 412)) continue;
        throw error;
      }
    }
    throw new Error(`Lane update for ${employeeKey} kept conflicting; giving up after ${MAX_CONFLICT_RETRIES} tries`);
  }

  async getPendingHire(employeeKey: string): Promise<PendingHire | undefined> {
    await this.ensureTable();
    const entity = await this.readPendingHire(employeeKey);
    return entity ? (JSON.parse(entity.hireJson) as PendingHire) : undefined;
  }

  async updatePendingHire(employeeKey: string, change: (hire: PendingHire | undefined) => PendingHire | undefined): Promise<PendingHire | undefined> {
    await this.ensureTable();
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const entity = await this.readPendingHire(employeeKey);
      const current = entity ? (JSON.parse(entity.hireJson) as PendingHire) : undefined;
      const updated = change(current);
      if (!updated) return current;
      const row = { partitionKey: pendingHirePartition(employeeKey), rowKey: PENDING_HIRE_ROW, hireJson: JSON.stringify(updated) };
      try {
        if (entity) await this.table.updateEntity(row, 'Replace', { etag: entity.etag });
        else await this.table.createEntity(row);
        return updated;
      } catch (error) {
        if (isStatus(error, 409) || isStatus(error, 412)) continue;
        throw error;
      }
    }
    throw new Error(`Pending hire update for ${employeeKey} kept conflicting; giving up after ${MAX_CONFLICT_RETRIES} tries`);
  }

  private async readPendingHire(employeeKey: string): Promise<TableEntityResult<{ hireJson: string }> | undefined> {
    try {
      return await this.table.getEntity<{ hireJson: string }>(pendingHirePartition(employeeKey), PENDING_HIRE_ROW);
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /**
   * One page of event records in table order, for a pass over all of them (the console's index
   * backfill); `next` continues it. The filter is on the row key alone: a scan of the table.
   */
  async eventRecordPage(pageSize: number, continuationToken?: string): Promise<{ records: EventRecord[]; next?: string }> {
    await this.ensureTable();
    const { odata } = tablesSdk();
    const pages = this.table
      .listEntities<EventEntity>({ queryOptions: { filter: odata`RowKey eq ${EVENT_ROW}`, select: ['recordJson'] } })
      .byPage({ maxPageSize: pageSize, ...(continuationToken ? { continuationToken } : {}) });
    const page = await pages.next();
    if (page.done) return { records: [] };
    return { records: page.value.map(fromEntity), ...(page.value.continuationToken ? { next: page.value.continuationToken } : {}) };
  }

  private async readLane(employeeKey: string): Promise<TableEntityResult<{ laneJson: string }> | undefined> {
    try {
      return await this.table.getEntity<{ laneJson: string }>(lanePartition(employeeKey), LANE_ROW);
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  private async readEntity(eventId: string): Promise<TableEntityResult<EventEntity> | undefined> {
    try {
      return await this.table.getEntity<EventEntity>(eventId, EVENT_ROW);
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  private ensureTable(): Promise<void> {
    this.ready ??= this.table.createTable().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

/** A table client on the app's storage: a connection string (Azurite) or the managed identity. */
export function createTableClient(settings: Settings, tableName: string): TableClient {
  const { TableClient } = tablesSdk();
  if (settings.AzureWebJobsStorage) {
    return TableClient.fromConnectionString(settings.AzureWebJobsStorage, tableName, {
      allowInsecureConnection: settings.LIFECYCLE_RUNTIME === 'local',
    });
  }
  if (settings.AzureWebJobsStorage__accountName) {
    return new TableClient(`https://${settings.AzureWebJobsStorage__accountName}.table.core.windows.net`, tableName, appManagedIdentity(settings));
  }
  throw new Error('No storage configured: set AzureWebJobsStorage or AzureWebJobsStorage__accountName');
}

function toEntity(record: EventRecord): EventEntity {
  return { partitionKey: record.eventId, rowKey: EVENT_ROW, recordJson: JSON.stringify(record) };
}

function fromEntity(entity: EventEntity): EventRecord {
  return JSON.parse(entity.recordJson) as EventRecord;
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof tablesSdk().RestError && error.statusCode === status;
}
