import { IANAZone } from 'luxon';
import * as z from 'zod';

/**
 * Every app setting the code reads, in one typed schema. Each entry's description is the
 * documentation; `local.settings.sample.json` and the infra templates are kept in step with
 * this list by tests.
 */

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackUrl(url: string): boolean {
  try {
    return loopbackHosts.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

const httpsOrLoopbackUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith('https://') || isLoopbackUrl(u), 'must be an https:// URL (http only for a loopback simulator)');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** An IANA zone name the runtime knows (Europe/Berlin, UTC); an offset such as +01:00 is not a zone: it has no daylight saving. */
export function isIanaTimeZone(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name) && IANAZone.isValidZone(name);
}

const httpsUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith('https://'), 'must be an https:// URL');

export const settingsSchema = z
  .object({
    LIFECYCLE_RUNTIME: z
      .enum(['azure', 'local'])
      .default('azure')
      .describe('Where the app runs: `azure` (Functions host, Service Bus) or `local` (the dev local host sets this).'),
    WEBSITE_AUTH_ENABLED: z
      .string()
      .optional()
      .transform((v) => v?.toLowerCase() === 'true')
      .describe('Set by App Service when its authentication (Easy Auth, infra/main.bicep authsettingsV2) runs in front of the app: only then does the console believe the X-MS-CLIENT-PRINCIPAL header (docs/console.md). Never set it yourself in Azure; locally `true` makes the console read the header as behind Easy Auth (tests).'),
    GRAPH_BASE_URL: httpsOrLoopbackUrl
      .default('https://graph.microsoft.com')
      .describe('Microsoft Graph endpoint: https://graph.microsoft.com, a national cloud, or a loopback simulator.'),
    GRAPH_CREDENTIAL: z
      .enum(['managed-identity', 'default', 'local'])
      .default('managed-identity')
      .describe('`managed-identity` in Azure; `default` (DefaultAzureCredential) for a developer against a real tenant; `local` only with a loopback GRAPH_BASE_URL.'),
    AZURE_CLIENT_ID: z
      .string()
      .uuid()
      .optional()
      .describe('Client id of the user-assigned managed identity used for Graph (absent: system-assigned).'),
    GRAPH_WRITES_PER_SECOND: z.coerce
      .number()
      .positive()
      .max(20)
      .default(19.5)
      .describe('Graph writes per second one instance sends to the tenant. Graph allows 3,000 per 150 s (20/s) per app and tenant; the default leaves a little for retries. With several instances each starts here and backs off on 429.'),
    GRAPH_MAX_CONCURRENCY: positiveInt(32).describe('Most Graph requests in flight to the tenant from one instance; the window adapts below it (halved on 429).'),
    GRAPH_BATCH_WAIT_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(5_000)
      .default(1_000)
      .describe('Longest a lookup or group add waits for others to share its Graph request; it waits only when others are expected, so a lone event goes at once.'),
    // At least 2 per instance: GRAPH_INSTANCE_COUNT is at most 1,000.
    GRAPH_APP_WRITES_PER_5MIN: z.coerce.number().int().min(2_000).default(35_000).describe(
      "Graph writes the app may send across all its tenants per 5 minutes (Graph's identity and access limit per application: 35,000; older docs said 70,000). Every tenant's governor also takes its writes from this, shared in turn between tenants; each instance takes this divided by GRAPH_INSTANCE_COUNT.",
    ),
    GRAPH_APP_RESOURCE_UNITS_PER_20S: z.coerce.number().int().min(2_000).default(150_000).describe(
      "Graph resource units the app may spend across all its tenants per 20 s (Graph's identity and access limit per application: 150,000), shared like GRAPH_APP_WRITES_PER_5MIN.",
    ),
    GRAPH_INSTANCE_COUNT: z.coerce
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(1)
      .describe("Instances assumed to share the app's Graph limits across tenants; each keeps to the app limits divided by this. 1: an instance may use them all, and Graph's app-scoped 429s (gate, rate cut) settle several busy instances; the plan's maximum instance count: never over the limits, at that share of throughput each. Not used with GRAPH_WRITE_SHARE=table: the instances calling Graph then divide the app's limits through its rows."),
    GRAPH_WRITE_SHARE: z
      .enum(['instance', 'table'])
      .default('instance')
      .describe("How instances share a tenant's Graph write budget. `instance`: each starts at GRAPH_WRITES_PER_SECOND and backs off on 429 (one instance, or a fixed division of GRAPH_WRITES_PER_SECOND); `table`: the instances writing to a tenant divide it through rows in GRAPH_WRITE_SHARE_TABLE_NAME (docs/benchmarks.md, \"Scale-out\"). main.bicep sets `table`."),
    GRAPH_WRITE_SHARE_TABLE_NAME: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'must be 3-63 letters or digits, starting with a letter')
      .default('graphWriteShare')
      .describe('Table Storage table (in AzureWebJobsStorage) where each instance writing to a tenant keeps its row, when GRAPH_WRITE_SHARE is `table`.'),
    HR_WEBHOOK_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters')
      .describe('HMAC-SHA256 secret HR systems sign requests with (Key Vault reference in Azure).'),
    HR_MAX_BODY_BYTES: positiveInt(1_048_576).describe('Largest HR request body accepted, in bytes.'),
    HR_MAX_RECORDS: positiveInt(500).describe('Most records accepted in one HR request.'),
    SCIM_BEARER_TOKEN: z
      .string()
      .min(32, 'must be at least 32 characters')
      .optional()
      .describe("Bearer token SCIM clients (Rippling, Okta, Entra provisioning) present at /api/scim/v2 for the home tenant (Key Vault reference in Azure), compared in constant time; unset: the home tenant has no SCIM endpoint. docs/scim.md."),
    PROCESSING_QUEUE_NAME: z
      .string()
      .min(1)
      .default('lifecycle-events')
      .describe('Session-enabled Service Bus queue of lifecycle events (duplicate detection on).'),
    TICKET_QUEUE_NAME: z.string().min(1).default('ticket-requests').describe('Service Bus queue ticketing tools send requests to.'),
    ServiceBusConnection__fullyQualifiedNamespace: z
      .string()
      .optional()
      .describe('Service Bus namespace host (e.g. contoso-lifecycle.servicebus.windows.net); used by the trigger binding and the sender.'),
    AzureWebJobsStorage: z
      .string()
      .optional()
      .describe('Storage connection string (Azurite locally). In Azure prefer identity-based AzureWebJobsStorage__accountName.'),
    AzureWebJobsStorage__accountName: z
      .string()
      .optional()
      .describe('Storage account name for identity-based connections (ledger tables and reports).'),
    LEDGER_TABLE_NAME: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'must be 3-63 letters or digits, starting with a letter')
      .default('lifecycleLedger')
      .describe('Table Storage table holding the run ledger.'),
    UPN_DOMAIN: z.string().min(3).default('contoso.com').describe('Verified domain new users get in their userPrincipalName.'),
    UPN_TEMPLATE: z.string().min(1).default('{givenName}.{surname}').describe('Template for the UPN local part.'),
    RULES_FILE: z.string().min(1).default('config/rules.json').describe('Path of the provisioning rules file (groups, licences, leaver policy, protected accounts).'),
    DEFAULT_USAGE_LOCATION: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as GB')
      .optional()
      .describe('Usage location a new account gets when HR sends no country or usage location (licences need one), as the Microsoft 365 admin center gives the organisation\'s country; unset: such a joiner stops at its licences. Never applied to an existing account.'),
    MAPPING_FILE: z
      .string()
      .min(1)
      .optional()
      .describe("Path of the HR attribute mapping file (Entra-style expressions per source and attribute, docs/mapping.md); unset: the default mappings."),
    HR_CONNECTORS_FILE: z
      .string()
      .min(1)
      .optional()
      .describe("Path of the home tenant's thin-webhook HR connectors (BambooHR, HiBob: docs/connectors.md), naming the app settings that hold their webhook keys and API credentials; unset: none. Customer tenants name theirs in their file's `connectors`."),
    HR_REPORT_URL: httpsUrl
      .optional()
      .describe("The home tenant's polled HR report (a Workday RaaS-style custom report: JSON `Report_Entry` or CSV), its prompts in the query; unset: none is polled. Never logged. docs/polled-reports.md."),
    HR_REPORT_FORMAT: z.enum(['json', 'csv']).default('json').describe('How HR_REPORT_URL answers: `json` (`{ "Report_Entry": [...] }`) or `csv` (a header row).'),
    HR_REPORT_AUTH: z
      .enum(['basic', 'oauth'])
      .default('basic')
      .describe('How the report is fetched: `basic` (an integration system user: HR_REPORT_USERNAME, HR_REPORT_PASSWORD) or `oauth` (a refresh token exchanged at HR_REPORT_TOKEN_URL for a bearer token).'),
    HR_REPORT_USERNAME: z.string().min(1).optional().describe('User name of the integration system user that reads the report (HR_REPORT_AUTH basic).'),
    HR_REPORT_PASSWORD: z.string().min(1).optional().describe('Its password (Key Vault reference in Azure).'),
    HR_REPORT_TOKEN_URL: httpsUrl.optional().describe('OAuth token endpoint (Workday: https://<host>/ccx/oauth2/<tenant>/token), with HR_REPORT_AUTH oauth.'),
    HR_REPORT_CLIENT_ID: z.string().min(1).optional().describe('OAuth client id of the API client for integrations (HR_REPORT_AUTH oauth).'),
    HR_REPORT_CLIENT_SECRET: z.string().min(1).optional().describe('Its client secret (Key Vault reference in Azure).'),
    HR_REPORT_REFRESH_TOKEN: z.string().min(1).optional().describe('The refresh token exchanged for a bearer token on each run (Key Vault reference in Azure).'),
    HR_REPORT_SCHEDULE: z
      .string()
      .min(11)
      .default('0 0 * * * *')
      .describe("NCRONTAB schedule of the HR report poll, for every tenant with a report (six fields, seconds first; default hourly)."),
    HR_REPORT_MAX_GONE_PERCENT: z.coerce
      .number()
      .min(0)
      .max(100)
      .default(10)
      .describe("A report missing more than this share of the home tenant's active workers is held (nothing emitted, an alert) until an operator releases it."),
    HR_REPORT_MAX_GONE_WORKERS: z.coerce.number().int().min(0).default(50).describe('A report missing more than this many active workers is held the same way.'),
    HR_REPORT_MAX_BYTES: positiveInt(134_217_728).describe('Largest report body read, in bytes (default 128 MiB); a larger one fails the run.'),
    HR_REPORT_TIMEOUT_SECONDS: positiveInt(300).describe('Longest a report fetch (token included) may take.'),
    HR_REPORT_ALERT_WEBHOOK_URL: httpsOrLoopbackUrl
      .optional()
      .describe('Teams or Slack incoming webhook told when a report is held (counts only, never names); the hold is also logged and tracked as HrReportHeld.'),
    CREDENTIAL_DELIVERY: z
      .enum(['none', 'webhook'])
      .default('none')
      .describe('How a new or reset worker gets a Temporary Access Pass: `none` (self-service; no pass is issued) or `webhook` (POSTed, HMAC-signed, to CREDENTIAL_WEBHOOK_URL).'),
    CREDENTIAL_WEBHOOK_URL: httpsOrLoopbackUrl
      .optional()
      .describe('Receiver of Temporary Access Passes (e.g. a Logic App that tells the manager); https only.'),
    CREDENTIAL_WEBHOOK_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters')
      .optional()
      .describe('HMAC-SHA256 secret the credential webhook is signed with (Key Vault reference in Azure).'),
    CALLBACK_BASE_URL: httpsOrLoopbackUrl
      .optional()
      .describe('Public base URL of this Function App (https://<app>.azurewebsites.net, or the front door before it): a custom step that waits gives its receiver `<this>/api/callbacks/<token>` to call back. Locally http://localhost:7071 when unset.'),
    TICKET_WRITE_BACK_URL: httpsUrl
      .optional()
      .describe("The home tenant's PSA webhook (a ServiceNow Scripted REST API, a Jira Service Management automation's incoming webhook, a HaloPSA integration): each ticket's result is POSTed here, signed, when its event ends, unless the ticket names its own callbackUrl (docs/tickets.md). Customer tenants name theirs in their file's ticketWriteBack."),
    TICKET_WRITE_BACK_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters')
      .optional()
      .describe("HMAC-SHA256 secret the home tenant's ticket write-backs are signed with, to TICKET_WRITE_BACK_URL or a ticket's callbackUrl (Key Vault reference in Azure); unset: a ticket's result is not posted."),
    PRE_HIRE_DAYS: z.coerce
      .number()
      .int()
      .min(0)
      .max(180)
      .default(7)
      .describe("Days before a future-dated hire's start its account is created, sign-in off, with its groups, licences and manager, so IT can prepare (Lifecycle Workflows' pre-hire offset; at most 180, as its offsetInDays); 0: on the start itself. Calendar days in TENANT_TIME_ZONE."),
    TENANT_TIME_ZONE: z
      .string()
      .refine(isIanaTimeZone, 'must be an IANA time zone name such as Europe/Berlin or UTC')
      .default('UTC')
      .describe("IANA time zone the tenant's hire dates are in: a hire starts at HIRE_START_HOUR of its hire date there, when sign-in is enabled and the Temporary Access Pass issued."),
    HIRE_START_HOUR: z.coerce
      .number()
      .int()
      .min(0)
      .max(23)
      .default(0)
      .describe('Local hour (0–23, in TENANT_TIME_ZONE) at which a hire date starts; 0: the beginning of the day. A joiner with effectiveAt starts at that instant instead.'),
    TAP_LIFETIME_MINUTES: z.coerce
      .number()
      .int()
      .min(10)
      .max(43_200)
      .default(480)
      .describe("Lifetime of issued Temporary Access Passes, 10–43,200 minutes (Graph limits); fitted inside the tenant's TAP policy bounds when those are narrower."),
    LICENCE_AUDIT_SCHEDULE: z
      .string()
      .min(11)
      .default('0 0 6 * * *')
      .describe('NCRONTAB schedule of the licence audit (six fields, seconds first; default daily 06:00 UTC).'),
    LICENCE_LOW_STOCK_THRESHOLD: z.coerce.number().int().min(0).default(5).describe('A SKU with fewer free units than this is flagged low stock.'),
    LICENCE_INACTIVE_DAYS: positiveInt(90).describe('Licensed users with no sign-in for this many days count as waste (needs Entra ID P1 for sign-in activity).'),
    LICENCE_PRICES_FILE: z
      .string()
      .min(1)
      .optional()
      .describe('JSON file of monthly price per user by SKU part number, overriding the built-in list prices.'),
    LICENCE_WASTE_ALERT_MONTHLY: z.coerce.number().min(0).default(500).describe('Monthly waste (in the price list currency) above which the audit notifies.'),
    AUDIT_CONTAINER_NAME: z
      .string()
      .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'must be a valid blob container name')
      .default('licence-audits')
      .describe('Blob container holding licence audit reports (history).'),
    AUDIT_NOTIFY_WEBHOOK_URL: httpsOrLoopbackUrl
      .optional()
      .describe('Teams or Slack incoming webhook notified when stock runs low or waste passes the alert level.'),
    APPLICATIONINSIGHTS_CONNECTION_STRING: z
      .string()
      .optional()
      .describe('Application Insights connection string; telemetry is off (and its module never loaded) without it.'),
    TENANTS_SOURCE: z
      .enum(['none', 'folder', 'table'])
      .default('none')
      .describe('Where customer tenants are configured (MSPs): `none` (only the home tenant of these settings), `folder` (one JSON file per tenant in TENANTS_DIR) or `table` (rows of TENANTS_TABLE_NAME).'),
    TENANTS_DIR: z.string().min(1).optional().describe('Folder of customer tenant files (`<key>.json`), with TENANTS_SOURCE=folder.'),
    TENANTS_TABLE_NAME: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'must be 3-63 letters or digits, starting with a letter')
      .default('lifecycleTenants')
      .describe('Table Storage table of customer tenants (one row per tenant, configuration as JSON), with TENANTS_SOURCE=table.'),
    TENANTS_RELOAD_SECONDS: positiveInt(60).describe('How often tenant configuration is read again, so a change takes effect without redeploying.'),
    TENANT_MAX_CONCURRENT_EVENTS: positiveInt(32).describe("Most events of one tenant processed at once by one instance (half of host.json's 64 sessions); more wait their turn outside the session slots, so one tenant's backlog or throttling cannot take every slot."),
    MSP_APP_CLIENT_ID: z
      .string()
      .uuid()
      .optional()
      .describe('Client id of the multi-tenant app registration customer tenants consent to; its federated credential is the user-assigned managed identity, so no secret exists.'),
    MSP_TOKEN_EXCHANGE_AUDIENCE: z
      .string()
      .min(1)
      .default('api://AzureADTokenExchange')
      .describe('Audience of the managed-identity token exchanged for customer-tenant tokens (national clouds: api://AzureADTokenExchangeUSGov, api://AzureADTokenExchangeChina).'),
  });

