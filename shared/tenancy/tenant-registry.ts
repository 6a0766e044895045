import { createHash } from 'node:crypto';
import path from 'node:path';
import { ConfigurationError, readNamedSetting, type NamedSetting, type Settings } from '../config/settings';
import { canonicalJson } from '../domain/canonical-json';
import { Secret } from '../domain/credentials';
import { loadConnectorsFile } from '../connectors/connectors-file';
import type { ConnectorsConfig } from '../connectors/registry';
import { mappingFrom, type MappingSet } from '../mapping/mapping-file';
import type { HrReportConfig } from '../polling/report-config';
import type { AccessPolicy } from '../rules/access-policy';
import { createAccessPolicy } from '../rules/rules-file';
import { HOME_TENANT, tenantConfigSchema, tenantKeySchema, type TenantConfig } from './tenant';
import { FolderTenantSource, TableTenantSource, type TenantSource, type TenantSourceEntry } from './tenant-source';

const MIN_SECRET_LENGTH = 32;

export interface ReadyTenant {
  key: string;
  displayName: string;
  /** Entra directory id; undefined for the home tenant (the app's own identity). */
  directoryTenantId?: string;
  /** Resolved from the app setting the config names (env), never logged. */
  hrWebhookSecret: Secret;
  /** The bearer token its SCIM clients present (SCIM_BEARER_TOKEN, or the setting `scimBearerTokenSetting` names); absent: no SCIM endpoint. */
  scimBearerToken?: Secret;
  /**
   * The app settings with this tenant's values over them: UPN_DOMAIN, UPN_TEMPLATE,
   * GRAPH_BASE_URL (graphBaseUrl), GRAPH_WRITES_PER_SECOND (graphWritesPerSecond, never above the
   * app's), TENANT_TIME_ZONE, HIRE_START_HOUR, PRE_HIRE_DAYS (timeZone, hireStartHour, preHireDays)
   * and HR_WEBHOOK_SECRET (this tenant's), so code reading settings cannot use another
   * tenant's secret; frozen. Not enumerable, like a Secret's value: listing, logging or
   * serialising a tenant must not print the secrets and connection strings settings hold.
   */
  settings: Settings;
  policy: AccessPolicy;
  /** The intake's attribute mappings (MAPPING_FILE, or the tenant's `mapping`); absent: the defaults. */
  mapping?: MappingSet;
  /** A customer's polled HR report, as its file configures it (shared/polling); the home tenant's is in its settings. */
  hrReport?: HrReportConfig;
  /** Its thin-webhook HR connectors (HR_CONNECTORS_FILE, or the tenant's `connectors`): names of app settings, never secrets. */
  connectors?: ConnectorsConfig;
  /** An app setting this tenant's rules name (a custom step's key or URL), read like its HR secret; not enumerable. */
  namedSetting?: (name: string, options?: { minLength?: number }) => NamedSetting;
  licencePrices?: Record<string, number>;
  /** A customer's ticket write-back, as its file names it (settings, never values); the home tenant's is TICKET_WRITE_BACK_URL/SECRET. */
  ticketWriteBack?: TenantConfig['ticketWriteBack'];
  /** Changes whenever this tenant's configuration does (a hash of the validated config + secret's hash): services built for an older revision are rebuilt. */
  revision: string;
}

export type TenantState =
  | { key: string; state: 'ready'; displayName: string; tenant: ReadyTenant }
  | { key: string; state: 'disabled'; displayName: string }
  | { key: string; state: 'invalid'; origin: string; issues: string[] };

export interface TenantRegistryOptions {
  settings: Settings;
  source?: TenantSource;
  env: NodeJS.ProcessEnv;
  homePolicy: () => AccessPolicy;
  now?: () => number;
}

/** No tenant list could be read yet, so nothing can be said about customer tenants. */
export class TenantSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantSourceError';
  }
}

interface Snapshot {
  states: readonly TenantState[];
  byKey: ReadonlyMap<string, TenantState>;
  readAt: number;
}

/**
 * Every tenant this deployment serves: the home tenant from the app settings, and customer
 * tenants from a source an operator edits. Re-read every TENANTS_RELOAD_SECONDS so a change
 * needs no redeploy; each entry is validated alone, so one bad file takes only its own tenant out.
 */
