import type { TableClient } from '@azure/data-tables';
import type { Settings } from '../config/settings';
import { createTableClient } from '../ledger/table-ledger';
import { tablesSdk } from '../runtime/sdk';
import type { Holder, LiveHolder, WriteShareStore } from './write-share';

interface HolderEntity {
  partitionKey: string;
  rowKey: string;
  expiresAt: number;
  /** What the instance wants (write-share.ts `demand`); absent on rows of instances that announce none. */
  demand?: number;
  timestamp?: string;
}

/**
 * The write-share rows in Table storage (the deployment's own AzureWebJobsStorage account): one
 * partition per tenant, one row per instance. Rows are plain upserts of the instance's own row,
 * so there is no contention; reading a partition of a few dozen rows is one request.
 */
export class TableWriteShareStore implements WriteShareStore {
  private ready: Promise<void> | undefined;

  constructor(private readonly table: TableClient) {}

  static fromSettings(settings: Settings): TableWriteShareStore {
    return new TableWriteShareStore(createTableClient(settings, settings.GRAPH_WRITE_SHARE_TABLE_NAME));
  }

  async announce(tenantKey: string, instanceId: string, expiresAt: number, demand?: number): Promise<void> {
    await this.ensureTable();
    await this.table.upsertEntity<HolderEntity>({ partitionKey: tenantKey, rowKey: instanceId, expiresAt, ...(demand !== undefined ? { demand } : {}) }, 'Replace');
  }

  async holders(tenantKey: string, now: number): Promise<Holder[]> {
    await this.ensureTable();
    const live: Holder[] = [];
    const query = this.table.listEntities<HolderEntity>({ queryOptions: { filter: tablesSdk().odata`PartitionKey eq ${tenantKey}`, select: ['RowKey', 'expiresAt', 'demand'] } });
    for await (const row of query) {
      // Another instance's row is read as data: a demand that is not a positive number counts as 1.
      if (typeof row.expiresAt === 'number' && row.expiresAt > now && row.rowKey) live.push({ instanceId: row.rowKey, demand: typeof row.demand === 'number' && row.demand > 0 ? row.demand : 1 });
    }
    return live;
  }

  /**
   * Read-only: the tenant's live rows with when each was last renewed — the row's Timestamp, which
   * the Table service sets on every write (https://learn.microsoft.com/dotnet/api/azure.data.tables.itableentity.timestamp),
   * so no instance's clock is trusted for it. Unlike `holders`, it creates no table: a table that
   * does not exist yet (404, https://learn.microsoft.com/rest/api/storageservices/table-service-error-codes)
   * means no instance has written.
   */
  async liveHolders(tenantKey: string, now: number): Promise<LiveHolder[]> {
    const live: LiveHolder[] = [];
    try {
      const query = this.table.listEntities<HolderEntity>({ queryOptions: { filter: tablesSdk().odata`PartitionKey eq ${tenantKey}`, select: ['RowKey', 'Timestamp', 'expiresAt', 'demand'] } });
      for await (const row of query) {
        if (typeof row.expiresAt !== 'number' || !(row.expiresAt > now) || !row.rowKey) continue;
        const demand = typeof row.demand === 'number' && row.demand > 0 ? row.demand : 1;
        live.push({ instanceId: row.rowKey, ...(row.timestamp ? { renewedAt: new Date(row.timestamp).toISOString() } : {}), expiresAt: new Date(row.expiresAt).toISOString(), demand });
      }
    } catch (error) {
      if (error instanceof tablesSdk().RestError && error.statusCode === 404) return [];
      throw error;
    }
    return live.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }

  async leave(tenantKey: string, instanceId: string): Promise<void> {
    await this.ensureTable();
    try {
      await this.table.deleteEntity(tenantKey, instanceId);
    } catch (error) {
      if (!(error instanceof tablesSdk().RestError && error.statusCode === 404)) throw error;
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
