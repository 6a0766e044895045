import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { FieldIssue } from '../domain/events';
import type { HrRequest, HrRequestOutcome } from '../intake/receive-hr-request';
import { BodyTooLargeError, readRawBody } from './http-body';
import { describeSignatureFailure, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../security/hmac-signature';
import { statusLinkSignature } from '../security/status-link';
import { HOME_TENANT } from '../tenancy/tenant';

/**
 * The query parameters an HR route takes, by lower-cased name: `dryRun`, and `code` (a function
 * key given in the URL, which the Functions host checks). Anything else is refused rather than
 * guessed at: a `dry_run=true` that is ignored applies what its sender meant to preview.
 */
const HR_QUERY = new Set(['dryrun', 'code']);

/** `dryRun` once, `true` or `false` in any case (and under any casing of its name); else the issue. */
export function readHrQuery(query: URLSearchParams): { dryRun: boolean } | { issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const dryRun: string[] = [];
  for (const [name, value] of query) {
    const known = name.toLowerCase();
    if (!HR_QUERY.has(known)) issues.push({ field: `(query) ${name}`, message: 'is not a parameter of this route (dryRun is)' });
    if (known === 'dryrun') dryRun.push(value);
  }
  if (dryRun.length > 1) issues.push({ field: '(query) dryRun', message: 'must be given at most once' });
  if (dryRun.length === 1 && !/^(true|false)$/i.test(dryRun[0] as string)) issues.push({ field: '(query) dryRun', message: 'must be true or false' });
  return issues.length > 0 ? { issues } : { dryRun: dryRun.length === 1 && (dryRun[0] as string).toLowerCase() === 'true' };
}

/** The HR request as the intake reads it, or the 413 for a body over the limit, or the 400 for its query. */
export async function readHrRequest(request: HttpRequest, maxBytes: number): Promise<HrRequest | HttpResponseInit> {
  // From the URL itself: the host's `request.query` is a map that keeps one of repeated names
  // (azure-functions-nodejs-library#168), and a repeated dryRun must be seen to be refused.
  const query = readHrQuery(new URL(request.url).searchParams);
  if ('issues' in query) return { status: 400, jsonBody: { error: 'The request was rejected; nothing was queued.', issues: query.issues } };
  try {
    const raw = await readRawBody(request, maxBytes);
    return {
      raw,
      ...(request.headers.get('content-type') ? { contentType: request.headers.get('content-type') as string } : {}),
      signature: request.headers.get(SIGNATURE_HEADER),
      timestamp: request.headers.get(TIMESTAMP_HEADER),
      dryRun: query.dryRun,
    };
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { status: 413, jsonBody: { error: error.message } };
    throw error;
  }
}

/** The signed status URL an HR system follows for one accepted event (`functions/hr-event-status.ts`). */
export function hrStatusUrl(origin: string, tenant: { key: string; secret: string }, eventId: string): string {
  const route = tenant.key === HOME_TENANT ? 'hr/events' : `hr/tenants/${encodeURIComponent(tenant.key)}/events`;
  return `${origin}/api/${route}/${encodeURIComponent(eventId)}?sig=${statusLinkSignature(tenant.secret, tenant.key, eventId)}`;
}

/** 401 unsigned, 400 with every issue, 409 for a reused eventId, 200 with the plans (dry run), 202 with status URLs. */
export function hrResponse(outcome: HrRequestOutcome, request: HttpRequest, context: InvocationContext, tenant: { key: string; secret: string }): HttpResponseInit {
  switch (outcome.kind) {
    case 'unsigned':
      context.warn(`rejected unsigned or badly signed HR request for tenant ${tenant.key}: ${describeSignatureFailure(outcome.reason)}`);
      return { status: 401 };
    case 'invalid':
      return { status: 400, jsonBody: { error: 'The request was rejected; nothing was queued.', issues: outcome.issues } };
    case 'conflict':
      return {
        status: 409,
        jsonBody: {
          error: 'The request was rejected; nothing was queued: an eventId it uses was accepted earlier for a different event.',
          issues: outcome.eventIds.map((eventId) => ({ field: 'eventId', message: `${eventId} was accepted earlier for a different event; give this one its own eventId` })),
        },
      };
    case 'planned':
      return { status: 200, jsonBody: { dryRun: true, tenant: tenant.key, events: outcome.plans } };
    case 'accepted': {
      const { origin } = new URL(request.url);
      context.log(`accepted ${outcome.events.length} HR event(s) for tenant ${tenant.key}`);
      return {
        status: 202,
        jsonBody: { events: outcome.events.map((e) => ({ ...e, statusUrl: hrStatusUrl(origin, tenant, e.eventId) })) },
      };
    }
  }
}
