import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import * as z from 'zod';
import { releaseHeldLeavers } from '../shared/console/approvals';
import { eventIndexFor } from '../shared/console/event-index';
import { tenantKeySchema } from '../shared/console/events-view';
import type { ConsolePrincipal } from '../shared/console/principal';
import { MASS_LEAVER_HOLD_REASON } from '../shared/console/remedies';
import { consoleRoute, invalid, queryOf } from '../shared/console/route';
import { deadLetterActionSchema, releaseActionSchema, stuckView, type DeadLetterAction, type ReleaseAction } from '../shared/console/stuck';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { BodyTooLargeError, readRawBody } from '../shared/hosting/http-body';
import { services } from '../shared/runtime/services';

const stuckQuery = z.object({ tenant: tenantKeySchema.optional() }).strict();

/** `GET /api/console/stuck?tenant=`: dead letters by reason with the remedy, and events waiting behind another. */
async function stuck(request: HttpRequest): Promise<HttpResponseInit> {
  const query = stuckQuery.safeParse(queryOf(request));
  if (!query.success) return invalid(query.error.issues);
  const { deadLetters, ledger, settings } = services();
  const view = await stuckView({ deadLetters, ledger, index: eventIndexFor(settings), queues: { processing: settings.PROCESSING_QUEUE_NAME, tickets: settings.TICKET_QUEUE_NAME } }, query.data.tenant, new Date());
  return { status: 200, jsonBody: view };
}

async function actionBody<T>(request: HttpRequest, schema: z.ZodType<T>): Promise<{ action: T } | { refusal: HttpResponseInit }> {
  let json: unknown;
  try {
    json = JSON.parse((await readRawBody(request, 65_536)).toString('utf8') || '{}');
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { refusal: { status: 413, jsonBody: { error: error.message } } };
    return { refusal: { status: 400, jsonBody: { error: 'body is not valid JSON' } } };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { action: parsed.data } : { refusal: invalid(parsed.error.issues) };
}

/** `POST /api/console/dead-letters/replay`: the chosen dead letters, or every one with a reason, back on their queue. */
async function replay(request: HttpRequest, principal: ConsolePrincipal): Promise<HttpResponseInit> {
  const body = await actionBody(request, deadLetterActionSchema);
  if ('refusal' in body) return body.refusal;
  const action: DeadLetterAction = body.action;
  const { deadLetters, settings } = services();
  const queue = action.queue === 'processing' ? settings.PROCESSING_QUEUE_NAME : settings.TICKET_QUEUE_NAME;
  const selector = {
    ...(action.messageIds ? { messageIds: action.messageIds } : { all: true }),
    ...(action.reason ? { reason: action.reason } : {}),
    ...(action.tenant ? { tenantId: action.tenant } : {}),
  };
  // Who asked travels with the copy: the processing log and a later look at the message say so.
  const { resubmitted } = await deadLetters.resubmit(queue, selector, { replay: true, replayedBy: principal.oid ?? principal.name });
  const missing = action.messageIds?.filter((id) => !resubmitted.includes(id)) ?? [];
  return { status: 202, jsonBody: { replayed: resubmitted.length, messageIds: resubmitted, ...(missing.length ? { notFound: missing } : {}) } };
}

/**
 * `POST /api/console/dead-letters/release` `{ …selection, comment }`: releases mass-leaver holds —
 * only dead letters whose reason is the hold's, whatever else the selection names, so a release
 * never resubmits an unrelated dead letter with the hold lifted — each as an approval in its
 * event's ledger record with who released it and why (shared/console/approvals.ts).
 */
async function release(request: HttpRequest, principal: ConsolePrincipal): Promise<HttpResponseInit> {
  const body = await actionBody(request, releaseActionSchema);
  if ('refusal' in body) return body.refusal;
  const action: ReleaseAction = body.action;
  if (action.queue !== 'processing') return invalid([{ path: ['queue'], message: 'mass-leaver holds are on the processing queue' }]);
  if (action.reason !== undefined && action.reason !== MASS_LEAVER_HOLD_REASON) {
    return invalid([{ path: ['reason'], message: `only the mass-leaver hold (${MASS_LEAVER_HOLD_REASON}) is released; replay other dead letters` }]);
  }
  const { deadLetters, ledger, settings } = services();
  const by = { name: principal.name, ...(principal.oid ? { oid: principal.oid } : {}) };
  const selection = { ...(action.messageIds ? { messageIds: action.messageIds } : {}), ...(action.tenant ? { tenantId: action.tenant } : {}) };
  const result = await releaseHeldLeavers(selection, action.comment, by, { deadLetters, ledger, queue: settings.PROCESSING_QUEUE_NAME, now: () => new Date() });
  return { status: 202, jsonBody: { released: result.released.length, messageIds: result.released, approvals: result.approvals, ...(result.notReleased.length ? { notReleased: result.notReleased } : {}) } };
}

export const consoleStuckFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'console-stuck',
  route: 'console/stuck',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: consoleRoute('Reader', stuck),
};

export const consoleReplayFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'console-dead-letters-replay',
  route: 'console/dead-letters/replay',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: consoleRoute('Operator', replay),
};

export const consoleReleaseFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'console-dead-letters-release',
  route: 'console/dead-letters/release',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: consoleRoute('Operator', release),
};
