import type { TableClient } from '@azure/data-tables';
import type { Settings } from '../config/settings';
import type { LifecycleEvent } from '../domain/events';
import { createTableClient } from '../ledger/table-ledger';
import { tablesSdk } from '../runtime/sdk';
import type { ScimUserResource } from './representation';

/**
 * The last SCIM representation of each worker a tenant's SCIM client sent, with the event it
 * made. The ledger is per event; a client reads Users back (GET, filter) and patches them, so it
 * needs the User as it stands. Why a table and not Graph: the User is the HR record as accepted,
 * which the account in Entra only becomes once processed (and never holds attributes such as
 * `emails` or `userName` in the client's own domain); answering from Entra would show a client
 * its own write half done.
 */
export interface ScimUserRecord {
  key: string;
  externalId: string;
  generation: number;
  /** Deleted by the client (a leaver): 404 for its id from then on (RFC 7644 §3.6). */
  deleted: boolean;
  userName: string;
  created: string;
  lastModified: string;
  resource: ScimUserResource;
  /** The last event this User made: queued — or, when the queue failed after the row was written, queued by the next request. */
  event?: LifecycleEvent;
}

export interface StoredScimUser extends ScimUserRecord {
  etag: string;
}

/** Another request changed the row between this one's read and write. */
export class ScimStoreConflict extends Error {
  constructor() {
    super('The SCIM User changed while it was being written');
    this.name = 'ScimStoreConflict';
  }
}

/** More rows than a scan may read: the caller answers tooMany. */
export class ScimScanLimit extends Error {
  constructor(readonly limit: number) {
    super(`More than ${limit} Users would have to be read`);
    this.name = 'ScimScanLimit';
  }
}

export interface ScimUserStore {
  get(tenantId: string, key: string): Promise<StoredScimUser | undefined>;
  /** Live Users whose userName is this one, in any case. */
  withUserName(tenantId: string, userName: string): Promise<StoredScimUser[]>;
  /** Every live User's key, in key order (stable across pages); more than `limit` throws ScimScanLimit. */
  liveKeys(tenantId: string, limit: number): Promise<string[]>;
  /** Every live User, in key order; more than `limit` throws ScimScanLimit. */
  liveUsers(tenantId: string, limit: number): Promise<StoredScimUser[]>;
  /** Creates the row (no etag) or replaces the one read with that etag; a race throws ScimStoreConflict. */
  save(tenantId: string, record: ScimUserRecord, etag?: string): Promise<void>;
}

/** A Table string property holds 64 KiB (32 K UTF-16 characters): longer JSON is split across properties. */
const PART_LENGTH = 30_000;
const MAX_PARTS = 8;

interface ScimUserEntity {
  partitionKey: string;
  rowKey: string;
  externalId: string;
  generation: number;
  deleted: boolean;
  userNameLower: string;
  userName: string;
  created: string;
  lastModified: string;
  resourceParts: number;
  eventParts: number;
  [part: string]: unknown;
}

/** `~` cannot occur in an eventId, so these partitions never meet the ledger's events (as lanes and leaver counts do). */
const partition = (tenantId: string) => `scim~${tenantId}`;

/** In the ledger's table, beside the lanes and leaver counts: one storage account, one table to create and back up. */
export class TableScimUserStore implements ScimUserStore {
  private ready: Promise<void> | undefined;

  constructor(private readonly table: TableClient) {}

  static fromSettings(settings: Settings): TableScimUserStore {
    return new TableScimUserStore(createTableClient(settings, settings.LEDGER_TABLE_NAME));
  }

