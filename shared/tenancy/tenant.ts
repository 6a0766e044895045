import * as z from 'zod';
import { isIanaTimeZone, isLoopbackUrl } from '../config/settings';
import { connectorsConfigSchema } from '../connectors/registry';
import { mappingFileSchema } from '../mapping/mapping-file';
import { hrReportConfigSchema } from '../polling/report-config';
import { rulesFileSchema } from '../rules/rules-file';

/** The tenant of the Function App itself, configured by the app settings; `default` on events. */
import { HOME_TENANT } from '../domain/events';

export { HOME_TENANT };

/** Lower-case letters, digits and dashes: it is part of event ids, session ids, routes and table keys. */
export const tenantKeySchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes (at most 63)');

/**
 * One customer tenant as an MSP configures it — one JSON file, or one Table row. It holds no
 * secret: the tenant's HR signing secret is the value of the app setting it names (a Key Vault
 * reference in Azure), so configuration can live in git or a table without leaking anything.
 */
export const tenantConfigSchema = z
  .object({
    $schema: z.string().optional(),
    key: tenantKeySchema.refine((k) => k !== HOME_TENANT, `'${HOME_TENANT}' is the home tenant, configured by the app settings`),
    displayName: z.string().trim().min(1).max(256),
    /** false: events for it are refused at intake and dead-lettered if already queued. */
    enabled: z.boolean().default(true),
    /** The customer's Entra directory (tenant) id, where the multi-tenant app is consented. */
    directoryTenantId: z.string().uuid(),
    /** Name of the app setting whose value is this tenant's HR HMAC secret (≥ 32 characters). */
    hrWebhookSecretSetting: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an app setting name'),
    /** Name of the app setting whose value is the bearer token this tenant's SCIM clients present (≥ 32 characters; docs/scim.md); absent: no SCIM endpoint. */
    scimBearerTokenSetting: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an app setting name').optional(),
    upnDomain: z.string().trim().min(3),
    upnTemplate: z.string().min(1).default('{givenName}.{surname}'),
    /** The rules file's content (groups, licences, leaver policy, protected accounts, mass-leaver guard). */
    rules: rulesFileSchema,
    /** The intake's attribute mappings (docs/mapping.md): inline, or the path of a mapping file; absent: the defaults. */
    mapping: z.union([z.string().min(1), mappingFileSchema]).optional(),
    /** A polled HR report (docs/polled-reports.md): its URL and the app settings holding its credentials; absent: none. */
    hrReport: hrReportConfigSchema.optional(),
    /** Thin-webhook HR connectors (docs/connectors.md): per HR system, its settings and the names of the app settings holding its webhook key and API credentials. */
    connectors: connectorsConfigSchema.optional(),
    /**
     * Where this tenant's tickets' results are POSTed when their events end (docs/tickets.md): the
     * app settings holding its PSA webhook's URL (absent: only tickets naming a callbackUrl are
     * answered) and the HMAC key they are signed with.
     */
    ticketWriteBack: z
      .object({
        urlSetting: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an app setting name').optional(),
        secretSetting: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an app setting name'),
      })
      .strict()
      .optional(),
    /** Monthly price per user by SKU part number, over the built-in list prices. */
    licencePrices: z.record(z.string().min(1), z.number().min(0)).optional(),
    /** Writes per second for this tenant, below GRAPH_WRITES_PER_SECOND (another app shares its budget). */
    graphWritesPerSecond: z.number().positive().max(20).optional(),
    /**
     * Future-dated hires (docs/pre-hire.md), for a customer whose hire dates are not in the app's zone:
     * the IANA zone, the local hour a hire date starts and the days before it the account is made;
     * absent: the app's TENANT_TIME_ZONE, HIRE_START_HOUR and PRE_HIRE_DAYS.
     */
    timeZone: z.string().refine(isIanaTimeZone, 'must be an IANA time zone name such as Europe/Berlin or UTC').optional(),
    hireStartHour: z.number().int().min(0).max(23).optional(),
    preHireDays: z.number().int().min(0).max(180).optional(),
    /** Only for simulated tenants in local runs: a loopback Graph simulator. Refused in Azure. */
    graphBaseUrl: z
      .string()
      .url()
      .refine(isLoopbackUrl, 'is only for a local Graph simulator (a loopback address)')
      .optional(),
  })
  .strict();

export type TenantConfig = z.infer<typeof tenantConfigSchema>;
