import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { HOME_TENANT } from '../shared/tenancy/tenant';
import { hrEventsFor } from './tenant-hr-events';

/**
 * `POST /api/hr/events`: the home tenant's signed HR feeds (canonical JSON, SCIM bulk, CSV)
 * become queued lifecycle events. All records are validated before anything is queued.
 * `?dryRun=true` answers with the plan for each event against the tenant and changes nothing.
 * Customer tenants post to `/api/hr/tenants/{tenant}/events` with their own secret.
 */
export async function hrEvents(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return hrEventsFor(HOME_TENANT, request, context);
}

export const hrEventsFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'hr-events',
  route: 'hr/events',
  methods: ['POST'],
  authLevel: 'function',
  handler: hrEvents,
};