/**
 * Rules across settings. Checked on the raw values next to the per-field checks, so one error
 * lists every problem at once instead of revealing them one fix at a time.
 */
function crossFieldProblems(input: Record<string, string>): string[] {
  const problems: string[] = [];
  const runtime = input.LIFECYCLE_RUNTIME ?? 'azure';
  const graphBaseUrl = input.GRAPH_BASE_URL ?? 'https://graph.microsoft.com';
  if (input.GRAPH_CREDENTIAL === 'local' && !isLoopbackUrl(graphBaseUrl)) {
    problems.push('GRAPH_CREDENTIAL: `local` is allowed only when GRAPH_BASE_URL is a loopback address');
  }
  if (input.CREDENTIAL_DELIVERY === 'webhook') {
    if (!input.CREDENTIAL_WEBHOOK_URL) problems.push('CREDENTIAL_WEBHOOK_URL: is required when CREDENTIAL_DELIVERY is webhook');
    if (!input.CREDENTIAL_WEBHOOK_SECRET) problems.push('CREDENTIAL_WEBHOOK_SECRET: is required when CREDENTIAL_DELIVERY is webhook');
  }
  if (input.TENANTS_SOURCE === 'folder' && !input.TENANTS_DIR) problems.push('TENANTS_DIR: is required when TENANTS_SOURCE is folder');
  if (input.HR_REPORT_URL) {
    const needed = input.HR_REPORT_AUTH === 'oauth' ? ['HR_REPORT_TOKEN_URL', 'HR_REPORT_CLIENT_ID', 'HR_REPORT_CLIENT_SECRET', 'HR_REPORT_REFRESH_TOKEN'] : ['HR_REPORT_USERNAME', 'HR_REPORT_PASSWORD'];
    for (const name of needed) if (!input[name]) problems.push(`${name}: is required when HR_REPORT_URL is set with HR_REPORT_AUTH ${input.HR_REPORT_AUTH ?? 'basic'}`);
  }
  if (runtime === 'azure' && input.TENANTS_SOURCE && input.TENANTS_SOURCE !== 'none' && !input.MSP_APP_CLIENT_ID) {
    problems.push('MSP_APP_CLIENT_ID: is required in Azure when customer tenants are configured (TENANTS_SOURCE)');
  }
  if (runtime === 'azure') {
    if (!input.ServiceBusConnection__fullyQualifiedNamespace) {
      problems.push('ServiceBusConnection__fullyQualifiedNamespace: is required in Azure');
    }
    if (!input.AzureWebJobsStorage && !input.AzureWebJobsStorage__accountName) {
      problems.push('AzureWebJobsStorage__accountName: is required in Azure (or AzureWebJobsStorage)');
    }
  }
  return problems;
}