export class TenantRegistry {
  private readonly settings: Settings;
  private readonly source: TenantSource | undefined;
  private readonly env: NodeJS.ProcessEnv;
  private readonly homePolicy: () => AccessPolicy;
  private readonly now: () => number;
  private snapshot: Snapshot | undefined;
  private inFlight: Promise<Snapshot> | undefined;
  private started = 0;
  private applied = 0;
  private lastError: string | undefined;

  constructor(options: TenantRegistryOptions) {
    this.settings = options.settings;
    this.source = options.source;
    this.env = options.env;
    this.homePolicy = options.homePolicy;
    this.now = options.now ?? Date.now;
  }

  /** Why the last read of the source failed while an older list is still served; undefined once a read succeeds. */
  get sourceError(): string | undefined {
    return this.lastError;
  }

  /** undefined: no such tenant. Reads the source again when TENANTS_RELOAD_SECONDS have passed. */
  async lookup(key: string): Promise<TenantState | undefined> {
    try {
      return (await this.current()).byKey.get(key);
    } catch (error) {
      // The home tenant needs nothing from the source: an unreadable table must not stop it.
      if (key === HOME_TENANT) return this.homeState();
      throw error;
    }
  }

  /** Every tenant, home first. */
  async list(): Promise<TenantState[]> {
    return [...(await this.current()).states];
  }

  /** Reads the source now (an operator changed a file or row); fails if it cannot be read, while the last good list keeps being served. */
  async reload(): Promise<TenantState[]> {
    return [...(await this.startRead()).states];
  }

  private async current(): Promise<Snapshot> {
    const fresh = this.snapshot && this.now() - this.snapshot.readAt < this.settings.TENANTS_RELOAD_SECONDS * 1000;
    if (fresh && this.snapshot) return this.snapshot;
    try {
      return await (this.inFlight ?? this.startRead());
    } catch (error) {
      if (this.snapshot) return this.snapshot;
      throw error;
    }
  }

  /** Concurrent callers share one read; a read that finishes after a newer one is discarded. */
  private startRead(): Promise<Snapshot> {
    const generation = ++this.started;
    const read = this.readStates().then(
      (states) => {
        if (generation > this.applied) {
          this.applied = generation;
          this.lastError = undefined;
          this.snapshot = { states, byKey: indexByKey(states), readAt: this.now() };
        }
        return this.snapshot as Snapshot;
      },
      (error: unknown) => {
        const reason = `${this.source?.description ?? 'tenant source'} could not be read: ${error instanceof Error ? error.message : String(error)}`;
        if (generation > this.applied) {
          this.lastError = reason;
          // Try again after another period, not on every event while the store is down.
          if (this.snapshot) this.snapshot = { ...this.snapshot, readAt: this.now() };
        }
        throw new TenantSourceError(this.snapshot ? reason : `No tenant list yet: ${reason}`);
      },
    );
    this.inFlight = read;
    read.then(
      () => this.clearInFlight(read),
      () => this.clearInFlight(read),
    );
    return read;
  }

  private clearInFlight(read: Promise<Snapshot>): void {
    if (this.inFlight === read) this.inFlight = undefined;
  }

  private async readStates(): Promise<TenantState[]> {
    const entries = this.source ? await this.source.read() : [];
    return [this.homeState(), ...customerStates(entries, this.settings, this.env)];
  }

  private homeState(): TenantState {
    let policy: AccessPolicy;
    let mapping: MappingSet | undefined;
    let connectors: ConnectorsConfig | undefined;
    try {
      policy = this.homePolicy();
      mapping = mappingFrom(this.settings.MAPPING_FILE, 'MAPPING_FILE');
      connectors = loadConnectorsFile(this.settings.HR_CONNECTORS_FILE);
    } catch (error) {
      return { key: HOME_TENANT, state: 'invalid', origin: 'app settings', issues: [error instanceof Error ? error.message : String(error)] };
    }
    const { HR_WEBHOOK_SECRET, ...rest } = this.settings;
    const hrWebhookSecret = new Secret(HR_WEBHOOK_SECRET);
    const scim = this.settings.SCIM_BEARER_TOKEN ? { scimBearerToken: new Secret(this.settings.SCIM_BEARER_TOKEN) } : {};
    const tenant = readyTenant(
      { key: HOME_TENANT, displayName: 'Home tenant', hrWebhookSecret, ...scim, policy, ...(mapping ? { mapping } : {}), ...(connectors ? { connectors } : {}), revision: revisionOf({ home: rest }, hrWebhookSecret) },
      this.settings,
      this.env,
    );
    return { key: HOME_TENANT, state: 'ready', displayName: tenant.displayName, tenant };
  }
}

