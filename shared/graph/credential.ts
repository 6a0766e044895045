import type { AccessToken, TokenCredential } from '@azure/identity';
import { identitySdk } from '../runtime/sdk';
import { isLoopbackUrl, type Settings } from '../config/settings';
import { appManagedIdentity } from '../runtime/identity';

/**
 * A fixed token for a loopback Graph simulator. It exists so the local path exercises the same
 * auth middleware as production; it refuses to serve any non-loopback Graph endpoint so it can
 * never be pointed at a real tenant by mistake.
 */
export class LocalSimulatorCredential implements TokenCredential {
  static readonly token = 'local-simulator-token';

  constructor(graphBaseUrl: string) {
    if (!isLoopbackUrl(graphBaseUrl)) {
      throw new Error('LocalSimulatorCredential is only allowed for a loopback GRAPH_BASE_URL');
    }
  }

  async getToken(): Promise<AccessToken> {
    return { token: LocalSimulatorCredential.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

export function createGraphCredential(settings: Settings): TokenCredential {
  switch (settings.GRAPH_CREDENTIAL) {
    case 'local':
      return new LocalSimulatorCredential(settings.GRAPH_BASE_URL);
    case 'default':
      return new (identitySdk().DefaultAzureCredential)(
        settings.AZURE_CLIENT_ID ? { managedIdentityClientId: settings.AZURE_CLIENT_ID } : {},
      );
    case 'managed-identity':
      return appManagedIdentity(settings);
  }
}

/** `https://graph.microsoft.com/.default`, or the national cloud's / simulator's equivalent. */
export function graphScope(graphBaseUrl: string): string {
  return `${new URL(graphBaseUrl).origin}/.default`;
}
