import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { HrRequestOutcome } from '../intake/receive-hr-request';
import { BodyTooLargeError, readRawBody } from './http-body';
import { SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS, TIMESTAMP_HEADER } from '../security/hmac-signature';
import type { HrRequest } from '../intake/receive-hr-request';

/** The HR request as the intake reads it, or the 413 for a body over the limit. */
export async function readHrRequest(request: HttpRequest, maxBytes: number): Promise<HrRequest | HttpResponseInit> {
  try {
    const raw = await readRawBody(request, maxBytes);
    return {
      raw,
      ...(request.headers.get('content-type') ? { contentType: request.headers.get('content-type') as string } : {}),
      signature: request.headers.get(SIGNATURE_HEADER),
      timestamp: request.headers.get(TIMESTAMP_HEADER),
      dryRun: request.query.get('dryRun') === 'true',
    };
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { status: 413, jsonBody: { error: error.message } };
    throw error;
  }
}

/** Why a request was refused, in words the operator can act on; never the secret or the signature. */
const UNSIGNED_REASONS: Record<string, string> = {
  missing: `${SIGNATURE_HEADER} or ${TIMESTAMP_HEADER} header missing`,
  malformed: `${SIGNATURE_HEADER} is not sha256=<64 hex digits> or ${TIMESTAMP_HEADER} is not Unix seconds`,
  expired: `timestamp outside the allowed window of ${SIGNATURE_TOLERANCE_SECONDS} s either side of now (check the sender's clock)`,
  mismatch: "signature does not match the body (the sender's secret differs, or the body changed after signing)",
};

/** 401 unsigned, 400 with every issue, 200 with the plans (dry run), 202 with status URLs. */
export function hrResponse(outcome: HrRequestOutcome, request: HttpRequest, context: InvocationContext, tenantKey: string): HttpResponseInit {
  switch (outcome.kind) {
    case 'unsigned':
      context.warn(`rejected unsigned or badly signed HR request for tenant ${tenantKey}: ${UNSIGNED_REASONS[outcome.reason] ?? outcome.reason}`);
      return { status: 401 };
    case 'invalid':
      return { status: 400, jsonBody: { error: 'The request was rejected; nothing was queued.', issues: outcome.issues } };
    case 'planned':
      return { status: 200, jsonBody: { dryRun: true, tenant: tenantKey, events: outcome.plans } };
    case 'accepted': {
      const base = new URL(request.url);
      context.log(`accepted ${outcome.events.length} HR event(s) for tenant ${tenantKey}`);
      return {
        status: 202,
        jsonBody: { events: outcome.events.map((e) => ({ ...e, statusUrl: `${base.origin}/api/events/${encodeURIComponent(e.eventId)}` })) },
      };
    }
  }
}
