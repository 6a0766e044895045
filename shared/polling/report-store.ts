import type { ContainerClient } from '@azure/storage-blob';
import { createBlobServiceClient } from '../audit/report-store';
import type { Settings } from '../config/settings';
import { blobsSdk } from '../runtime/sdk';
import type { ReportSnapshot } from './diff';
import type { ShrinkVerdict } from './shrink-guard';

/**
 * What the poller keeps per tenant, as JSON blobs in the app's storage account (like the licence
 * reports and leaver snapshots): the last accepted report's snapshot (the diff's base), a report held
 * by the shrink guard until an operator releases it, and what the last run did. A snapshot is one
 * blob per tenant, written only with the ETag it was read with, so two runs racing (the timer and a
 * manual run on two instances) cannot put an older report over a newer one.
 */

export interface HeldReport {
  tenantId: string;
  heldAt: string;
  /** The kept snapshot it was diffed against (its id): a release applies only on that base. */
  baseId: string;
  verdict: ShrinkVerdict;
  /** Employee ids of the workers gone (the first 100), for the operator to check. */
  goneSample: string[];
  snapshot: ReportSnapshot;
}

/** One run as the status route shows it: counts and reasons, never a worker's attributes. */
export interface RunRecord {
  tenantId: string;
  at: string;
  outcome: 'accepted' | 'unchanged' | 'held' | 'failed' | 'released';
  reason?: string;
  rows?: number;
  emitted?: Record<string, number>;
  unreadableRows?: number;
}

export class SnapshotChangedError extends Error {
  constructor(tenantId: string) {
    super(`another run saved a report snapshot of ${tenantId} meanwhile; this run's snapshot was not saved (its events are the other run's or harmless repeats)`);
    this.name = 'SnapshotChangedError';
  }
}

export interface ReportSnapshotStore {
  snapshot(tenantId: string): Promise<{ snapshot: ReportSnapshot; etag: string } | undefined>;
  /** `etag`: the one the base was read with; undefined: there was none. Throws SnapshotChangedError. */
  saveSnapshot(snapshot: ReportSnapshot, etag: string | undefined): Promise<void>;
  held(tenantId: string): Promise<HeldReport | undefined>;
  hold(report: HeldReport): Promise<void>;
  dropHold(tenantId: string): Promise<void>;
  lastRun(tenantId: string): Promise<RunRecord | undefined>;
  recordRun(run: RunRecord): Promise<void>;
}

/** `<ledger table, lower-cased>-hr-reports`, so two ledgers (test hosts) never share one. */
export function reportContainerName(ledgerTableName: string): string {
  return `${ledgerTableName.toLowerCase().slice(0, 52)}-hr-reports`;
}

function isStatus(error: unknown, ...statuses: number[]): boolean {
  return error instanceof blobsSdk().RestError && statuses.includes(error.statusCode ?? 0);
}

export class BlobReportSnapshotStore implements ReportSnapshotStore {
  private ready: Promise<unknown> | undefined;
  private client: ContainerClient | undefined;

  constructor(private readonly container: () => ContainerClient) {}

  static fromSettings(settings: Settings): BlobReportSnapshotStore {
    return new BlobReportSnapshotStore(() => createBlobServiceClient(settings).getContainerClient(reportContainerName(settings.LEDGER_TABLE_NAME)));
  }

  private get blobs(): ContainerClient {
    return (this.client ??= this.container());
  }

  async snapshot(tenantId: string): Promise<{ snapshot: ReportSnapshot; etag: string } | undefined> {
    const found = await this.read<ReportSnapshot>(`${tenantId}/snapshot.json`);
    return found && { snapshot: found.value, etag: found.etag };
  }

  async saveSnapshot(snapshot: ReportSnapshot, etag: string | undefined): Promise<void> {
    try {
      await this.write(`${snapshot.tenantId}/snapshot.json`, snapshot, etag === undefined ? { ifNoneMatch: '*' } : { ifMatch: etag });
    } catch (error) {
      // Only the conditions this write set; another 409/412 (a lease) is a storage failure like any other.
      const code = (error as { code?: string }).code;
      if (isStatus(error, 409, 412) && (code === 'ConditionNotMet' || code === 'BlobAlreadyExists')) throw new SnapshotChangedError(snapshot.tenantId);
      throw error;
    }
  }

  async held(tenantId: string): Promise<HeldReport | undefined> {
    return (await this.read<HeldReport>(`${tenantId}/held.json`))?.value;
  }

  async hold(report: HeldReport): Promise<void> {
    await this.write(`${report.tenantId}/held.json`, report);
  }

  async dropHold(tenantId: string): Promise<void> {
    await this.ensure();
    await this.blobs.getBlobClient(`${tenantId}/held.json`).deleteIfExists();
  }

  async lastRun(tenantId: string): Promise<RunRecord | undefined> {
    return (await this.read<RunRecord>(`${tenantId}/last-run.json`))?.value;
  }

  async recordRun(run: RunRecord): Promise<void> {
    await this.write(`${run.tenantId}/last-run.json`, run);
  }

  private async read<T>(name: string): Promise<{ value: T; etag: string } | undefined> {
    await this.ensure();
    try {
      const response = await this.blobs.getBlobClient(name).download();
      const chunks: Buffer[] = [];
      for await (const chunk of response.readableStreamBody as NodeJS.ReadableStream) chunks.push(Buffer.from(chunk as Buffer));
      return { value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T, etag: response.etag as string };
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  private async write(name: string, value: unknown, conditions: { ifMatch?: string; ifNoneMatch?: string } = {}): Promise<void> {
    await this.ensure();
    const body = JSON.stringify(value);
    await this.blobs.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), { conditions, blobHTTPHeaders: { blobContentType: 'application/json' } });
  }

  private ensure(): Promise<unknown> {
    this.ready ??= this.blobs.createIfNotExists().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}