/** A customer key equal to the home tenant's is refused by the schema and never shadows it. */
function indexByKey(states: readonly TenantState[]): Map<string, TenantState> {
  const byKey = new Map<string, TenantState>();
  for (const state of states) if (!byKey.has(state.key)) byKey.set(state.key, state);
  return byKey;
}

interface Checked {
  key: string;
  origin: string;
  issues: string[];
  config?: TenantConfig;
}

function customerStates(entries: readonly TenantSourceEntry[], settings: Settings, env: NodeJS.ProcessEnv): TenantState[] {
  const checked = entries.map((entry) => checkEntry(entry, settings, env));
  const originsByKey = new Map<string, string[]>();
  for (const c of checked) originsByKey.set(c.key, [...(originsByKey.get(c.key) ?? []), c.origin]);
  // Two entries claiming one key: neither can be trusted to be the one the operator meant.
  for (const c of checked) {
    const others = (originsByKey.get(c.key) ?? []).filter((o) => o !== c.origin);
    if (others.length > 0) c.issues.push(`key: is also configured in ${others.join(', ')}`);
  }
  return checked
    .sort((a, b) => a.key.localeCompare(b.key) || a.origin.localeCompare(b.origin))
    .map((c) => toState(c, settings, env));
}

function toState(checked: Checked, settings: Settings, env: NodeJS.ProcessEnv): TenantState {
  const { key, origin, issues, config } = checked;
  if (!config || issues.length > 0) return { key, state: 'invalid', origin, issues };
  if (!config.enabled) return { key, state: 'disabled', displayName: config.displayName };
  let policy: AccessPolicy;
  try {
    policy = createAccessPolicy(config.rules);
  } catch (error) {
    return { key, state: 'invalid', origin, issues: [`rules: ${error instanceof Error ? error.message : String(error)}`] };
  }
  let mapping: MappingSet | undefined;
  try {
    mapping = mappingFrom(config.mapping, 'mapping');
  } catch (error) {
    return { key, state: 'invalid', origin, issues: [`mapping: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const hrWebhookSecret = new Secret(env[config.hrWebhookSecretSetting] ?? '');
  const scimToken = config.scimBearerTokenSetting ? readNamedSetting(env, config.scimBearerTokenSetting, { minLength: MIN_SECRET_LENGTH }) : undefined;
  const scimBearerToken = scimToken?.ok ? new Secret(scimToken.value) : undefined;
  const tenantSettings: Settings = Object.freeze({
    ...settings,
    HR_WEBHOOK_SECRET: hrWebhookSecret.reveal(),
    // Never the home tenant's token: code reading settings sees only this tenant's.
    SCIM_BEARER_TOKEN: scimBearerToken?.reveal(),
    UPN_DOMAIN: config.upnDomain,
    UPN_TEMPLATE: config.upnTemplate,
    GRAPH_BASE_URL: config.graphBaseUrl ?? settings.GRAPH_BASE_URL,
    // The app setting is the instance's ceiling; a tenant can only ask for less (another app shares its budget).
    GRAPH_WRITES_PER_SECOND: Math.min(config.graphWritesPerSecond ?? settings.GRAPH_WRITES_PER_SECOND, settings.GRAPH_WRITES_PER_SECOND),
    // A customer's hire dates are in its own zone (docs/pre-hire.md).
    TENANT_TIME_ZONE: config.timeZone ?? settings.TENANT_TIME_ZONE,
    HIRE_START_HOUR: config.hireStartHour ?? settings.HIRE_START_HOUR,
    PRE_HIRE_DAYS: config.preHireDays ?? settings.PRE_HIRE_DAYS,
  });
  const tenant = readyTenant(
    {
      key,
      displayName: config.displayName,
      directoryTenantId: config.directoryTenantId,
      hrWebhookSecret,
      ...(scimBearerToken ? { scimBearerToken } : {}),
      policy,
      ...(mapping ? { mapping } : {}),
      ...(config.licencePrices ? { licencePrices: config.licencePrices } : {}),
      ...(config.ticketWriteBack ? { ticketWriteBack: config.ticketWriteBack } : {}),
      ...(config.connectors ? { connectors: config.connectors } : {}),
      ...(config.hrReport ? { hrReport: config.hrReport } : {}),
      revision: revisionOf(config, hrWebhookSecret),
    },
    tenantSettings,
    env,
  );
  return { key, state: 'ready', displayName: config.displayName, tenant };
}

/**
 * Every problem of one entry at once, so an operator fixes a file in one go. Issues name the
 * field and say what is wrong, never the value (a mistyped secret pasted into a field stays out).
 */
function checkEntry(entry: TenantSourceEntry, settings: Settings, env: NodeJS.ProcessEnv): Checked {
  const raw = isRecord(entry.json) ? entry.json : {};
  const rawKey = typeof raw.key === 'string' && tenantKeySchema.safeParse(raw.key).success ? raw.key : undefined;
  const key = rawKey ?? entry.locationKey ?? entry.origin;
  if (entry.parseError !== undefined) return { key, origin: entry.origin, issues: [`(config): ${entry.parseError}`] };

  const parsed = tenantConfigSchema.safeParse(entry.json);
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(config)'}: ${i.message}`);
  if (rawKey !== undefined && entry.locationKey !== undefined && rawKey !== entry.locationKey) {
    issues.push('key: must equal the name the entry is stored under (the file name without .json, or the row key)');
  }
  if (raw.graphBaseUrl !== undefined && settings.LIFECYCLE_RUNTIME === 'azure') {
    issues.push('graphBaseUrl: is only for a local Graph simulator and is refused in Azure');
  }
  // A disabled tenant verifies no signature, so its secret may already be gone (offboarding).
  const secretSetting = raw.hrWebhookSecretSetting;
  if (raw.enabled !== false && typeof secretSetting === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(secretSetting)) {
    const value = env[secretSetting];
    if (value === undefined || value === '') issues.push(`hrWebhookSecretSetting: app setting ${secretSetting} is not set`);
    else if (value.length < MIN_SECRET_LENGTH) issues.push(`hrWebhookSecretSetting: app setting ${secretSetting} must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const scimSetting = raw.scimBearerTokenSetting;
  if (raw.enabled !== false && typeof scimSetting === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(scimSetting)) {
    // One credential per purpose: the SCIM client would otherwise hold the key that signs HR posts.
    if (scimSetting === secretSetting) issues.push('scimBearerTokenSetting: must name a setting of its own, not the HR secret\'s');
    const token = readNamedSetting(env, scimSetting, { minLength: MIN_SECRET_LENGTH });
    if (!token.ok) issues.push(`scimBearerTokenSetting: ${token.problem}`);
  }
  return { key, origin: entry.origin, issues, ...(parsed.success ? { config: parsed.data } : {}) };
}

function readyTenant(fields: Omit<ReadyTenant, 'settings' | 'namedSetting'>, settings: Settings, env: NodeJS.ProcessEnv): ReadyTenant {
  const namedSetting = (name: string, options?: { minLength?: number }) => readNamedSetting(env, name, options);
  return Object.freeze(Object.defineProperties({ ...fields }, { settings: { value: settings, enumerable: false }, namedSetting: { value: namedSetting, enumerable: false } }) as ReadyTenant);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The secret enters only as its own hash, so the revision can be logged and compared freely;
 * canonical JSON, because reordering a file's fields is not a change.
 */
function revisionOf(config: unknown, secret: Secret): string {
  const secretHash = createHash('sha256').update(secret.reveal()).digest('hex');
  return createHash('sha256').update(canonicalJson(config)).update('\n').update(secretHash).digest('hex').slice(0, 32);
}

/** The registry for these settings: TENANTS_SOURCE none → only the home tenant; folder → TENANTS_DIR; table → TENANTS_TABLE_NAME. */
export function createTenantRegistry(settings: Settings, env: NodeJS.ProcessEnv, homePolicy: () => AccessPolicy): TenantRegistry {
  return new TenantRegistry({ settings, env, homePolicy, ...sourceOption(settings) });
}

function sourceOption(settings: Settings): { source?: TenantSource } {
  switch (settings.TENANTS_SOURCE) {
    case 'none':
      return {};
    case 'folder':
      if (!settings.TENANTS_DIR) throw new ConfigurationError(['TENANTS_DIR: is required when TENANTS_SOURCE is folder']);
      // Relative to the app's working directory, as RULES_FILE is.
      return { source: new FolderTenantSource(path.resolve(settings.TENANTS_DIR)) };
    case 'table':
      return { source: TableTenantSource.fromSettings(settings) };
  }
}
