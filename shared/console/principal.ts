import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import * as z from 'zod';
import type { Settings } from '../config/settings';

/**
 * Who calls a console route, and what they may do. In Azure, App Service Authentication (Easy
 * Auth, Entra ID; infra/main.bicep) signs the operator in and hands the app the principal in the
 * `X-MS-CLIENT-PRINCIPAL` header: base64 JSON `{ auth_typ, claims: [{ typ, val }], name_typ,
 * role_typ }`, the app roles among the claims
 * (https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities). "External
 * requests aren't allowed to set these headers" holds only while the platform's auth module runs, so
 * the header is believed only when the platform says it does (WEBSITE_AUTH_ENABLED, which App Service
 * sets from authsettingsV2's platform.enabled). Locally the console is open to this machine only.
 */

export const CONSOLE_ROLES = ['Reader', 'Operator'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

export interface ConsolePrincipal {
  name: string;
  /** The Entra object id, when the token carried one: kept with an operator's decisions. */
  oid?: string;
  /** Operator includes Reader: an Operator's list always holds both. */
  roles: ConsoleRole[];
  mode: 'local-open' | 'easy-auth';
}

/** What decides the mode: where the app runs, and whether the platform's auth module runs in front of it. */
export type ConsoleAuthSettings = Pick<Settings, 'LIFECYCLE_RUNTIME'> & { WEBSITE_AUTH_ENABLED?: boolean };

export type PrincipalResult = { ok: true; principal: ConsolePrincipal } | { ok: false; status: 401 | 403; error: string };

export const PRINCIPAL_HEADER = 'x-ms-client-principal';

/**
 * The caller's socket address as the local host saw it (dev/local-host/http-server.ts sets it and
 * drops one a client sent). Read only in local mode: in Azure nothing vouches for it.
 */
export const LOCAL_PEER_HEADER = 'x-lifecycle-local-peer';

/** Where Easy Auth signs an operator in; the page sends a 401's caller here. */
export const LOGIN_PATH = '/.auth/login/aad?post_login_redirect_uri=/api/console';

const principalSchema = z.object({
  auth_typ: z.string().max(100).optional(),
  claims: z.array(z.object({ typ: z.string().max(500), val: z.string().max(2_000) })).max(500),
  name_typ: z.string().max(500).optional(),
  role_typ: z.string().max(500).optional(),
});

// Claim types after App Service's default claim mapping: the short JWT name or the WS-* URI.
const ROLE_TYPES = ['roles', 'role', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];
const NAME_TYPES = ['name', 'preferred_username', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', 'upn'];
const OID_TYPES = ['oid', 'http://schemas.microsoft.com/identity/claims/objectidentifier'];

const MAX_HEADER_CHARS = 32_768;

const loopbackAddresses = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const loopbackHostNames = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Decodes the platform's principal header; undefined when it is absent or not what the platform sends. */
export function decodeClientPrincipal(header: string | null): { name: string; oid?: string; roles: ConsoleRole[] } | undefined {
  if (!header || header.length > MAX_HEADER_CHARS) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = principalSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { claims, name_typ, role_typ } = parsed.data;
  const roleTypes = new Set([...ROLE_TYPES, ...(role_typ ? [role_typ] : [])]);
  const nameTypes = [...(name_typ ? [name_typ] : []), ...NAME_TYPES];
  const granted = new Set(claims.filter((c) => roleTypes.has(c.typ)).map((c) => c.val));
  const roles: ConsoleRole[] = granted.has('Operator') ? ['Reader', 'Operator'] : granted.has('Reader') ? ['Reader'] : [];
  const name = nameTypes.map((t) => claims.find((c) => c.typ === t)?.val).find((v) => v !== undefined && v !== '') ?? 'unknown';
  const oid = claims.find((c) => OID_TYPES.includes(c.typ))?.val;
  return { name, ...(oid ? { oid } : {}), roles };
}

/** True when the request reached the local host from this machine, under a loopback host name (not a rebound DNS name). */
function isLocalLoopbackCaller(request: HttpRequest): boolean {
  const peer = request.headers.get(LOCAL_PEER_HEADER);
  if (!peer || !loopbackAddresses.has(peer)) return false;
  const host = (request.headers.get('host') ?? '').toLowerCase().replace(/:\d+$/, '');
  return loopbackHostNames.has(host);
}

/** Who the caller is, or why the console does not answer them (401: not signed in or not verifiable). */
export function consolePrincipal(request: HttpRequest, settings: ConsoleAuthSettings): PrincipalResult {
  if (settings.WEBSITE_AUTH_ENABLED) {
    const principal = decodeClientPrincipal(request.headers.get(PRINCIPAL_HEADER));
    if (!principal) return { ok: false, status: 401, error: `sign in first: ${LOGIN_PATH}` };
    return { ok: true, principal: { ...principal, mode: 'easy-auth' } };
  }
  if (settings.LIFECYCLE_RUNTIME === 'local') {
    if (isLocalLoopbackCaller(request)) return { ok: true, principal: { name: 'local operator', roles: ['Reader', 'Operator'], mode: 'local-open' } };
    return { ok: false, status: 401, error: 'the local console is open only to this machine (a loopback address and host name)' };
  }
  // Azure without the platform's auth module: anyone could have written the principal header.
  return { ok: false, status: 401, error: 'App Service Authentication is not enabled for this app (WEBSITE_AUTH_ENABLED): the console answers nobody' };
}

/**
 * The principal when it holds `role` (403 when signed in without it). A state-changing request
 * from another origin is refused too: a page elsewhere must not drive an operator's browser into
 * a replay (locally there is no sign-in at all to stop it).
 */
export function requireRole(request: HttpRequest, role: ConsoleRole, settings: ConsoleAuthSettings): PrincipalResult {
  const result = consolePrincipal(request, settings);
  if (!result.ok) return result;
  if (!result.principal.roles.includes(role)) return { ok: false, status: 403, error: `this needs the ${role} app role; you have ${result.principal.roles.join(', ') || 'none'}` };
  if (request.method !== 'GET' && request.method !== 'HEAD' && !sameOrigin(request)) return { ok: false, status: 403, error: 'a console action must come from the console page itself' };
  return result;
}

/** An Origin header, when a browser sent one, must name this host. */
function sameOrigin(request: HttpRequest): boolean {
  const origin = request.headers.get('origin');
  if (origin === null) return true;
  try {
    return new URL(origin).host.toLowerCase() === (request.headers.get('x-forwarded-host') ?? request.headers.get('host') ?? '').toLowerCase();
  } catch {
    return false;
  }
}

/** The answer for a refused principal. */
export function refusal(result: Extract<PrincipalResult, { ok: false }>): HttpResponseInit {
  return { status: result.status, headers: { 'cache-control': 'no-store' }, jsonBody: { error: result.error, ...(result.status === 401 ? { login: LOGIN_PATH } : {}) } };
}
