import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { eventStatusView, isEventId } from '../shared/hosting/event-status-view';
import { services } from '../shared/runtime/services';

/**
 * `GET /api/events/{eventId}`: what happened to one event, step by step, for operators (any
 * tenant's events: admin key). HR systems follow the signed status URL they were given instead
 * (`hr-event-status.ts`).
 */
export async function eventStatus(request: HttpRequest): Promise<HttpResponseInit> {
  const eventId = request.params.eventId ?? '';
  if (!isEventId(eventId)) return { status: 400, jsonBody: { error: 'eventId is not a valid event id' } };
  const record = await services().ledger.get(eventId);
  if (!record) return { status: 404, jsonBody: { error: `no event ${eventId}` } };
  return { status: 200, jsonBody: eventStatusView(record) };
}

export const eventStatusFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'event-status',
  route: 'events/{eventId}',
  methods: ['GET'],
  authLevel: 'admin',
  handler: eventStatus,
};
