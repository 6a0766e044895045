import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { employeeSchema, HOME_TENANT } from '../shared/domain/events';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { requestUndo } from '../shared/processing/undo/request-undo';
import { services } from '../shared/runtime/services';
import { tenantRefusal } from './tenant-hr-events';

/** `tenant`, and `code` (a function key in the URL, which the Functions host checks). */
const KNOWN_PARAMETERS = new Set(['tenant', 'code']);

/** From the URL itself: the host's `request.query` keeps one of repeated names (azure-functions-nodejs-library#168). */
function readTenant(url: string): { tenant: string } | { issues: { field: string; message: string }[] } {
  const query = new URL(url).searchParams;
  const issues = [...new Set(query.keys())].filter((k) => !KNOWN_PARAMETERS.has(k)).map((k) => ({ field: `(query) ${k}`, message: 'is not a parameter of this route (tenant is)' }));
  const tenants = query.getAll('tenant');
  if (tenants.length > 1) issues.push({ field: '(query) tenant', message: 'must be given at most once' });
  return issues.length > 0 ? { issues } : { tenant: tenants[0] ?? HOME_TENANT };
}

/**
 * `POST /api/manage/workers/{employeeId}/undo-leaver[?tenant=<key>]`: restores a worker who left
 * from the snapshot their leaver took, within retention. Queued like every change (in the
 * worker's session, after their other events) as one event per leaver: asking again answers with
 * the same event. 202 with its status URL; 404 without a snapshot or a tenant, with the reason.
 */
export async function undoLeaver(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const query = readTenant(request.url);
  if ('issues' in query) return { status: 400, jsonBody: { error: 'The request was rejected; nothing was queued.', issues: query.issues } };
  const employeeId = employeeSchema.shape.employeeId.safeParse(request.params.employeeId ?? '');
  if (!employeeId.success) return { status: 400, jsonBody: { error: 'The request was rejected; nothing was queued.', issues: [{ field: 'employeeId', message: 'must be 1–16 characters' }] } };
  const key = query.tenant;
  const { tenants, ledger, processingQueue, telemetry } = services();
  const state = await tenants.lookup(key);
  if (state?.state !== 'ready') return tenantRefusal(key, state, context);

  const outcome = await requestUndo(key, employeeId.data, { ledger, processingQueue, telemetry, now: () => new Date() });
  const statusUrl = (eventId: string) => `${new URL(request.url).origin}/api/events/${encodeURIComponent(eventId)}`;
  switch (outcome.kind) {
    case 'no-snapshot':
      return { status: 404, jsonBody: { error: outcome.reason } };
    case 'conflict':
      return { status: 409, jsonBody: { error: `the undo's eventId ${outcome.eventId} belongs to another event in the ledger; nothing was queued` } };
    case 'already-requested': {
      const { kind: _kind, ...rest } = outcome;
      return { status: 200, jsonBody: { ...rest, statusUrl: statusUrl(outcome.eventId), note: 'this undo was asked for before; nothing was queued again' } };
    }
    case 'accepted': {
      context.log(`undo of leaver ${outcome.snapshotOf} queued as ${outcome.eventId} (tenant ${key})`);
      const { kind: _kind, ...rest } = outcome;
      return { status: 202, jsonBody: { ...rest, statusUrl: statusUrl(outcome.eventId) } };
    }
  }
}

export const undoLeaverFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'undo-leaver',
  route: 'manage/workers/{employeeId}/undo-leaver',
  methods: ['POST'],
  authLevel: 'admin',
  handler: undoLeaver,
};