  async get(tenantId: string, key: string): Promise<StoredScimUser | undefined> {
    await this.ensureTable();
    try {
      return fromEntity(await this.table.getEntity<ScimUserEntity>(partition(tenantId), key));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async withUserName(tenantId: string, userName: string): Promise<StoredScimUser[]> {
    const filter = tablesSdk().odata`PartitionKey eq ${partition(tenantId)} and deleted eq false and userNameLower eq ${userName.toLowerCase()}`;
    return this.collect(filter, Number.MAX_SAFE_INTEGER);
  }

  async liveKeys(tenantId: string, limit: number): Promise<string[]> {
    await this.ensureTable();
    const keys: string[] = [];
    const rows = this.table.listEntities({ queryOptions: { filter: tablesSdk().odata`PartitionKey eq ${partition(tenantId)} and deleted eq false`, select: ['RowKey'] } });
    for await (const row of rows) {
      if (keys.length === limit) throw new ScimScanLimit(limit);
      keys.push(row.rowKey as string);
    }
    return keys;
  }

  liveUsers(tenantId: string, limit: number): Promise<StoredScimUser[]> {
    return this.collect(tablesSdk().odata`PartitionKey eq ${partition(tenantId)} and deleted eq false`, limit);
  }

  async save(tenantId: string, record: ScimUserRecord, etag?: string): Promise<void> {
    await this.ensureTable();
    const entity = toEntity(tenantId, record);
    try {
      if (etag === undefined) await this.table.createEntity(entity);
      else await this.table.updateEntity(entity, 'Replace', { etag });
    } catch (error) {
      if (isStatus(error, 409) || isStatus(error, 412)) throw new ScimStoreConflict();
      throw error;
    }
  }

  private async collect(filter: string, limit: number): Promise<StoredScimUser[]> {
    await this.ensureTable();
    const users: StoredScimUser[] = [];
    for await (const row of this.table.listEntities<ScimUserEntity>({ queryOptions: { filter } })) {
      if (users.length === limit) throw new ScimScanLimit(limit);
      users.push(fromEntity(row as ScimUserEntity & { etag: string }));
    }
    return users;
  }

  private ensureTable(): Promise<void> {
    this.ready ??= this.table.createTable().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

function split(prefix: string, json: string | undefined): Record<string, string | number> {
  if (json === undefined) return { [`${prefix}Parts`]: 0 };
  const parts = Math.ceil(json.length / PART_LENGTH);
  // The body limit keeps a User far below this; the check keeps a mapping's growth from writing half a row.
  if (parts > MAX_PARTS) throw new Error(`A SCIM ${prefix} is too large to store (${json.length} characters)`);
  const out: Record<string, string | number> = { [`${prefix}Parts`]: parts };
  for (let i = 0; i < parts; i++) out[`${prefix}${i}`] = json.slice(i * PART_LENGTH, (i + 1) * PART_LENGTH);
  return out;
}

function join(entity: Record<string, unknown>, prefix: string): string | undefined {
  const parts = Number(entity[`${prefix}Parts`] ?? 0);
  if (parts === 0) return undefined;
  return Array.from({ length: parts }, (_, i) => String(entity[`${prefix}${i}`] ?? '')).join('');
}

function toEntity(tenantId: string, record: ScimUserRecord): ScimUserEntity {
  return {
    partitionKey: partition(tenantId),
    rowKey: record.key,
    externalId: record.externalId,
    generation: record.generation,
    deleted: record.deleted,
    userName: record.userName,
    userNameLower: record.userName.toLowerCase(),
    created: record.created,
    lastModified: record.lastModified,
    ...split('resource', JSON.stringify(record.resource)),
    ...split('event', record.event ? JSON.stringify(record.event) : undefined),
  } as ScimUserEntity;
}

function fromEntity(entity: ScimUserEntity & { etag: string }): StoredScimUser {
  const event = join(entity, 'event');
  return {
    key: entity.rowKey,
    externalId: entity.externalId,
    generation: Number(entity.generation),
    deleted: entity.deleted === true,
    userName: entity.userName,
    created: entity.created,
    lastModified: entity.lastModified,
    resource: JSON.parse(join(entity, 'resource') ?? '{}') as ScimUserResource,
    ...(event ? { event: JSON.parse(event) as LifecycleEvent } : {}),
    etag: entity.etag,
  };
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof tablesSdk().RestError && error.statusCode === status;
}

const stores = new WeakMap<Settings, ScimUserStore>();

/** One store per app settings, like the ledger the composition root makes from the same settings. */
export function scimUserStoreFor(settings: Settings): ScimUserStore {
  let store = stores.get(settings);
  if (!store) {
    store = TableScimUserStore.fromSettings(settings);
    stores.set(settings, store);
  }
  return store;
}
