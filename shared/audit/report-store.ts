import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { ManagedIdentityCredential } from '@azure/identity';
import type { Settings } from '../config/settings';
import type { LicenceAuditReport } from './report';

/** Where audit reports are kept, with history. */
export interface ReportStore {
  save(report: LicenceAuditReport): Promise<void>;
  latest(): Promise<LicenceAuditReport | undefined>;
  /** Newest first. */
  history(limit: number): Promise<LicenceAuditReport[]>;
}

/**
 * Blob Storage: `reports/<generatedAt>-<id>.json` per run (names sort by time) and the app's own
 * storage account (identity-based in Azure, Azurite locally).
 */
export class BlobReportStore implements ReportStore {
  private ready: Promise<unknown> | undefined;

  constructor(private readonly container: ContainerClient) {}

  static fromSettings(settings: Settings): BlobReportStore {
    const service = settings.AzureWebJobsStorage
      ? BlobServiceClient.fromConnectionString(settings.AzureWebJobsStorage)
      : new BlobServiceClient(
          `https://${settings.AzureWebJobsStorage__accountName}.blob.core.windows.net`,
          settings.AZURE_CLIENT_ID ? new ManagedIdentityCredential({ clientId: settings.AZURE_CLIENT_ID }) : new ManagedIdentityCredential(),
        );
    return new BlobReportStore(service.getContainerClient(settings.AUDIT_CONTAINER_NAME));
  }

  async save(report: LicenceAuditReport): Promise<void> {
    await this.ensure();
    const body = JSON.stringify(report);
    await this.container.getBlockBlobClient(`reports/${report.generatedAt}-${report.id}.json`).upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
  }

  async latest(): Promise<LicenceAuditReport | undefined> {
    return (await this.history(1))[0];
  }

  async history(limit: number): Promise<LicenceAuditReport[]> {
    await this.ensure();
    const names: string[] = [];
    for await (const blob of this.container.listBlobsFlat({ prefix: 'reports/' })) names.push(blob.name);
    const newest = names.sort().reverse().slice(0, limit);
    return Promise.all(newest.map(async (name) => JSON.parse((await this.container.getBlobClient(name).downloadToBuffer()).toString('utf8')) as LicenceAuditReport));
  }

  private ensure(): Promise<unknown> {
    this.ready ??= this.container.createIfNotExists().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}
