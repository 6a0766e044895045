import type { TableClient } from '@azure/data-tables';
import { tablesSdk } from '../runtime/sdk';
import type { Settings } from '../config/settings';
import { createTableClient } from './table-ledger';

/**
 * Manager links waiting for their manager's account. A report whose manager has not joined yet
 * is provisioned anyway; the link is kept here and made when the manager's account appears
 * (the manager's joiner links its waiting reports, and a timer sweeps what is left).
 */
export interface PendingManagerLink {
  tenantId: string;
  managerEmployeeId: string;
  reportUserId: string;
  reportEmployeeId: string;
  eventId: string;
  since: string;
}

export interface PendingManagerLinks {
  add(link: PendingManagerLink): Promise<void>;
  forManager(tenantId: string, managerEmployeeId: string): Promise<PendingManagerLink[]>;
  all(limit?: number): Promise<PendingManagerLink[]>;
  remove(link: Pick<PendingManagerLink, 'tenantId' | 'managerEmployeeId' | 'reportUserId'>): Promise<void>;
}

export class TablePendingManagerLinks implements PendingManagerLinks {
  private ready: Promise<void> | undefined;

  constructor(private readonly table: TableClient) {}

  static fromSettings(settings: Settings): TablePendingManagerLinks {
    return new TablePendingManagerLinks(createTableClient(settings, `${settings.LEDGER_TABLE_NAME}Pending`));
  }

  async add(link: PendingManagerLink): Promise<void> {
    await this.ensureTable();
    await this.table.upsertEntity({ partitionKey: partition(link), rowKey: link.reportUserId, ...link }, 'Replace');
  }

  async forManager(tenantId: string, managerEmployeeId: string): Promise<PendingManagerLink[]> {
    await this.ensureTable();
    const links: PendingManagerLink[] = [];
    const query = this.table.listEntities<PendingManagerLink>({
      queryOptions: { filter: tablesSdk().odata`PartitionKey eq ${partition({ tenantId, managerEmployeeId })}` },
    });
    for await (const entity of query) links.push(pick(entity));
    return links;
  }

  async all(limit = 1000): Promise<PendingManagerLink[]> {
    await this.ensureTable();
    const links: PendingManagerLink[] = [];
    for await (const entity of this.table.listEntities<PendingManagerLink>()) {
      links.push(pick(entity));
      if (links.length >= limit) break;
    }
    return links;
  }

  async remove(link: Pick<PendingManagerLink, 'tenantId' | 'managerEmployeeId' | 'reportUserId'>): Promise<void> {
    await this.ensureTable();
    try {
      await this.table.deleteEntity(partition(link), link.reportUserId);
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

function partition(link: Pick<PendingManagerLink, 'tenantId' | 'managerEmployeeId'>): string {
  return `${link.tenantId}|${encodeURIComponent(link.managerEmployeeId)}`;
}

function pick(entity: PendingManagerLink): PendingManagerLink {
  const { tenantId, managerEmployeeId, reportUserId, reportEmployeeId, eventId, since } = entity;
  return { tenantId, managerEmployeeId, reportUserId, reportEmployeeId, eventId, since };
}
