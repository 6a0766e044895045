import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { services } from '../shared/runtime/services';

/** `GET /api/events/{eventId}`: what happened to one event, step by step. */
export async function eventStatus(request: HttpRequest): Promise<HttpResponseInit> {
  const eventId = request.params.eventId ?? '';
  if (!/^[A-Za-z0-9._:@-]{1,128}$/.test(eventId)) {
    return { status: 400, jsonBody: { error: 'eventId is not a valid event id' } };
  }
  const record = await services().ledger.get(eventId);
  if (!record) return { status: 404, jsonBody: { error: `no event ${eventId}` } };
  const { eventId: id, type, status, tenantId, occurredAt, acceptedAt, updatedAt, attempts, steps, error, userId } = record;
  return {
    status: 200,
    jsonBody: { eventId: id, type, status, tenantId, occurredAt, acceptedAt, updatedAt, attempts, userId, steps, ...(error ? { error } : {}) },
  };
}

export const eventStatusFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'event-status',
  route: 'events/{eventId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: eventStatus,
};
