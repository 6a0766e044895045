import { Client, MiddlewareFactory } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import type { TokenCredential } from '@azure/identity';
import type { Settings } from '../config/settings';
import { createGraphCredential, graphScope } from './credential';
import { DependencyRecorder, type GraphDependency } from './dependency-recorder';

const knownGraphHosts = new Set(['graph.microsoft.com', 'graph.microsoft.us', 'dod-graph.microsoft.us', 'microsoftgraph.chinacloudapi.cn']);

/**
 * One Graph client per worker. The SDK attaches the token only to hosts it knows, so a
 * non-Microsoft host (the simulator) is declared as a custom host.
 */
export function createGraphClient(
  settings: Settings,
  credential: TokenCredential = createGraphCredential(settings),
  recordDependency?: (dependency: GraphDependency) => void,
): Client {
  const base = new URL(settings.GRAPH_BASE_URL);
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [graphScope(settings.GRAPH_BASE_URL)] });
  // The SDK's default chain, with a recorder just above the HTTP handler when telemetry wants it.
  const chain = MiddlewareFactory.getDefaultMiddlewareChain(authProvider);
  if (recordDependency) chain.splice(chain.length - 1, 0, new DependencyRecorder(recordDependency));
  return Client.initWithMiddleware({
    middleware: chain,
    baseUrl: `${base.origin}/`,
    defaultVersion: 'v1.0',
    ...(knownGraphHosts.has(base.hostname) ? {} : { customHosts: new Set([base.hostname]) }),
  });
}
