import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { changeLedgerFor } from '../shared/connectors/change-ledger';
import { processFetchMessage } from '../shared/connectors/process-fetch';
import { receiveConnectorWebhook, type WebhookOutcome } from '../shared/connectors/receive-webhook';
import { CONNECTOR_NAMES, connectorNamed } from '../shared/connectors/registry';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { BodyTooLargeError, readRawBody } from '../shared/hosting/http-body';
import type { ReceivedMessage, SettlementActions } from '../shared/messaging/types';
import { services } from '../shared/runtime/services';
import { HOME_TENANT } from '../shared/tenancy/tenant';
import { tenantRefusal } from './tenant-hr-events';

/**
 * `POST /api/hr/connectors/{connector}` (the home tenant) and
 * `POST /api/hr/tenants/{tenant}/connectors/{connector}` (a customer): a thin webhook from an HR
 * system (BambooHR, HiBob), signed with that system's own scheme instead of ours. Each change it
 * names is queued as a fetch and the webhook is answered at once; the processing queue's trigger
 * runs the fetches (`connectorFetch`, below). In Azure the function key is still required.
 */
export async function hrConnectorWebhook(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return connectorWebhookFor(HOME_TENANT, request, context);
}

export async function tenantHrConnectorWebhook(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return connectorWebhookFor(request.params.tenant ?? '', request, context);
}

async function connectorWebhookFor(key: string, request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const name = request.params.connector ?? '';
  if (!connectorNamed(name)) return { status: 404, jsonBody: { error: `No HR connector '${name}'; the connectors are ${CONNECTOR_NAMES.join(', ')}. Nothing was queued.` } };
  // Only the function key may ride in the URL: anything else would be a setting nobody reads.
  const unknown = [...new URL(request.url).searchParams.keys()].filter((p) => p.toLowerCase() !== 'code');
  if (unknown.length > 0) return { status: 400, jsonBody: { error: 'The notice was rejected; nothing was queued.', issues: unknown.map((p) => ({ field: `(query) ${p}`, message: 'is not a parameter of this route' })) } };
  const { settings, tenants } = services();
  let raw: Buffer;
  try {
    raw = await readRawBody(request, settings.HR_MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { status: 413, jsonBody: { error: error.message } };
    throw error;
  }
  const state = await tenants.lookup(key);
  if (state?.state !== 'ready') return tenantRefusal(key, state, context);
  const { processingQueue } = services();
  const outcome = await receiveConnectorWebhook(
    { connector: name, raw, header: (header) => request.headers.get(header) },
    { tenant: state.tenant, changes: changeLedgerFor(settings), processingQueue, now: () => new Date() },
  );
  return connectorResponse(outcome, { key, name }, context);
}

function connectorResponse(outcome: WebhookOutcome, at: { key: string; name: string }, context: InvocationContext): HttpResponseInit {
  switch (outcome.kind) {
    case 'not-configured':
      return { status: 404, jsonBody: { error: `Tenant '${at.key}' has no ${at.name} connector configured; nothing was queued.` } };
    case 'misconfigured':
      context.error(`${at.name} connector of tenant ${at.key} cannot take notices: ${outcome.problem}`);
      // 5xx: the HR system sends the notice again, by when the setting may be fixed.
      return { status: 503, headers: { 'Retry-After': '300' }, jsonBody: { error: `The ${at.name} connector of tenant '${at.key}' cannot take notices until its configuration is fixed; nothing was queued.` } };
    case 'unsigned':
      context.warn(`rejected ${at.name} notice for tenant ${at.key}: ${outcome.reason}`);
      return { status: 401 };
    case 'ping':
      return { status: 200, jsonBody: { ping: true } };
    case 'invalid': {
      const [field, ...message] = outcome.problem.split(': ');
      return { status: 400, jsonBody: { error: 'The notice was rejected; nothing was queued.', issues: [{ field, message: message.join(': ') }] } };
    }
    case 'accepted': {
      const { received, queued, repeated, ignored, events } = outcome;
      context.log(`accepted ${at.name} notice for tenant ${at.key}: ${received} change(s), ${queued} queued, ${repeated} repeated, ${ignored} ignored`);
      return { status: 202, jsonBody: { received, queued, repeated, ignored, events } };
    }
  }
}

/** A fetch message on the processing queue, run and settled; called by its trigger (process-event.ts). */
export async function connectorFetch(message: ReceivedMessage, actions: SettlementActions, context: InvocationContext): Promise<void> {
  const { settings, tenants, ledger, processingQueue, telemetry } = services();
  const outcome = await processFetchMessage(message, actions, { tenants, ledger, changes: changeLedgerFor(settings), processingQueue, now: () => new Date(), telemetry });
  const line = JSON.stringify({ fetch: String(message.messageId), ...outcome });
  if (outcome.settled === 'dead-lettered') context.warn(line);
  else context.log(line);
}

export const hrConnectorWebhookFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'hr-connector-webhook',
  route: 'hr/connectors/{connector}',
  methods: ['POST'],
  authLevel: 'function',
  handler: hrConnectorWebhook,
};

export const tenantHrConnectorWebhookFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'tenant-hr-connector-webhook',
  route: 'hr/tenants/{tenant}/connectors/{connector}',
  methods: ['POST'],
  authLevel: 'function',
  handler: tenantHrConnectorWebhook,
};

export const hrConnectorFunctions = [hrConnectorWebhookFunction, tenantHrConnectorWebhookFunction] as const;
