import { Client, MiddlewareFactory } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import type { TokenCredential } from '@azure/identity';
import type { Settings } from '../config/settings';
import { createGraphCredential, graphScope } from './credential';
import { DependencyRecorder, type GraphDependency } from './dependency-recorder';
import type { GraphGovernor } from './governor';
import { GovernorMiddleware } from './governor-middleware';

const knownGraphHosts = new Set(['graph.microsoft.com', 'graph.microsoft.us', 'dod-graph.microsoft.us', 'microsoftgraph.chinacloudapi.cn']);

export interface GraphClientOptions {
  credential?: TokenCredential;
  /** Telemetry of every try (the SDK's retries included). */
  recordDependency?: (dependency: GraphDependency) => void;
  /** The tenant's throttle governor; every try passes it just before the wire. */
  governor?: GraphGovernor;
}

/**
 * One Graph client per tenant and worker. The SDK attaches the token only to hosts it knows,
 * so a non-Microsoft host (the simulator) is declared as a custom host.
 */
export function createGraphClient(settings: Settings, options: GraphClientOptions = {}): Client {
  const { credential = createGraphCredential(settings), recordDependency, governor } = options;
  const base = new URL(settings.GRAPH_BASE_URL);
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [graphScope(settings.GRAPH_BASE_URL)] });
  // The SDK's default chain; below its retry handler, just above HTTP: the governor, then the
  // recorder (so a try's recorded duration is Graph's, not time spent waiting for a token).
  const chain = MiddlewareFactory.getDefaultMiddlewareChain(authProvider);
  const extra = [...(governor ? [new GovernorMiddleware(governor)] : []), ...(recordDependency ? [new DependencyRecorder(recordDependency)] : [])];
  chain.splice(chain.length - 1, 0, ...extra);
  return Client.initWithMiddleware({
    middleware: chain,
    baseUrl: `${base.origin}/`,
    defaultVersion: 'v1.0',
    ...(knownGraphHosts.has(base.hostname) ? {} : { customHosts: new Set([base.hostname]) }),
  });
}
