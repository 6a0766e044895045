import type { Settings } from '../config/settings';
import type { GraphDependency } from '../graph/dependency-recorder';
import { currentOperation } from './operation-context';

/** Custom telemetry the domain emits; Application Insights in Azure, nothing when not configured. */
export interface Telemetry {
  trackEvent(name: string, properties: Record<string, string | number | boolean | undefined>): void;
  trackMetric(name: string, value: number, properties?: Record<string, string>): void;
  /** One Graph call, correlated to the event being processed (if any). */
  trackDependency(dependency: GraphDependency): void;
  flush(): Promise<void>;
}

export const noTelemetry: Telemetry = {
  trackEvent: () => undefined,
  trackMetric: () => undefined,
  trackDependency: () => undefined,
  flush: async () => undefined,
};

/**
 * `applicationinsights` takes about a second to load, so it is required only when a connection
 * string is configured, and only on first use.
 */
export function createTelemetry(settings: Settings): Telemetry {
  const connectionString = settings.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (!connectionString) return noTelemetry;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const appInsights = require('applicationinsights') as typeof import('applicationinsights');
  appInsights.setup(connectionString).setAutoCollectConsole(false).start();
  const client = appInsights.defaultClient;
  return {
    trackEvent: (name, properties) => client.trackEvent({ name, properties: withoutUndefined(properties) }),
    trackMetric: (name, value, properties) => client.trackMetric({ name, value, ...(properties ? { properties } : {}) }),
    trackDependency: (d) => {
      const operation = currentOperation();
      // The client's own tenant first: a request shared by several events (a coalesced lookup)
      // or made by the audit has no single event's operation, but always one tenant.
      const tenantId = d.tenantId ?? operation?.tenantId;
      if (d.status === 429) client.trackMetric({ name: 'graph.throttled', value: 1, properties: withoutUndefined({ tenantId, route: d.route }) });
      client.trackDependency({
        name: `${d.method} ${d.route}`,
        data: `${d.method} ${d.route}`,
        target: 'graph',
        dependencyTypeName: 'HTTP',
        duration: d.durationMs,
        resultCode: d.status,
        success: d.status > 0 && d.status < 400,
        properties: withoutUndefined({ graphRequestId: d.requestId, eventId: operation?.eventId, tenantId }),
      });
    },
    flush: async () => {
      await client.flush();
    },
  };
}

function withoutUndefined(properties: Record<string, string | number | boolean | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(properties)) if (v !== undefined) out[k] = String(v);
  return out;
}
