import type { ReadyTenant } from '../tenancy/tenant-registry';
import type { HrConnector, ResolvedAccess } from './port';
import { connectorNamed } from './registry';

/** How long one call to an HR API may take: the webhook is answered before any, and a stuck API must not hold a queue slot. */
export const HR_API_TIMEOUT_MS = 10_000;

export type TenantConnector = { connector: HrConnector<never>; config: never };

/** The tenant's configuration of one connector; undefined: no such connector, or the tenant has not set it up. */
export function tenantConnector(tenant: ReadyTenant, name: string): TenantConnector | undefined {
  const connector = connectorNamed(name);
  const config = (tenant.connectors as Record<string, unknown> | undefined)?.[name];
  return connector && config !== undefined ? { connector, config: config as never } : undefined;
}

/** The tenant's access to the connector's API, reading the app settings its config names. */
export function connectorAccess(tenant: ReadyTenant, { connector, config }: TenantConnector): ResolvedAccess {
  const { namedSetting } = tenant;
  if (!namedSetting) return { ok: false, problem: 'the tenant cannot read app settings' };
  return connector.resolve(config, { namedSetting, runtime: tenant.settings.LIFECYCLE_RUNTIME, timeoutMs: HR_API_TIMEOUT_MS });
}
