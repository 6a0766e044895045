import * as z from 'zod';
import type { Settings } from '../config/settings';
import { Secret } from '../domain/credentials';
import { HOME_TENANT } from '../domain/events';

/**
 * Where a tenant's HR report is and how to read it. A customer tenant's file holds `hrReport`, naming
 * the app settings that hold its URL (optionally) and credentials — Key Vault references in Azure —
 * so the file holds no secret; the home tenant's are the HR_REPORT_* app settings themselves.
 * Workday RaaS is fetched with an integration system user's user name and password (Basic), or with
 * a bearer token from an "API client for integrations" refresh token (OAuth) — docs/polled-reports.md.
 */

const settingName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an app setting name');
const httpsUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith('https://'), 'must be an https:// URL');

export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const shrinkGuardSchema = z
  .object({
    /** More than this share of the workers active in the kept snapshot gone from one report: held. */
    maxGonePercent: z.number().min(0).max(100).default(10),
    /** More than this many gone from one report: held. */
    maxGoneWorkers: z.number().int().min(0).default(50),
  })
  .strict();

export const hrReportConfigSchema = z
  .object({
    /** The report's URL (prompts in its query), or `urlSetting`: the app setting that holds it. */
    url: httpsUrl.optional(),
    urlSetting: settingName.optional(),
    format: z.enum(REPORT_FORMATS).default('json'),
    auth: z.discriminatedUnion('type', [
      z.object({ type: z.literal('basic'), usernameSetting: settingName, passwordSetting: settingName }).strict(),
      z
        .object({ type: z.literal('oauth'), tokenUrl: httpsUrl, clientIdSetting: settingName, clientSecretSetting: settingName, refreshTokenSetting: settingName })
        .strict(),
    ]),
    shrinkGuard: shrinkGuardSchema.optional(),
  })
  .strict()
  .refine((c) => (c.url === undefined) !== (c.urlSetting === undefined), { message: 'give exactly one of url and urlSetting', path: ['url'] });

export type HrReportConfig = z.infer<typeof hrReportConfigSchema>;
export type ShrinkGuard = z.infer<typeof shrinkGuardSchema>;

export type ReportAuth =
  | { type: 'basic'; username: Secret; password: Secret }
  | { type: 'oauth'; tokenUrl: string; clientId: Secret; clientSecret: Secret; refreshToken: Secret };

/** Everything one run needs, secrets wrapped so that printing it prints none of them. */
export interface ReportSource {
  tenantId: string;
  /** The URL may carry prompts an operator considers private: it is never logged either. */
  url: Secret;
  format: ReportFormat;
  auth: ReportAuth;
  guard: ShrinkGuard;
  timeoutMs: number;
  maxBytes: number;
  /** Loopback and private report servers only in local development. */
  allowPrivate: boolean;
}

export type ReportSourceResult = { configured: false } | { configured: true; ok: true; source: ReportSource } | { configured: true; ok: false; problems: string[] };

/** What a tenant offers the resolver: its key, settings, its `hrReport` (customers) and how it reads a named setting. */
export interface ReportTenant {
  key: string;
  settings: Settings;
  hrReport?: HrReportConfig;
  namedSetting?: (name: string) => { ok: true; value: string } | { ok: false; problem: string };
}

/** Resolves the tenant's report source; problems name the setting, never a value. */
export function reportSourceOf(tenant: ReportTenant): ReportSourceResult {
  const common = {
    tenantId: tenant.key,
    timeoutMs: tenant.settings.HR_REPORT_TIMEOUT_SECONDS * 1000,
    maxBytes: tenant.settings.HR_REPORT_MAX_BYTES,
    allowPrivate: tenant.settings.LIFECYCLE_RUNTIME === 'local',
  };
  if (tenant.key === HOME_TENANT) return homeSource(tenant.settings, common);
  if (!tenant.hrReport) return { configured: false };
  return customerSource(tenant.hrReport, tenant, common);
}

type Common = Pick<ReportSource, 'tenantId' | 'timeoutMs' | 'maxBytes' | 'allowPrivate'>;

function homeSource(s: Settings, common: Common): ReportSourceResult {
  if (!s.HR_REPORT_URL) return { configured: false };
  const problems: string[] = [];
  const need = (name: keyof Settings): Secret => {
    const value = s[name];
    if (typeof value !== 'string' || value === '') problems.push(`${name}: is required when HR_REPORT_URL is set with HR_REPORT_AUTH ${s.HR_REPORT_AUTH}`);
    return new Secret(typeof value === 'string' ? value : '');
  };
  const auth: ReportAuth =
    s.HR_REPORT_AUTH === 'basic'
      ? { type: 'basic', username: need('HR_REPORT_USERNAME'), password: need('HR_REPORT_PASSWORD') }
      : { type: 'oauth', tokenUrl: need('HR_REPORT_TOKEN_URL').reveal(), clientId: need('HR_REPORT_CLIENT_ID'), clientSecret: need('HR_REPORT_CLIENT_SECRET'), refreshToken: need('HR_REPORT_REFRESH_TOKEN') };
  if (problems.length > 0) return { configured: true, ok: false, problems };
  const guard = { maxGonePercent: s.HR_REPORT_MAX_GONE_PERCENT, maxGoneWorkers: s.HR_REPORT_MAX_GONE_WORKERS };
  return { configured: true, ok: true, source: { ...common, url: new Secret(s.HR_REPORT_URL), format: s.HR_REPORT_FORMAT, auth, guard } };
}

function customerSource(config: HrReportConfig, tenant: ReportTenant, common: Common): ReportSourceResult {
  const problems: string[] = [];
  const read = (field: string, name: string): Secret => {
    const found = tenant.namedSetting ? tenant.namedSetting(name) : { ok: false as const, problem: `app setting ${name} cannot be read` };
    if (!found.ok) problems.push(`hrReport.${field}: ${found.problem}`);
    return new Secret(found.ok ? found.value : '');
  };
  const url = config.url !== undefined ? new Secret(config.url) : read('urlSetting', config.urlSetting as string);
  if (problems.length === 0 && !url.reveal().startsWith('https://')) problems.push('hrReport.urlSetting: the app setting must hold an https:// URL');
  const { auth: a } = config;
  const auth: ReportAuth =
    a.type === 'basic'
      ? { type: 'basic', username: read('auth.usernameSetting', a.usernameSetting), password: read('auth.passwordSetting', a.passwordSetting) }
      : {
          type: 'oauth',
          tokenUrl: a.tokenUrl,
          clientId: read('auth.clientIdSetting', a.clientIdSetting),
          clientSecret: read('auth.clientSecretSetting', a.clientSecretSetting),
          refreshToken: read('auth.refreshTokenSetting', a.refreshTokenSetting),
        };
  if (problems.length > 0) return { configured: true, ok: false, problems };
  const guard = shrinkGuardSchema.parse(config.shrinkGuard ?? {});
  return { configured: true, ok: true, source: { ...common, url, format: config.format, auth, guard } };
}
