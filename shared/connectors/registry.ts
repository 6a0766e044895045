import * as z from 'zod';
import { bambooHrConnector, bambooHrConfigSchema } from './bamboohr';
import { hiBobConfigSchema, hiBobConnector } from './hibob';
import type { HrConnector } from './port';

/**
 * Every connector, by the name in its route. Another HR system: its module beside these, one line
 * here and one in `connectorsConfigSchema`, and its name in the mapping's and events' sources.
 */
export const CONNECTORS: Readonly<Record<string, HrConnector<never>>> = {
  bamboohr: bambooHrConnector as HrConnector<never>,
  hibob: hiBobConnector as HrConnector<never>,
};

export const CONNECTOR_NAMES = ['bamboohr', 'hibob'] as const;
export type ConnectorName = (typeof CONNECTOR_NAMES)[number];

/**
 * A tenant's connectors (its file's `connectors`, or HR_CONNECTORS_FILE for the home tenant): per
 * HR system, what the connector needs and the names of the app settings holding its secrets.
 */
export const connectorsConfigSchema = z
  .object({
    bamboohr: bambooHrConfigSchema.optional(),
    hibob: hiBobConfigSchema.optional(),
  })
  .strict();
export type ConnectorsConfig = z.infer<typeof connectorsConfigSchema>;

export function connectorNamed(name: string): HrConnector<never> | undefined {
  return Object.hasOwn(CONNECTORS, name) ? CONNECTORS[name] : undefined;
}