export type Settings = Readonly<z.infer<typeof settingsSchema>>;

/** The shortest HMAC secret an app setting may hold (HR secrets, custom steps' keys). */
export const MIN_SECRET_LENGTH = 32;

export type NamedSetting = { ok: true; value: string } | { ok: false; problem: string };

/**
 * An app setting that configuration names instead of holding (a custom step's `secretSetting` or
 * `urlSetting`, as a tenant names its `hrWebhookSecretSetting`), read from the environment the
 * settings come from: a Key Vault reference in Azure, so the rules file holds no secret. A problem
 * names the setting, never its value. The app's own settings cannot be named: a rules file must not
 * make the app sign with — or send out — its HR secret or a connection string.
 */
export function readNamedSetting(env: NodeJS.ProcessEnv, name: string, options: { minLength?: number } = {}): NamedSetting {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { ok: false, problem: `${name} is not an app setting name` };
  if ((SETTING_NAMES as readonly string[]).includes(name)) return { ok: false, problem: `app setting ${name} is one of the app's own settings; name a setting of its own` };
  const value = env[name];
  if (value === undefined || value === '') return { ok: false, problem: `app setting ${name} is not set` };
  if (options.minLength !== undefined && value.length < options.minLength) return { ok: false, problem: `app setting ${name} must be at least ${options.minLength} characters` };
  return { ok: true, value };
}
export const SETTING_NAMES = Object.keys(settingsSchema.shape) as (keyof z.infer<typeof settingsSchema>)[];

export class ConfigurationError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** Validates the environment; names every missing or invalid setting, never its value. */
export function parseSettings(env: NodeJS.ProcessEnv): Settings {
  const input: Record<string, string> = {};
  for (const name of SETTING_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  const result = settingsSchema.safeParse(input);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`)),
    ...crossFieldProblems(input),
  ];
  if (!result.success || problems.length > 0) throw new ConfigurationError(problems);
  return Object.freeze(result.data);
}

let cached: Settings | undefined;

/** Read once per worker; `resetSettings` is for tests that change the environment. */
export function getSettings(): Settings {
  cached ??= parseSettings(process.env);
  return cached;
}

export function resetSettings(): void {
  cached = undefined;
}
