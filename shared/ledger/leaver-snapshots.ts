import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type { Settings } from '../config/settings';
import { appManagedIdentity } from '../runtime/identity';
import { blobsSdk } from '../runtime/sdk';

/** One part of a leaver's state: what was read, or why it could not be (an option off, a permission the app lacks). */
export type SnapshotPartRecord = { read: true; value: unknown } | { read: false; reason: string };

/**
 * A leaver's account as it was before the leaver's first change, kept for an undo (and a rehire
 * within retention) to restore from. Personal data, never a secret: authentication methods are
 * recorded by type only.
 */
export interface LeaverSnapshot {
  /** The shape of this record, so a later reader knows what it holds. */
  version: 1;
  tenantId: string;
  employeeId: string;
  /** The leaver event it was taken for: the state before that event's first change. */
  leaverEventId: string;
  takenAt: string;
  /** The account (directory object id) it describes: an undo restores that object and no other. */
  userId: string;
  userPrincipalName: string;
  /** Each part of the state by name (`SNAPSHOT_PARTS`), in the order they were read. */
  parts: Record<string, SnapshotPartRecord>;
}

/** A stored snapshot as listed, without reading it. */
export interface SnapshotSummary {
  leaverEventId: string;
  takenAt: string;
  userId: string;
  /** Whether the account could sign in when the snapshot was taken (false: it was already offboarded). */
  accountEnabled: boolean;
}

/**
 * Where leaver snapshots are kept. One per leaver event, and the first one stays: a redelivered or
 * replayed leaver finds its account already changed, and the state before the FIRST change is the
 * one to restore.
 */
export interface LeaverSnapshots {
  /** Stores `snapshot` unless its leaver event has one; returns the one kept (`stored: false`: an earlier one). */
  keepFirst(snapshot: LeaverSnapshot): Promise<{ stored: boolean; snapshot: LeaverSnapshot }>;
  get(tenantId: string, employeeId: string, leaverEventId: string): Promise<LeaverSnapshot | undefined>;
  /** The worker's snapshots, newest first. */
  list(tenantId: string, employeeId: string): Promise<SnapshotSummary[]>;
}

/**
 * Which of a worker's snapshots an undo or a rehire restores: the newest taken while the account
 * could still sign in. A leaver sent twice (a second leaver event for a worker already offboarded)
 * snapshots an account that is already off; the working state is in the earlier one.
 */
export function snapshotToRestore(snapshots: readonly SnapshotSummary[]): SnapshotSummary | undefined {
  return snapshots.find((s) => s.accountEnabled) ?? snapshots[0];
}

/** Entra compares employeeIds case-insensitively, so the key does too; base64url keeps any character out of the path. */
function workerPrefix(tenantId: string, employeeId: string): string {
  return `${tenantId}/${Buffer.from(employeeId.toLowerCase(), 'utf8').toString('base64url')}/`;
}

/** eventIds hold only letters, digits and `. _ : @ -` (and never `.` or `..` alone): safe as a blob name's last segment. */
function blobName(tenantId: string, employeeId: string, leaverEventId: string): string {
  return `${workerPrefix(tenantId, employeeId)}${leaverEventId}.json`;
}

function summaryOf(snapshot: LeaverSnapshot): SnapshotSummary {
  const attributes = snapshot.parts.attributes;
  const enabled = attributes?.read ? (attributes.value as { accountEnabled?: boolean }).accountEnabled !== false : true;
  return { leaverEventId: snapshot.leaverEventId, takenAt: snapshot.takenAt, userId: snapshot.userId, accountEnabled: enabled };
}

function newestFirst(a: SnapshotSummary, b: SnapshotSummary): number {
  return b.takenAt.localeCompare(a.takenAt);
}

/**
 * Snapshots as JSON blobs in the app's storage account, beside the ledger's tables, in a container
 * of their own (`<ledger table>-snapshots`, so two ledgers never share one): a worker in hundreds of
 * groups makes a snapshot larger than a Table property's 64 KiB, and a blob has no such limit.
 * `If-None-Match: *` makes the first write the only one, also when two copies of an event race.
 */
export class BlobLeaverSnapshots implements LeaverSnapshots {
  private ready: Promise<unknown> | undefined;
  private client: ContainerClient | undefined;

  /** `container` is called on first use: the Blob SDK loads only when a snapshot is read or written. */
  constructor(private readonly container: () => ContainerClient) {}

  static fromSettings(settings: Settings): BlobLeaverSnapshots {
    return new BlobLeaverSnapshots(() => snapshotBlobService(settings).getContainerClient(snapshotContainerName(settings.LEDGER_TABLE_NAME)));
  }

