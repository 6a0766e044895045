import type { TableClient } from '@azure/data-tables';
import type { Settings } from '../config/settings';
import { createTableClient } from '../ledger/table-ledger';
import { tablesSdk } from '../runtime/sdk';
import type { ChangeKind } from './port';

/**
 * What became of each webhook notice (one row per change, by the connector's event id) and which
 * worker each HR employee is (one row per employee the connector has mapped). The first makes a
 * repeated notice one event however late it comes, and records outcomes that are no event at all
 * (an employee gone from HR); the second lets a notice for a deleted employee — whose record the
 * API no longer gives — find the worker it was. Rows hold ids and outcomes, never a record's data.
 */

export const CHANGE_STATUSES = ['queued', 'retrying', 'accepted', 'gone', 'no-worker', 'dead-lettered'] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];

/** Finished: a repeat of the notice changes nothing (an operator's replay may rerun a dead letter). */
export const FINISHED: ReadonlySet<ChangeStatus> = new Set(['accepted', 'gone', 'no-worker', 'dead-lettered']);

export interface ChangeRecord {
  tenantId: string;
  connector: string;
  key: string;
  sourceId: string;
  kind: ChangeKind;
  occurredAt: string;
  status: ChangeStatus;
  /** The lifecycle event the change gives (or would give): `<connector>-<key>`, scoped to the tenant. */
  eventId: string;
  /** Fetch attempts made so far. */
  attempts: number;
  /** What happened, for an operator: never a value from the record, never a secret. */
  detail?: string;
  nextAttemptAt?: string;
  updatedAt: string;
}

export interface ChangeLedger {
  getChange(tenantId: string, connector: string, key: string): Promise<ChangeRecord | undefined>;
  putChange(record: ChangeRecord): Promise<void>;
  /** The employeeId the connector last mapped this HR employee to. */
  workerOf(tenantId: string, connector: string, sourceId: string): Promise<string | undefined>;
  rememberWorker(tenantId: string, connector: string, sourceId: string, employeeId: string, at: Date): Promise<void>;
}

const changePartition = (tenantId: string, connector: string) => `change|${tenantId}|${connector}`;
const workerPartition = (tenantId: string, connector: string) => `worker|${tenantId}|${connector}`;

export class TableChangeLedger implements ChangeLedger {
  private ready: Promise<unknown> | undefined;

  constructor(private readonly table: TableClient) {}

  static fromSettings(settings: Settings): TableChangeLedger {
    return new TableChangeLedger(createTableClient(settings, `${settings.LEDGER_TABLE_NAME}Connectors`));
  }

  async getChange(tenantId: string, connector: string, key: string): Promise<ChangeRecord | undefined> {
    const entity = await this.read(changePartition(tenantId, connector), key);
    return entity ? (JSON.parse(entity.recordJson) as ChangeRecord) : undefined;
  }

  async putChange(record: ChangeRecord): Promise<void> {
    await this.ensureTable();
    await this.table.upsertEntity({ partitionKey: changePartition(record.tenantId, record.connector), rowKey: record.key, recordJson: JSON.stringify(record) }, 'Replace');
  }

  async workerOf(tenantId: string, connector: string, sourceId: string): Promise<string | undefined> {
    const entity = await this.read(workerPartition(tenantId, connector), sourceId);
    return entity ? (JSON.parse(entity.recordJson) as { employeeId: string }).employeeId : undefined;
  }

  async rememberWorker(tenantId: string, connector: string, sourceId: string, employeeId: string, at: Date): Promise<void> {
    await this.ensureTable();
    await this.table.upsertEntity({ partitionKey: workerPartition(tenantId, connector), rowKey: sourceId, recordJson: JSON.stringify({ employeeId, updatedAt: at.toISOString() }) }, 'Replace');
  }

  private async read(partitionKey: string, rowKey: string): Promise<{ recordJson: string } | undefined> {
    await this.ensureTable();
    try {
      return await this.table.getEntity<{ recordJson: string }>(partitionKey, rowKey);
    } catch (error) {
      if (error instanceof tablesSdk().RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  private ensureTable(): Promise<unknown> {
    this.ready ??= this.table.createTable().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

const ledgers = new WeakMap<Settings, ChangeLedger>();

/** One table client per app settings, as the services container keeps one ledger. */
export function changeLedgerFor(settings: Settings): ChangeLedger {
  let ledger = ledgers.get(settings);
  if (!ledger) {
    ledger = TableChangeLedger.fromSettings(settings);
    ledgers.set(settings, ledger);
  }
  return ledger;
}
