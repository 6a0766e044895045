import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { BodyTooLargeError, readRawBody } from '../shared/hosting/http-body';
import { defaultCsvMapping, parseHrRequest } from '../shared/intake';
import { acceptEvents } from '../shared/processing/accept-events';
import { planEvents } from '../shared/processing/plan-events';
import { services } from '../shared/runtime/services';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../shared/security/hmac-signature';

/**
 * `POST /api/hr/events`: signed HR feeds (canonical JSON, SCIM bulk, CSV) become queued
 * lifecycle events. All records are validated before anything is queued. `?dryRun=true`
 * answers with the plan for each event against the current tenant and changes nothing.
 */
export async function hrEvents(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const { settings, ledger, processingQueue } = services();
  let raw: Buffer;
  try {
    raw = await readRawBody(request, settings.HR_MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { status: 413, jsonBody: { error: error.message } };
    throw error;
  }

  const signature = verifySignature(
    settings.HR_WEBHOOK_SECRET,
    { signature: request.headers.get(SIGNATURE_HEADER), timestamp: request.headers.get(TIMESTAMP_HEADER) },
    raw,
    Math.floor(Date.now() / 1000),
  );
  if (!signature.valid) {
    context.warn(`rejected unsigned or badly signed HR request (${signature.reason})`);
    return { status: 401 };
  }

  const parsed = parseHrRequest(raw.toString('utf8'), request.headers.get('content-type') ?? undefined, {
    now: new Date(),
    tenantId: 'default',
    maxRecords: settings.HR_MAX_RECORDS,
    csvMapping: defaultCsvMapping,
    upnDomains: [settings.UPN_DOMAIN],
  });
  if (!parsed.ok) {
    return { status: 400, jsonBody: { error: 'The request was rejected; nothing was queued.', issues: parsed.issues } };
  }

  if (request.query.get('dryRun') === 'true') {
    const { graph, directory, pendingLinks, policy, credentials } = services();
    const plans = await planEvents(parsed.events, { graph, directory, pendingLinks, policy, settings, now: () => new Date(), ...(credentials ? { credentials } : {}) });
    return { status: 200, jsonBody: { dryRun: true, events: plans } };
  }

  const accepted = await acceptEvents(parsed.events, { processingQueue, ledger, now: () => new Date(), telemetry: services().telemetry });
  const base = new URL(request.url);
  context.log(`accepted ${accepted.length} HR event(s)`);
  return {
    status: 202,
    jsonBody: {
      events: accepted.map((e) => ({ ...e, statusUrl: `${base.origin}/api/events/${encodeURIComponent(e.eventId)}` })),
    },
  };
}

export const hrEventsFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'hr-events',
  route: 'hr/events',
  methods: ['POST'],
  authLevel: 'function',
  handler: hrEvents,
};
