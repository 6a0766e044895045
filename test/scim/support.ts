import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tenant as simulatedTenant } from '../support/tenant';
import { startTestHost, type TestHost } from '../support/test-host';

/** Distinctive tokens, so a spec can prove none of them reaches a log or an answer. */
export const HOME_SCIM_TOKEN = 'home-scim-TOKEN-0123456789abcdefghijklmn';
export const FABRIKAM_SCIM_TOKEN = 'fabrikam-scim-TOKEN-0123456789abcdefghij';
const FABRIKAM_HR_SECRET = 'fabrikam-hr-secret-0123456789abcdef-scim';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface ScimResponse {
  status: number;
  contentType: string | null;
  headers: Headers;
  json: Record<string, unknown>;
}

/** A SCIM client as the HR side runs one: a base URL and a bearer token, JSON in and out. */
export function scimClient(base: string, token: string | undefined) {
  return async function request(method: string, resource: string, body?: unknown, init: { contentType?: string; authorization?: string; raw?: string } = {}): Promise<ScimResponse> {
    const headers: Record<string, string> = {};
    if (init.authorization !== undefined) headers.authorization = init.authorization;
    else if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (body !== undefined || init.raw !== undefined) headers['content-type'] = init.contentType ?? 'application/scim+json';
    const response = await fetch(`${base}${resource}`, { method, headers, ...(init.raw !== undefined ? { body: init.raw } : body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
}

export type ScimRequest = ReturnType<typeof scimClient>;

/**
 * A local host whose home tenant has a SCIM token, a customer tenant (fabrikam) with its own and
 * one (northwind) without, served against the embedded Graph simulator, for one spec file.
 */
export function useScimHost(): { host: TestHost; sim: ReturnType<typeof simulatedTenant>; home: ScimRequest; fabrikam: ScimRequest } {
  const context = {} as { host: TestHost; sim: ReturnType<typeof simulatedTenant>; home: ScimRequest; fabrikam: ScimRequest };
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scim-tenants-'));
    writeFileSync(
      path.join(dir, 'fabrikam.json'),
      JSON.stringify({
        key: 'fabrikam',
        displayName: 'Fabrikam',
        directoryTenantId: '7c1f9a52-3b64-4e8d-9a0f-2d5b8e6c4a13',
        hrWebhookSecretSetting: 'HR_SECRET_FABRIKAM',
        scimBearerTokenSetting: 'SCIM_TOKEN_FABRIKAM',
        upnDomain: 'fabrikam.example',
        rules: { groupRules: [{ groups: ['SG-All-Staff'] }] },
      }),
    );
    // A tenant without a SCIM token: it has no SCIM endpoint.
    writeFileSync(path.join(dir, 'northwind.json'), JSON.stringify({ key: 'northwind', displayName: 'Northwind', directoryTenantId: '7c1f9a52-3b64-4e8d-9a0f-2d5b8e6c4a14', hrWebhookSecretSetting: 'HR_SECRET_FABRIKAM', upnDomain: 'northwind.example', rules: { groupRules: [{ groups: ['SG-All-Staff'] }] } }));
    context.host = await startTestHost({
      env: { SCIM_BEARER_TOKEN: HOME_SCIM_TOKEN, TENANTS_SOURCE: 'folder', TENANTS_DIR: dir, HR_SECRET_FABRIKAM: FABRIKAM_HR_SECRET, SCIM_TOKEN_FABRIKAM: FABRIKAM_SCIM_TOKEN },
    });
    context.sim = simulatedTenant(context.host);
    context.home = scimClient(`${context.host.url}/api/scim/v2`, HOME_SCIM_TOKEN);
    context.fabrikam = scimClient(`${context.host.url}/api/scim/tenants/fabrikam/v2`, FABRIKAM_SCIM_TOKEN);
  }, 60_000);
  afterAll(() => context.host?.stop());
  return context;
}

/** A SCIM User as clients send one; externalId is the HR worker id (≤ 16 characters: it becomes Entra's employeeId). */
export function scimUser(externalId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId,
    userName: `${externalId.toLowerCase()}@hr.example`,
    active: true,
    displayName: `Scim ${externalId}`,
    name: { givenName: 'Scim', familyName: `Worker${externalId}` },
    title: 'Analyst',
    addresses: [{ type: 'work', country: 'GB', locality: 'London' }],
    [ENTERPRISE]: { department: 'Sales' },
    ...extra,
  };
}

/** Polls until `probe` gives a value (processing is asynchronous behind the 201). */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
