import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { hrResponse, readHrRequest } from '../shared/hosting/hr-response';
import { receiveHrRequest } from '../shared/intake/receive-hr-request';
import { services } from '../shared/runtime/services';
import type { TenantState } from '../shared/tenancy/tenant-registry';

/**
 * `POST /api/hr/tenants/{tenant}/events`: one customer tenant's HR feed, signed with that
 * tenant's own secret. An unknown or disabled tenant is refused before the body is read for
 * anything but its size; a tenant whose configuration is broken answers 503 so HR retries.
 */
export async function tenantHrEvents(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return hrEventsFor(request.params.tenant ?? '', request, context);
}

/** One tenant's HR request, from the body's size to the response; the home tenant's route uses it too. */
export async function hrEventsFor(key: string, request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const { settings, tenants } = services();
  const read = await readHrRequest(request, settings.HR_MAX_BODY_BYTES);
  if (!('raw' in read)) return read;
  const state = await tenants.lookup(key);
  if (state?.state !== 'ready') return tenantRefusal(key, state, context);
  const { tenantRuntimes, ledger, pendingLinks, processingQueue, credentials, telemetry } = services();
  const outcome = await receiveHrRequest(read, {
    runtime: tenantRuntimes.runtimeOf(state.tenant),
    ledger,
    pendingLinks,
    processingQueue,
    telemetry,
    now: () => new Date(),
    ...(credentials ? { credentials } : {}),
  });
  return hrResponse(outcome, request, context, { key, secret: state.tenant.hrWebhookSecret.reveal() });
}

/**
 * 404 unknown, 403 disabled, 503 misconfigured (with Retry-After: nothing is lost, HR sends
 * again). The caller learns that the configuration is broken, not how: the issues are for the
 * operator (`GET /api/manage/tenants`) and the log.
 */
export function tenantRefusal(key: string, state: Exclude<TenantState, { state: 'ready' }> | undefined, context: InvocationContext): HttpResponseInit {
  if (!state) return { status: 404, jsonBody: { error: `No tenant '${key}' is configured; nothing was queued.` } };
  if (state.state === 'disabled') return { status: 403, jsonBody: { error: `Tenant '${key}' is disabled; nothing was queued.` } };
  context.error(`tenant ${key} configuration is invalid (${state.origin}): ${state.issues.join('; ')}`);
  return {
    status: 503,
    headers: { 'Retry-After': '300' },
    jsonBody: { error: `Tenant '${key}' cannot take events until its configuration is fixed; nothing was queued. Send again later.` },
  };
}

export const tenantHrEventsFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'tenant-hr-events',
  route: 'hr/tenants/{tenant}/events',
  methods: ['POST'],
  authLevel: 'function',
  handler: tenantHrEvents,
};
