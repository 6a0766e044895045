import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { BodyTooLargeError, readRawBody } from '../shared/hosting/http-body';
import { MAX_CALLBACK_BYTES, receiveCallback } from '../shared/processing/custom-steps/callback';
import { services } from '../shared/runtime/services';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../shared/security/hmac-signature';

/**
 * `POST /api/callbacks/{token}`: a custom step's receiver (a Logic App, a runbook) reports its
 * outcome, and the waiting event resumes. `authLevel: anonymous` on purpose: the receiver was given
 * only this URL, and a Logic App or runbook cannot easily hold our function key. The token is the
 * authentication — an HMAC under the step's own secret, naming one call of one step of one event —
 * and the body is signed with the same secret; nothing is read from storage before the token checks.
 */
export async function customStepCallback(request: HttpRequest): Promise<HttpResponseInit> {
  let rawBody: Buffer;
  try {
    rawBody = await readRawBody(request, MAX_CALLBACK_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { status: 413, jsonBody: { error: error.message } };
    throw error;
  }
  const { tenants, ledger, processingQueue } = services();
  const answer = await receiveCallback(
    { token: request.params.token ?? '', rawBody, signature: request.headers.get(SIGNATURE_HEADER), timestamp: request.headers.get(TIMESTAMP_HEADER) },
    { tenants, ledger, processingQueue, now: () => new Date() },
  );
  return { status: answer.status, ...(answer.body ? { jsonBody: answer.body } : {}) };
}

export const customStepCallbackFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'custom-step-callback',
  route: 'callbacks/{token}',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: customStepCallback,
};
