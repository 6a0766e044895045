import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { eventIndexFor } from '../shared/console/event-index';
import { backfillEventIndex, backfillRequestSchema } from '../shared/console/index-backfill';
import { consoleRoute, invalid } from '../shared/console/route';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { BodyTooLargeError, readRawBody } from '../shared/hosting/http-body';
import { TableLedger } from '../shared/ledger/table-ledger';
import { services } from '../shared/runtime/services';

/**
 * `POST /api/console/index/backfill` `{ next?, limit? }`: indexes events accepted before the
 * console's index existed, up to `limit` records a call; `next` in the answer continues it.
 */
async function backfill(request: HttpRequest): Promise<HttpResponseInit> {
  let json: unknown;
  try {
    json = JSON.parse((await readRawBody(request, 8_192)).toString('utf8') || '{}');
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { status: 413, jsonBody: { error: error.message } };
    return { status: 400, jsonBody: { error: 'body is not valid JSON' } };
  }
  const parsed = backfillRequestSchema.safeParse(json);
  if (!parsed.success) return invalid(parsed.error.issues);
  const { settings } = services();
  try {
    return { status: 200, jsonBody: await backfillEventIndex(TableLedger.fromSettings(settings), eventIndexFor(settings), parsed.data) };
  } catch (error) {
    // A token Table Storage cannot read is the caller's; anything else is the service's and is rethrown.
    if (parsed.data.next && isBadContinuation(error)) return invalid([{ path: ['next'], message: 'not a continuation token from an earlier answer' }]);
    throw error;
  }
}

function isBadContinuation(error: unknown): boolean {
  const status = (error as { statusCode?: number }).statusCode;
  return error instanceof SyntaxError || error instanceof TypeError || status === 400;
}

export const consoleIndexBackfillFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'console-index-backfill',
  route: 'console/index/backfill',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: consoleRoute('Operator', backfill),
};
