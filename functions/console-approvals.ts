import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import * as z from 'zod';
import { decideHeldLeaver, listHeldLeavers } from '../shared/console/approvals';
import type { ConsolePrincipal } from '../shared/console/principal';
import { consoleRoute, invalid, queryOf } from '../shared/console/route';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { BodyTooLargeError, readRawBody } from '../shared/hosting/http-body';
import { isEventId } from '../shared/hosting/event-status-view';
import { services } from '../shared/runtime/services';

const listQuery = z.object({ tenant: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'is not a tenant key').optional() }).strict();

/** `GET /api/console/approvals?tenant=`: the leavers the mass-leaver guard holds, awaiting a decision. */
async function listApprovals(request: HttpRequest): Promise<HttpResponseInit> {
  const query = listQuery.safeParse(queryOf(request));
  if (!query.success) return invalid(query.error.issues);
  const { deadLetters, ledger, settings } = services();
  const held = await listHeldLeavers({ deadLetters, ledger, queue: settings.PROCESSING_QUEUE_NAME }, query.data.tenant);
  return { status: 200, jsonBody: { held } };
}

const decisionSchema = z
  .object({
    decision: z.enum(['approve', 'reject']),
    /** Why: kept with the decision in the ledger, shown to whoever looks at the event later. */
    comment: z.string().trim().min(1).max(500),
  })
  .strict();

/** `POST /api/console/approvals/{eventId}` `{ decision, comment }`: an Operator approves (releases) or rejects one held leaver. */
async function decide(request: HttpRequest, principal: ConsolePrincipal): Promise<HttpResponseInit> {
  const eventId = request.params.eventId ?? '';
  if (!isEventId(eventId)) return invalid([{ path: ['eventId'], message: 'is not an event id' }]);
  let raw: Buffer;
  try {
    raw = await readRawBody(request, 4_096);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { status: 413, jsonBody: { error: error.message } };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return invalid([{ path: [], message: 'body is not valid JSON' }]);
  }
  const body = decisionSchema.safeParse(json);
  if (!body.success) return invalid(body.error.issues);
  const { deadLetters, ledger, settings } = services();
  const by = { name: principal.name, ...(principal.oid ? { oid: principal.oid } : {}) };
  const result = await decideHeldLeaver(eventId, body.data, by, { deadLetters, ledger, queue: settings.PROCESSING_QUEUE_NAME, now: () => new Date() });
  if (!result.ok) return { status: result.status, jsonBody: { error: result.error } };
  return { status: 200, jsonBody: { eventId, decision: result.decision, resubmitted: result.resubmitted } };
}

export const consoleApprovalsFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'console-approvals',
  route: 'console/approvals',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: consoleRoute('Reader', listApprovals),
};

export const consoleApprovalDecisionFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'console-approval-decision',
  route: 'console/approvals/{eventId}',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: consoleRoute('Operator', decide),
};
