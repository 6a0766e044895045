import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { hrResponse, readHrRequest } from '../shared/hosting/hr-response';
import { receiveHrRequest } from '../shared/intake/receive-hr-request';
import { services } from '../shared/runtime/services';
import { HOME_TENANT } from '../shared/tenancy/tenant';
import { tenantRefusal } from './tenant-hr-events';

/**
 * `POST /api/hr/events`: the home tenant's signed HR feeds (canonical JSON, SCIM bulk, CSV)
 * become queued lifecycle events. All records are validated before anything is queued.
 * `?dryRun=true` answers with the plan for each event against the tenant and changes nothing.
 * Customer tenants post to `/api/hr/tenants/{tenant}/events` with their own secret.
 */
export async function hrEvents(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const { settings, tenants } = services();
  const read = await readHrRequest(request, settings.HR_MAX_BODY_BYTES);
  if (!('raw' in read)) return read;
  const state = await tenants.lookup(HOME_TENANT);
  if (state?.state !== 'ready') return tenantRefusal(HOME_TENANT, state, context);
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
  return hrResponse(outcome, request, context, HOME_TENANT);
}

export const hrEventsFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'hr-events',
  route: 'hr/events',
  methods: ['POST'],
  authLevel: 'function',
  handler: hrEvents,
};
