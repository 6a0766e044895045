import type { Client } from '@microsoft/microsoft-graph-client';
import type { NamedSetting, Settings } from '../config/settings';
import type { TenantDirectory } from '../graph/tenant-directory';
import type { PendingManagerLinks } from '../ledger/pending-manager-links';
import type { Ledger } from '../ledger/types';
import type { CredentialChannel } from '../credentials/channel';
import type { TenantRuntime } from '../tenancy/tenant-runtime';
import type { AccessPolicy } from '../rules/access-policy';

/** Everything processing needs, passed in: the same domain runs in Azure, locally and in tests. */
export interface ProcessingDeps {
  graph: Client;
  /** Lookups by employeeId, group resolution and adds, SKUs: shared with the worker's other events. */
  directory: TenantDirectory;
  ledger: Ledger;
  pendingLinks: PendingManagerLinks;
  policy: AccessPolicy;
  settings: Settings;
  now: () => Date;
  /** `plan` (dry run) reads the tenant and reports each step it would take, changing nothing. */
  mode: 'apply' | 'plan';
  /** Where Temporary Access Passes go; absent: none are issued (self-service sign-in). */
  credentials?: CredentialChannel;
  /** An app setting the tenant's rules name (a custom step's key), never logged; absent: none can be read. */
  namedSetting?: (name: string, options?: { minLength?: number }) => NamedSetting;
}

/** The absolute Graph root used in `@odata.id` references. */
export function graphRoot(deps: Pick<ProcessingDeps, 'settings'>): string {
  return new URL(deps.settings.GRAPH_BASE_URL).origin;
}

/**
 * What processing needs for one tenant: its Graph client, directory, rules and settings, with the
 * worker's shared stores. The one place that says which dependencies are the tenant's own.
 */
export function tenantDeps(
  runtime: TenantRuntime,
  shared: { pendingLinks: PendingManagerLinks; now: () => Date; credentials?: CredentialChannel | undefined },
): Omit<ProcessingDeps, 'ledger' | 'mode'> {
  const { tenant, graph, directory } = runtime;
  return {
    graph,
    directory,
    pendingLinks: shared.pendingLinks,
    policy: tenant.policy,
    settings: tenant.settings,
    now: shared.now,
    ...(shared.credentials ? { credentials: shared.credentials } : {}),
    ...(tenant.namedSetting ? { namedSetting: tenant.namedSetting } : {}),
  };
}
