import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { eventStatusView, isEventId } from '../shared/hosting/event-status-view';
import { services } from '../shared/runtime/services';
import { verifyStatusLink } from '../shared/security/status-link';
import { HOME_TENANT } from '../shared/tenancy/tenant';

const NOT_FOUND: HttpResponseInit = { status: 404, jsonBody: { error: 'no such event for this link' } };

/**
 * `GET /api/hr/events/{eventId}?sig=…` (and a customer tenant's `/api/hr/tenants/{tenant}/events/{eventId}`):
 * the status URL an HR system was given when its event was accepted. The signature opens that one
 * event of that one tenant; anything else — another event, another tenant, no or a wrong
 * signature — is the same 404, so a link reveals nothing about events it was not made for.
 */
export async function hrEventStatusFor(tenantKey: string, request: HttpRequest): Promise<HttpResponseInit> {
  const eventId = request.params.eventId ?? '';
  if (!isEventId(eventId)) return { status: 400, jsonBody: { error: 'eventId is not a valid event id' } };
  const state = await services().tenants.lookup(tenantKey);
  if (state?.state !== 'ready') return NOT_FOUND;
  if (!verifyStatusLink(state.tenant.hrWebhookSecret.reveal(), tenantKey, eventId, request.query.get('sig'))) return NOT_FOUND;
  const record = await services().ledger.get(eventId);
  if (!record || record.tenantId !== tenantKey) return NOT_FOUND;
  return { status: 200, jsonBody: eventStatusView(record) };
}

export const hrEventStatusFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'hr-event-status',
  route: 'hr/events/{eventId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request) => hrEventStatusFor(HOME_TENANT, request),
};

export const tenantHrEventStatusFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'tenant-hr-event-status',
  route: 'hr/tenants/{tenant}/events/{eventId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request) => hrEventStatusFor(request.params.tenant ?? '', request),
};