  private get blobs(): ContainerClient {
    return (this.client ??= this.container());
  }

  async keepFirst(snapshot: LeaverSnapshot): Promise<{ stored: boolean; snapshot: LeaverSnapshot }> {
    await this.ensure();
    const body = JSON.stringify(snapshot);
    const summary = summaryOf(snapshot);
    try {
      await this.blobs.getBlockBlobClient(blobName(snapshot.tenantId, snapshot.employeeId, snapshot.leaverEventId)).upload(body, Buffer.byteLength(body), {
        conditions: { ifNoneMatch: '*' },
        blobHTTPHeaders: { blobContentType: 'application/json' },
        metadata: { leavereventid: summary.leaverEventId, takenat: summary.takenAt, userid: summary.userId, accountenabled: String(summary.accountEnabled) },
      });
      return { stored: true, snapshot };
    } catch (error) {
      // 409 BlobAlreadyExists: an earlier attempt of this leaver stored its snapshot first.
      if (!isStatus(error, 409) && !isStatus(error, 412)) throw error;
      const kept = await this.get(snapshot.tenantId, snapshot.employeeId, snapshot.leaverEventId);
      if (!kept) throw error;
      return { stored: false, snapshot: kept };
    }
  }

  async get(tenantId: string, employeeId: string, leaverEventId: string): Promise<LeaverSnapshot | undefined> {
    await this.ensure();
    try {
      const buffer = await this.blobs.getBlobClient(blobName(tenantId, employeeId, leaverEventId)).downloadToBuffer();
      return JSON.parse(buffer.toString('utf8')) as LeaverSnapshot;
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async list(tenantId: string, employeeId: string): Promise<SnapshotSummary[]> {
    await this.ensure();
    const found: SnapshotSummary[] = [];
    for await (const blob of this.blobs.listBlobsFlat({ prefix: workerPrefix(tenantId, employeeId), includeMetadata: true })) {
      const m = blob.metadata ?? {};
      if (!m.leavereventid || !m.takenat || !m.userid) continue;
      found.push({ leaverEventId: m.leavereventid, takenAt: m.takenat, userId: m.userid, accountEnabled: m.accountenabled !== 'false' });
    }
    return found.sort(newestFirst);
  }

  private ensure(): Promise<unknown> {
    this.ready ??= this.blobs.createIfNotExists().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

/** The ledger table's name is 3–63 letters and digits; a container name is 3–63 lower-case letters, digits and single dashes. */
export function snapshotContainerName(ledgerTableName: string): string {
  return `${ledgerTableName.toLowerCase().slice(0, 53)}-snapshots`;
}

/** The same storage the ledger uses: a connection string (Azurite) or the managed identity. */
function snapshotBlobService(settings: Settings): BlobServiceClient {
  const { BlobServiceClient } = blobsSdk();
  if (settings.AzureWebJobsStorage) return BlobServiceClient.fromConnectionString(settings.AzureWebJobsStorage);
  if (settings.AzureWebJobsStorage__accountName) {
    return new BlobServiceClient(`https://${settings.AzureWebJobsStorage__accountName}.blob.core.windows.net`, appManagedIdentity(settings));
  }
  throw new Error('No storage configured: set AzureWebJobsStorage or AzureWebJobsStorage__accountName');
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof blobsSdk().RestError && error.statusCode === status;
}

/** Snapshots that live as long as their ledger: a dry run's (which stores none) and unit tests'. */
export class MemoryLeaverSnapshots implements LeaverSnapshots {
  private readonly snapshots = new Map<string, LeaverSnapshot>();

  async keepFirst(snapshot: LeaverSnapshot): Promise<{ stored: boolean; snapshot: LeaverSnapshot }> {
    const key = blobName(snapshot.tenantId, snapshot.employeeId, snapshot.leaverEventId);
    const kept = this.snapshots.get(key);
    if (kept) return { stored: false, snapshot: structuredClone(kept) };
    this.snapshots.set(key, structuredClone(snapshot));
    return { stored: true, snapshot };
  }

  async get(tenantId: string, employeeId: string, leaverEventId: string): Promise<LeaverSnapshot | undefined> {
    const kept = this.snapshots.get(blobName(tenantId, employeeId, leaverEventId));
    return kept ? structuredClone(kept) : undefined;
  }

  async list(tenantId: string, employeeId: string): Promise<SnapshotSummary[]> {
    const prefix = workerPrefix(tenantId, employeeId);
    return [...this.snapshots].filter(([key]) => key.startsWith(prefix)).map(([, s]) => summaryOf(s)).sort(newestFirst);
  }
}
