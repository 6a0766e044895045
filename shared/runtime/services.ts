import { randomUUID } from 'node:crypto';
import { BlobReportStore, type ReportStore } from '../audit/report-store';
import { getSettings, resetSettings, type Settings } from '../config/settings';
import { createCredentialChannel, type CredentialChannel } from '../credentials/channel';
import { createGraphClient } from '../graph/client';
import { createAppBudget, type AppShare } from '../graph/app-budget';
import { createGovernor } from '../graph/governor';
import { TableWriteShareStore } from '../graph/table-write-share';
import { WriteShare, type WriteShareStore } from '../graph/write-share';
import { TenantDirectory } from '../graph/tenant-directory';
import { createTenantCredential } from '../graph/tenant-credential';
import { createTenantRegistry, type ReadyTenant, type TenantRegistry } from '../tenancy/tenant-registry';
import { TenantRuntimes, type TenantRuntime } from '../tenancy/tenant-runtime';
import { TablePendingManagerLinks, type PendingManagerLinks } from '../ledger/pending-manager-links';
import { TableLedger } from '../ledger/table-ledger';
import { eventIndexFor } from '../console/event-index';
import { IndexedLedger } from '../console/indexed-ledger';
import type { AccessPolicy } from '../rules/access-policy';
import { loadAccessPolicy } from '../rules/rules-file';
import type { Ledger } from '../ledger/types';
import { AzureDeadLetters } from '../messaging/azure-dead-letters';
import { closeServiceBusClient, createServiceBusSender, serviceBusClient } from '../messaging/azure-service-bus';
import type { DeadLetters } from '../messaging/dead-letters';
import type { QueueSender } from '../messaging/types';
import { createTelemetry, type Telemetry } from '../telemetry/telemetry';

/**
 * The composition root. Handlers ask for services here; each is created lazily, once per
 * worker. The local host and tests replace adapters (queue, Graph endpoint, storage) through
 * `provideServices` — the domain and handlers are the same code everywhere.
 */
export interface AppServices {
  settings: Settings;
  ledger: Ledger;
  pendingLinks: PendingManagerLinks;
  policy: AccessPolicy;
  processingQueue: QueueSender;
  deadLetters: DeadLetters;
  reportStore: ReportStore;
  /** The home tenant and the customer tenants configured for this deployment (MSPs). */
  tenants: TenantRegistry;
  /** Per tenant, the home tenant included: its token, Graph client, throttle governor and directory. */
  tenantRuntimes: TenantRuntimes;
  /** null: CREDENTIAL_DELIVERY=none, no Temporary Access Passes are issued. */
  credentials: CredentialChannel | null;
  telemetry: Telemetry;
}

/** A factory gets the container it belongs to, so what it builds uses that container's other services. */
type Factories = { [K in keyof AppServices]: (from: AppServices) => AppServices[K] };

const azureFactories: Factories = {
  settings: () => getSettings(),
  // The console's lists of events by day and by worker are kept by the ledger (shared/console/event-index).
  ledger: (s) => new IndexedLedger(TableLedger.fromSettings(s.settings), eventIndexFor(s.settings)),
  pendingLinks: (s) => TablePendingManagerLinks.fromSettings(s.settings),
  policy: (s) => loadAccessPolicy(s.settings.RULES_FILE),
  processingQueue: (s) => createServiceBusSender(s.settings, s.settings.PROCESSING_QUEUE_NAME),
  tenants: (s) => createTenantRegistry(s.settings, process.env, () => s.policy),
  tenantRuntimes: (s) => {
    // One id per container (per instance): a restarted instance is a new holder, its old row expires.
    // The same rows divide the app's own limits between the instances calling Graph (app-budget.ts).
    const writeShares = s.settings.GRAPH_WRITE_SHARE === 'table' ? { store: TableWriteShareStore.fromSettings(s.settings), instanceId: randomUUID() } : undefined;
    return new TenantRuntimes((tenant, app) => buildTenantRuntime(s, tenant, app, writeShares), s.settings.TENANT_MAX_CONCURRENT_EVENTS, createAppBudget(s.settings, writeShares));
  },
  credentials: (s) => createCredentialChannel(s.settings) ?? null,
  deadLetters: (s) => new AzureDeadLetters(() => serviceBusClient(s.settings)),
  reportStore: (s) => BlobReportStore.fromSettings(s.settings),
  telemetry: (s) => createTelemetry(s.settings),
};

