import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { blobsSdk } from '../runtime/sdk';
import type { Settings } from '../config/settings';
import { appManagedIdentity } from '../runtime/identity';
import { HOME_TENANT } from '../tenancy/tenant';
import type { LicenceAuditReport } from './report';

/** One stored report, as listed without downloading it. */
export interface ReportSummary {
  id: string;
  generatedAt: string;
  usersScanned: number;
  wasteMonthlyCost: number;
  lowStockSkus: number;
}

/** Where audit reports are kept, with history. */
export interface ReportStore {
  save(report: LicenceAuditReport): Promise<void>;
  latest(): Promise<LicenceAuditReport | undefined>;
  /** Full reports, newest first. */
  history(limit: number): Promise<LicenceAuditReport[]>;
  /** Summaries, newest first, from blob metadata (no downloads). */
  list(limit: number): Promise<ReportSummary[]>;
  /** The same store for one tenant's reports (the home tenant's are this store's own). */
  forTenant(key: string): ReportStore;
}

export class AuditStorageNotConfiguredError extends Error {
  constructor() {
    super('No storage configured for licence audit reports: set AzureWebJobsStorage or AzureWebJobsStorage__accountName');
    this.name = 'AuditStorageNotConfiguredError';
  }
}

const MAX_TIME = 9_999_999_999_999;

/**
 * `reports/<inverted time>-<id>.json` (a customer tenant's under `tenants/<key>/`): a plain
 * (ascending) listing is newest first, so reading stops at `limit`.
 */
export function blobNameOf(report: Pick<LicenceAuditReport, 'generatedAt' | 'id'>, prefix = ''): string {
  return `${prefix}reports/${String(MAX_TIME - new Date(report.generatedAt).getTime()).padStart(13, '0')}-${report.id}.json`;
}

export function summaryOf(report: LicenceAuditReport): ReportSummary {
  return {
    id: report.id,
    generatedAt: report.generatedAt,
    usersScanned: report.usersScanned,
    wasteMonthlyCost: report.wasteMonthlyCost,
    lowStockSkus: report.skus.filter((s) => s.lowStock).length,
  };
}

/**
 * Blob Storage, in the app's own storage account: connection string (Azurite locally) or
 * managed identity with `AzureWebJobsStorage__accountName` — the same choice as the ledger's
 * `createTableClient`.
 */
export class BlobReportStore implements ReportStore {
  private ready: Promise<unknown> | undefined;

  constructor(
    private readonly container: ContainerClient,
    private readonly prefix = '',
  ) {}

  forTenant(key: string): ReportStore {
    return key === HOME_TENANT ? this : new BlobReportStore(this.container, `tenants/${key}/`);
  }

  static fromSettings(settings: Settings): BlobReportStore {
    return new BlobReportStore(createBlobServiceClient(settings).getContainerClient(settings.AUDIT_CONTAINER_NAME));
  }

  async save(report: LicenceAuditReport): Promise<void> {
    await this.ensure();
    const body = JSON.stringify(report);
    const summary = summaryOf(report);
    await this.container.getBlockBlobClient(blobNameOf(report, this.prefix)).upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
      metadata: Object.fromEntries(Object.entries(summary).map(([k, v]) => [k.toLowerCase(), String(v)])),
    });
  }

  async latest(): Promise<LicenceAuditReport | undefined> {
    return (await this.history(1))[0];
  }

  async history(limit: number): Promise<LicenceAuditReport[]> {
    const names = (await this.newest(limit)).map((b) => b.name);
    return Promise.all(names.map(async (name) => JSON.parse((await this.container.getBlobClient(name).downloadToBuffer()).toString('utf8')) as LicenceAuditReport));
  }

  async list(limit: number): Promise<ReportSummary[]> {
    return (await this.newest(limit)).map(({ metadata: m }) => ({
      id: m.id ?? '',
      generatedAt: m.generatedat ?? '',
      usersScanned: Number(m.usersscanned),
      wasteMonthlyCost: Number(m.wastemonthlycost),
      lowStockSkus: Number(m.lowstockskus),
    }));
  }

  private async newest(limit: number): Promise<{ name: string; metadata: Record<string, string | undefined> }[]> {
    await this.ensure();
    const found: { name: string; metadata: Record<string, string | undefined> }[] = [];
    for await (const blob of this.container.listBlobsFlat({ prefix: `${this.prefix}reports/`, includeMetadata: true })) {
      found.push({ name: blob.name, metadata: blob.metadata ?? {} });
      if (found.length >= limit) break;
    }
    return found;
  }

  private ensure(): Promise<unknown> {
    this.ready ??= this.container.createIfNotExists().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

export function createBlobServiceClient(settings: Settings): BlobServiceClient {
  const { BlobServiceClient } = blobsSdk();
  if (settings.AzureWebJobsStorage) return BlobServiceClient.fromConnectionString(settings.AzureWebJobsStorage);
  if (settings.AzureWebJobsStorage__accountName) {
    return new BlobServiceClient(`https://${settings.AzureWebJobsStorage__accountName}.blob.core.windows.net`, appManagedIdentity(settings));
  }
  throw new AuditStorageNotConfiguredError();
}
