import type { HttpResponseInit } from '@azure/functions';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { services } from '../shared/runtime/services';
import { TenantSourceError, type TenantState } from '../shared/tenancy/tenant-registry';

/** A tenant as an operator sees it: state, what is wrong, what runs and how Graph treats it; no secrets. */
async function tenantView(states: TenantState[]): Promise<unknown[]> {
  const { tenantRuntimes, deadLetters, settings } = services();
  const activity = new Map(tenantRuntimes.activity().map((a) => [a.key, a]));
  const letters = await deadLetters.list(settings.PROCESSING_QUEUE_NAME);
  return states.map((s) => ({
    key: s.key,
    state: s.state,
    ...(s.state === 'invalid' ? { origin: s.origin, issues: s.issues } : { displayName: s.displayName }),
    ...(s.state === 'ready' ? { upnDomain: s.tenant.settings.UPN_DOMAIN } : {}),
    eventsInFlight: activity.get(s.key)?.eventsInFlight ?? 0,
    ...(activity.has(s.key) ? { graph: activity.get(s.key)?.graph } : {}),
    deadLetters: letters.filter((d) => d.tenantId === s.key).length,
  }));
}

/** `GET /api/manage/tenants`: every tenant's state, in-flight events, Graph budget and dead letters. */
export async function listTenants(): Promise<HttpResponseInit> {
  const { tenants } = services();
  return { status: 200, jsonBody: { tenants: await tenantView(await tenants.list()), ...(tenants.sourceError ? { sourceError: tenants.sourceError } : {}) } };
}

/** `POST /api/manage/tenants/reload`: reads tenant configuration now instead of at the next interval. */
export async function reloadTenants(): Promise<HttpResponseInit> {
  const { tenants } = services();
  try {
    return { status: 200, jsonBody: { reloaded: true, tenants: await tenantView(await tenants.reload()) } };
  } catch (error) {
    if (!(error instanceof TenantSourceError)) throw error;
    // The last good list stays in use; the operator learns the source is unreadable.
    return { status: 503, jsonBody: { reloaded: false, error: error.message, tenants: await tenantView(await tenants.list().catch(() => [])) } };
  }
}

export const tenantsListFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'tenants-list',
  route: 'manage/tenants',
  methods: ['GET'],
  authLevel: 'admin',
  handler: listTenants,
};

export const tenantsReloadFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'tenants-reload',
  route: 'manage/tenants/reload',
  methods: ['POST'],
  authLevel: 'admin',
  handler: reloadTenants,
};
