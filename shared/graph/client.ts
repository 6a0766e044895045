import { Client, MiddlewareFactory, RetryHandler, RetryHandlerOptions, type ShouldRetry } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import type { TokenCredential } from '@azure/identity';
import type { Settings } from '../config/settings';
import { createGraphCredential, graphScope } from './credential';
import { DependencyRecorder, type GraphDependency } from './dependency-recorder';
import { retryAfterMs } from './errors';
import type { GraphGovernor } from './governor';
import { GovernorMiddleware } from './governor-middleware';
import { ReadOnlyGuard } from './read-only';

const knownGraphHosts = new Set(['graph.microsoft.com', 'graph.microsoft.us', 'dod-graph.microsoft.us', 'microsoftgraph.chinacloudapi.cn']);

/** Retry-Afters the SDK may sleep through in place; a longer one fails the try (see below). */
export const MAX_IN_PLACE_RETRY_AFTER_SECONDS = 10;
/** The SDK's own defaults (private there): 3 s without a Retry-After, 3 retries. */
const SDK_DEFAULT_DELAY_SECONDS = 3;
const SDK_DEFAULT_MAX_RETRIES = 3;

/**
 * The SDK's retry handler sleeps through any Retry-After (Graph sends up to minutes when a
 * tenant's budget is spent), holding the event's Service Bus session slot all that time. A
 * long one is passed up instead: the step fails as transient with Graph's Retry-After, the event
 * is re-scheduled for then, and the slot serves other work meanwhile.
 */
const retryUnlessLongWait: ShouldRetry = (_delay, _attempt, _request, _options, response) =>
  (retryAfterMs(response.headers) ?? 0) <= MAX_IN_PLACE_RETRY_AFTER_SECONDS * 1000;

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
  // The SDK's default chain; below its retry handler, just above HTTP: the dry-run write guard,
  // the governor, then the recorder (so a try's recorded duration is Graph's, not time spent waiting for a token).
  const chain = MiddlewareFactory.getDefaultMiddlewareChain(authProvider).map((m) =>
    m instanceof RetryHandler ? new RetryHandler(new RetryHandlerOptions(SDK_DEFAULT_DELAY_SECONDS, SDK_DEFAULT_MAX_RETRIES, retryUnlessLongWait)) : m,
  );
  const extra = [new ReadOnlyGuard(), ...(governor ? [new GovernorMiddleware(governor)] : []), ...(recordDependency ? [new DependencyRecorder(recordDependency)] : [])];
  chain.splice(chain.length - 1, 0, ...extra);
  return Client.initWithMiddleware({
    middleware: chain,
    baseUrl: `${base.origin}/`,
    defaultVersion: 'v1.0',
    ...(knownGraphHosts.has(base.hostname) ? {} : { customHosts: new Set([base.hostname]) }),
  });
}
