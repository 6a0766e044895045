import type { Settings } from '../config/settings';

/** Custom telemetry the domain emits; Application Insights in Azure, nothing when not configured. */
export interface Telemetry {
  trackEvent(name: string, properties: Record<string, string | number | boolean | undefined>): void;
  trackMetric(name: string, value: number, properties?: Record<string, string>): void;
  flush(): Promise<void>;
}

export const noTelemetry: Telemetry = {
  trackEvent: () => undefined,
  trackMetric: () => undefined,
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
