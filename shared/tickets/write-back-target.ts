import { MIN_SECRET_LENGTH } from '../config/settings';
import { endpointProblem } from '../security/outbound-endpoint';
import { HOME_TENANT } from '../tenancy/tenant';
import type { ReadyTenant, TenantRegistry } from '../tenancy/tenant-registry';

/**
 * Where one ticket's result goes and what it is signed with: the ticket's callbackUrl, else the
 * tenant's PSA webhook (the home tenant's TICKET_WRITE_BACK_URL, a customer's `ticketWriteBack`
 * settings); always signed with the tenant's own key, never another tenant's. Problems name
 * settings and rules, never a URL or a value.
 */
export type WriteBackTarget =
  | { kind: 'post'; url: string; host: string; secret: string; allowPrivate: boolean }
  /** Nobody asked for a result here (no URL, or no key to sign with): recorded, nothing is posted. */
  | { kind: 'not-configured'; why: string }
  /** Configured, but not usable as it stands: a person fixes it, then replays. */
  | { kind: 'misconfigured'; code: string; why: string }
  /** The tenant's configuration cannot be read just now (invalid file being fixed): try later. */
  | { kind: 'unavailable'; why: string };

export async function writeBackTarget(tenantId: string, callbackUrl: string | undefined, tenants: TenantRegistry): Promise<WriteBackTarget> {
  const state = await tenants.lookup(tenantId);
  if (!state) return { kind: 'not-configured', why: `tenant '${tenantId}' is no longer configured` };
  if (state.state === 'disabled') return { kind: 'not-configured', why: `tenant '${tenantId}' is disabled` };
  if (state.state === 'invalid') return { kind: 'unavailable', why: `tenant '${tenantId}' configuration is invalid (${state.origin})` };
  const configured = configuredWriteBack(state.tenant);
  if (!configured.ok) return configured.target;
  const url = callbackUrl ?? configured.url;
  if (url === undefined) return { kind: 'not-configured', why: 'the ticket names no callbackUrl and no PSA webhook is configured' };
  const allowPrivate = state.tenant.settings.LIFECYCLE_RUNTIME === 'local';
  const field = callbackUrl !== undefined ? "the ticket's callbackUrl" : configured.field;
  const problem = endpointProblem(url, { allowPrivate });
  if (problem) return { kind: 'misconfigured', code: 'EndpointNotAllowed', why: `${field} ${problem}` };
  return { kind: 'post', url, host: new URL(url).host, secret: configured.secret, allowPrivate };
}

type Configured = { ok: true; secret: string; url?: string; field: string } | { ok: false; target: WriteBackTarget };

function configuredWriteBack(tenant: ReadyTenant): Configured {
  if (tenant.key === HOME_TENANT) {
    const { TICKET_WRITE_BACK_SECRET: secret, TICKET_WRITE_BACK_URL: url } = tenant.settings;
    if (secret === undefined) return { ok: false, target: { kind: 'not-configured', why: 'TICKET_WRITE_BACK_SECRET is not set, so no result can be signed' } };
    return { ok: true, secret, ...(url !== undefined ? { url } : {}), field: 'TICKET_WRITE_BACK_URL' };
  }
  const named = tenant.ticketWriteBack;
  if (!named) return { ok: false, target: { kind: 'not-configured', why: `tenant '${tenant.key}' has no ticketWriteBack in its file, so no result can be signed` } };
  if (!tenant.namedSetting) return { ok: false, target: { kind: 'misconfigured', code: 'WriteBackNotConfigured', why: 'no app settings can be read for this tenant' } };
  const secret = tenant.namedSetting(named.secretSetting, { minLength: MIN_SECRET_LENGTH });
  if (!secret.ok) return { ok: false, target: { kind: 'misconfigured', code: 'WriteBackNotConfigured', why: `ticketWriteBack.secretSetting: ${secret.problem}` } };
  if (!named.urlSetting) return { ok: true, secret: secret.value, field: 'ticketWriteBack.urlSetting' };
  const url = tenant.namedSetting(named.urlSetting);
  if (!url.ok) return { ok: false, target: { kind: 'misconfigured', code: 'WriteBackNotConfigured', why: `ticketWriteBack.urlSetting: ${url.problem}` } };
  return { ok: true, secret: secret.value, url: url.value, field: `ticketWriteBack.urlSetting (${named.urlSetting})` };
}
