import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import * as z from 'zod';
import { eventIndexFor } from '../shared/console/event-index';
import { employeeIdSchema, dayRange, eventsQuerySchema, listEvents, tenantKeySchema } from '../shared/console/events-view';
import type { ConsolePrincipal } from '../shared/console/principal';
import { consoleRoute, invalid, queryOf } from '../shared/console/route';
import { workerTimeline } from '../shared/console/worker-timeline';
import { HOME_TENANT } from '../shared/domain/events';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { services } from '../shared/runtime/services';

/** `GET /api/console/me`: who the console sees, and how (docs/console.md). */
async function me(_request: HttpRequest, principal: ConsolePrincipal): Promise<HttpResponseInit> {
  return { status: 200, jsonBody: { name: principal.name, ...(principal.oid ? { oid: principal.oid } : {}), roles: principal.roles, mode: principal.mode } };
}

/** `GET /api/console/events?tenant=&type=&status=&employeeId=&from=&to=&limit=&after=&since=`: newest first, with counts per status. */
async function events(request: HttpRequest): Promise<HttpResponseInit> {
  const parsed = eventsQuerySchema.safeParse(queryOf(request));
  if (!parsed.success) return invalid(parsed.error.issues);
  const range = dayRange(parsed.data, new Date());
  if ('error' in range) return invalid([{ path: ['from'], message: range.error }]);
  return { status: 200, jsonBody: await listEvents(eventIndexFor(services().settings), parsed.data, range) };
}

const workerQuery = z.object({ tenant: tenantKeySchema.default(HOME_TENANT) }).strict();

/** `GET /api/console/workers/{employeeId}?tenant=`: the worker's events across time, each with its steps; the leaver snapshot. */
async function worker(request: HttpRequest): Promise<HttpResponseInit> {
  const employeeId = employeeIdSchema.safeParse(request.params.employeeId ?? '');
  if (!employeeId.success) return invalid(employeeId.error.issues.map((i) => ({ ...i, path: ['employeeId'] })));
  const query = workerQuery.safeParse(queryOf(request));
  if (!query.success) return invalid(query.error.issues);
  const { ledger, settings } = services();
  const timeline = await workerTimeline({ ledger, index: eventIndexFor(settings) }, query.data.tenant, employeeId.data);
  if (timeline.events.length === 0 && !timeline.snapshot) return { status: 404, jsonBody: { error: `no events of worker ${employeeId.data} in tenant ${query.data.tenant}` } };
  return { status: 200, jsonBody: timeline };
}

export const consoleMeFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'console-me',
  route: 'console/me',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: consoleRoute('signed-in', me),
};

export const consoleEventsFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'console-events',
  route: 'console/events',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: consoleRoute('Reader', events),
};

export const consoleWorkerFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'console-worker',
  route: 'console/workers/{employeeId}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: consoleRoute('Reader', worker),
};
