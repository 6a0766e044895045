import type { Client } from '@microsoft/microsoft-graph-client';
import type { Settings } from '../config/settings';
import type { TenantDirectory } from '../graph/tenant-directory';
import type { PendingManagerLinks } from '../ledger/pending-manager-links';
import type { Ledger } from '../ledger/types';
import type { CredentialChannel } from '../credentials/channel';
import type { AccessPolicy } from './policy';

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
}

/** The absolute Graph root used in `@odata.id` references. */
export function graphRoot(deps: Pick<ProcessingDeps, 'settings'>): string {
  return new URL(deps.settings.GRAPH_BASE_URL).origin;
}
