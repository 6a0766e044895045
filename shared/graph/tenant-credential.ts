import type { TokenCredential } from '@azure/identity';
import { identitySdk } from '../runtime/sdk';
import { isLoopbackUrl, type Settings } from '../config/settings';
import { appManagedIdentity } from '../runtime/identity';
import { createGraphCredential, LocalSimulatorCredential } from './credential';

/** Who Graph calls are made for: the home tenant, or one customer tenant of an MSP deployment. */
export interface TenantIdentity {
  key: string;
  /** undefined: the home tenant */
  directoryTenantId?: string;
  graphBaseUrl: string;
}

export type TenantCredentialErrorCode = 'MspAppClientIdMissing' | 'ManagedIdentityClientIdMissing' | 'ManagedIdentityTokenMissing';

/**
 * A customer tenant's credential cannot be made or cannot get its assertion. The message names
 * the tenant and the setting to fix; it never holds a token or an assertion.
 */
export class TenantCredentialError extends Error {
  constructor(
    readonly code: TenantCredentialErrorCode,
    readonly tenant: string,
    /** The app setting to fix, when one is at fault. */
    readonly setting: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'TenantCredentialError';
  }
}

/** Entra authority of the national clouds' Graph endpoints; other endpoints: @azure/identity's default. */
const AUTHORITY_FOR_GRAPH_HOST: Readonly<Record<string, string>> = {
  // @azure/identity's AzureAuthorityHosts values, written out so this module loads without the SDK.
  'graph.microsoft.us': 'https://login.microsoftonline.us',
  'dod-graph.microsoft.us': 'https://login.microsoftonline.us',
  'microsoftgraph.chinacloudapi.cn': 'https://login.chinacloudapi.cn',
};

/**
 * The Entra authority host that issues tokens for this Graph endpoint, or undefined for
 * `https://graph.microsoft.com` and unknown hosts (then @azure/identity uses `AZURE_AUTHORITY_HOST`
 * or `https://login.microsoftonline.com`).
 */
export function authorityHostForGraph(graphBaseUrl: string): string | undefined {
  try {
    return AUTHORITY_FOR_GRAPH_HOST[new URL(graphBaseUrl).hostname.toLowerCase()];
  } catch {
    return undefined;
  }
}

/**
 * The credential Graph calls for this tenant use.
 *
 * - Home tenant (no `directoryTenantId`): `createGraphCredential(settings)`, as before.
 * - Customer tenant with a loopback `graphBaseUrl` while `LIFECYCLE_RUNTIME` is `local`: a
 *   `LocalSimulatorCredential` (a simulated customer; nothing leaves the machine).
 * - Any other customer tenant: a `ClientAssertionCredential` for `directoryTenantId` and the
 *   multi-tenant app `MSP_APP_CLIENT_ID`, whose client assertion is the Function App's
 *   user-assigned managed identity token for `${MSP_TOKEN_EXCHANGE_AUDIENCE}/.default` — the app's
 *   federated identity credential is that managed identity, so no secret or certificate exists.
 *   The managed identity is `appManagedIdentity(settings)` (shared, so its token cache is too)
 *   unless `options.managedIdentity` is given.
 *
 * The returned credential caches the customer's tokens in memory: keep one per tenant rather
 * than creating one per request. Graph's scope is the caller's (`graphScope(graphBaseUrl)`).
 * `options.authorityHost` overrides the Entra authority (default: the national cloud's for its
 * Graph endpoint, else `https://login.microsoftonline.com`); for a loopback authority (a test's
 * fake Entra) instance discovery is turned off, because MSAL would otherwise ask
 * login.microsoftonline.com to vouch for an authority it does not know.
 *
 * Throws `TenantCredentialError` when `MSP_APP_CLIENT_ID` (or, without an injected managed
 * identity, `AZURE_CLIENT_ID`) is not set.
 */
export function createTenantCredential(
  settings: Settings,
  tenant: TenantIdentity,
  options: { managedIdentity?: TokenCredential; authorityHost?: string } = {},
): TokenCredential {
  if (tenant.directoryTenantId === undefined) return createGraphCredential(settings);

  if (settings.LIFECYCLE_RUNTIME === 'local' && isLoopbackUrl(tenant.graphBaseUrl)) {
    return new LocalSimulatorCredential(tenant.graphBaseUrl);
  }

  const clientId = settings.MSP_APP_CLIENT_ID;
  if (!clientId) {
    throw new TenantCredentialError(
      'MspAppClientIdMissing',
      tenant.key,
      'MSP_APP_CLIENT_ID',
      `Customer tenant '${tenant.key}' has no credential: set MSP_APP_CLIENT_ID to the client id of the multi-tenant app registration whose federated identity credential is this app's managed identity (docs/msp.md).`,
    );
  }
  if (!options.managedIdentity && !settings.AZURE_CLIENT_ID) {
    // Microsoft supports only user-assigned managed identities as an app's federated credential.
    throw new TenantCredentialError(
      'ManagedIdentityClientIdMissing',
      tenant.key,
      'AZURE_CLIENT_ID',
      `Customer tenant '${tenant.key}' has no credential: set AZURE_CLIENT_ID to the client id of the user-assigned managed identity that is the federated credential of MSP_APP_CLIENT_ID (a system-assigned identity cannot be one).`,
    );
  }

  const managedIdentity = options.managedIdentity ?? appManagedIdentity(settings);
  const exchangeScope = `${settings.MSP_TOKEN_EXCHANGE_AUDIENCE.replace(/\/+$/, '')}/.default`;
  const getAssertion = async (): Promise<string> => {
    const token = await managedIdentity.getToken(exchangeScope);
    if (!token?.token) {
      throw new TenantCredentialError(
        'ManagedIdentityTokenMissing',
        tenant.key,
        undefined,
        `Customer tenant '${tenant.key}': the managed identity returned no token for ${exchangeScope}, so there is no assertion to exchange.`,
      );
    }
    return token.token;
  };

  const authorityHost = options.authorityHost ?? authorityHostForGraph(tenant.graphBaseUrl);
  return new (identitySdk().ClientAssertionCredential)(tenant.directoryTenantId, clientId, getAssertion, {
    ...(authorityHost ? { authorityHost } : {}),
    ...(authorityHost && isLoopbackUrl(authorityHost) ? { disableInstanceDiscovery: true } : {}),
  });
}