/**
 * Each tenant's own token, client, budget and caches, built the same way for every tenant: the
 * credential is the only difference (the home tenant's is the app's managed identity).
 */
function buildTenantRuntime(s: AppServices, tenant: ReadyTenant, app: AppShare, writeShares?: { store: WriteShareStore; instanceId: string }): Omit<TenantRuntime, 'tenant'> {
  // The share tells the governor its rate only after a storage round trip, when `governor` exists.
  const share = writeShares
    ? new WriteShare({ ...writeShares, tenantKey: tenant.key, writesPerSecond: tenant.settings.GRAPH_WRITES_PER_SECOND, onShare: (rate) => governor.setWriteCeiling(rate), demand: () => governor.waitingWrites() })
    : undefined;
  const governor = createGovernor(tenant.settings, app, share ? { beforeWrite: () => share.beforeWrite() } : {});
  const credential = createTenantCredential(s.settings, { key: tenant.key, directoryTenantId: tenant.directoryTenantId, graphBaseUrl: tenant.settings.GRAPH_BASE_URL });
  const graph = createGraphClient(tenant.settings, { credential, governor, recordDependency: (dependency) => s.telemetry.trackDependency({ ...dependency, tenantId: tenant.key }) });
  const directory = new TenantDirectory(graph, { graphRoot: new URL(tenant.settings.GRAPH_BASE_URL).origin, governor, maxWaitMs: tenant.settings.GRAPH_BATCH_WAIT_MS });
  return { graph, governor, directory };
}

/** One set of services: what one Function App instance (one worker) holds. */
export interface ServiceContainer {
  /** Each service is created on first use, once per container. */
  readonly services: AppServices;
  /** Replaces factories; already-created instances of those keys are dropped. */
  provide(factories: Partial<Factories>): void;
  /** Forgets every instance and override; returns the processing queue sender that was open, if any. */
  clear(): QueueSender | undefined;
}

/**
 * A container of its own, apart from the worker's: the scale-out bench runs several in one
 * process, each as a separate instance would have them (settings, caches, governors, budgets).
 */
export function createServiceContainer(factories: Partial<Factories> = {}): ServiceContainer {
  let overrides: Partial<Factories> = { ...factories };
  let instances: Partial<AppServices> = {};
  const view = {} as AppServices;
  const resolve = <K extends keyof AppServices>(key: K): AppServices[K] => {
    const existing = instances[key];
    if (existing !== undefined) return existing as AppServices[K];
    const factory = (overrides[key] ?? azureFactories[key]) as (from: AppServices) => AppServices[K];
    const created = factory(view);
    instances[key] = created;
    return created;
  };
  for (const key of Object.keys(azureFactories) as (keyof AppServices)[]) {
    Object.defineProperty(view, key, { get: () => resolve(key), enumerable: true });
  }
  return {
    services: view,
    provide: (more) => {
      overrides = { ...overrides, ...more };
      for (const key of Object.keys(more) as (keyof AppServices)[]) delete instances[key];
    },
    clear: () => {
      const queue = instances.processingQueue;
      instances = {};
      overrides = {};
      return queue;
    },
  };
}

const worker = createServiceContainer();

export function services(): AppServices {
  return worker.services;
}

/** Replaces adapters (local host, tests). Already-created instances of those keys are dropped. */
export function provideServices(factories: Partial<Factories>): void {
  worker.provide(factories);
}

/** Forgets every instance and override, and the cached settings; for tests and host restarts. */
export async function resetServices(): Promise<void> {
  const queue = worker.clear();
  resetSettings();
  await queue?.close().catch(() => undefined);
  await closeServiceBusClient();
}
