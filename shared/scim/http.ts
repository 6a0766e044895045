import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { BodyTooLargeError, readRawBody } from '../hosting/http-body';
import { nestsDeeperThan } from '../intake/nesting';
import type { Ledger } from '../ledger/types';
import type { QueueSender } from '../messaging/types';
import type { Telemetry } from '../telemetry/telemetry';
import { HOME_TENANT } from '../tenancy/tenant';
import type { TenantRegistry } from '../tenancy/tenant-registry';
import { checkBearer } from './bearer';
import { listUsers } from './list-users';
import { badRequest, ScimProblem, scimError, SCHEMAS, SCIM_MEDIA_TYPE, type ScimAnswer } from './protocol';
import { serviceProviderConfig, userResourceType, userSchemas } from './schemas';
import type { ScimUserStore } from './store';
import { createUser, deleteUser, getUser, patchUser, replaceUser, type ScimDeps, type Selection } from './users';

/** A User is a few KiB; this bounds what one request may make the app parse, patch and store. */
export const MAX_SCIM_BODY_BYTES = 64 * 1024;

export interface ScimServices {
  tenants: Pick<TenantRegistry, 'lookup'>;
  store: ScimUserStore;
  ledger: Ledger;
  processingQueue: QueueSender;
  telemetry?: Telemetry;
}

/** The route's base for a tenant: the home tenant's `/api/scim/v2`, a customer's `/api/scim/tenants/{key}/v2`. */
export function scimBase(origin: string, tenantKey: string): string {
  return tenantKey === HOME_TENANT ? `${origin}/api/scim/v2` : `${origin}/api/scim/tenants/${encodeURIComponent(tenantKey)}/v2`;
}

/**
 * One request to a tenant's SCIM endpoint: the tenant from the route, then its bearer token
 * (before anything else is read but the size of the body), then the resource. Every answer is
 * application/scim+json; every refusal a SCIM error (RFC 7644 §3.12).
 */
export async function serveScim(tenantKey: string, request: HttpRequest, context: InvocationContext, services: ScimServices): Promise<HttpResponseInit> {
  let answer: ScimAnswer;
  try {
    answer = await answerScim(tenantKey, request, context, services);
  } catch (error) {
    if (error instanceof ScimProblem) answer = error.answer();
    else {
      context.error(`SCIM request for tenant ${tenantKey} failed: ${error instanceof Error ? error.message : String(error)}`);
      answer = scimError(500, 'The request could not be completed; nothing may have changed. Send it again.');
    }
  }
  return { status: answer.status, headers: { 'content-type': SCIM_MEDIA_TYPE, ...answer.headers }, ...(answer.body ? { jsonBody: answer.body } : {}) };
}

async function answerScim(tenantKey: string, request: HttpRequest, context: InvocationContext, services: ScimServices): Promise<ScimAnswer> {
  const state = await services.tenants.lookup(tenantKey);
  if (!state) return scimError(404, `No tenant '${tenantKey}' is configured.`);
  if (state.state === 'disabled') return scimError(403, `Tenant '${tenantKey}' is disabled; nothing was changed.`);
  if (state.state === 'invalid') {
    context.error(`tenant ${tenantKey} configuration is invalid (${state.origin}): ${state.issues.join('; ')}`);
    return scimError(503, `Tenant '${tenantKey}' cannot take changes until its configuration is fixed. Send again later.`, undefined, { 'Retry-After': '300' });
  }
  const { tenant } = state;
  if (!tenant.scimBearerToken) return scimError(404, `Tenant '${tenantKey}' has no SCIM endpoint: no SCIM bearer token is configured for it.`);
  const bearer = checkBearer(request.headers.get('authorization'), tenant.scimBearerToken);
  if (!bearer.ok) {
    context.warn(`rejected SCIM request for tenant ${tenantKey}: ${bearer.reason === 'missing' ? 'no' : bearer.reason === 'malformed' ? 'a malformed' : 'a wrong'} bearer token`);
    // RFC 6750 §3: the challenge; error="invalid_token" only when a token was sent.
    const challenge = bearer.reason === 'missing' ? 'Bearer realm="scim"' : 'Bearer realm="scim", error="invalid_token"';
    return scimError(401, 'Authorization failure: send the tenant\'s SCIM token as "Authorization: Bearer <token>".', undefined, { 'WWW-Authenticate': challenge });
  }

  const url = new URL(request.url);
  const deps: ScimDeps = {
    tenant,
    store: services.store,
    ledger: services.ledger,
    processingQueue: services.processingQueue,
    ...(services.telemetry ? { telemetry: services.telemetry } : {}),
    now: () => new Date(),
    base: scimBase(url.origin, tenantKey),
  };
  const resource = (request.params.resource ?? '').toLowerCase();
  const id = request.params.id;
  const method = request.method.toUpperCase();
  const query = readQuery(url.searchParams);

  if (resource === 'users') {
    if (id === undefined) {
      if (method === 'GET') return listUsers({ ...pick(query, 'filter', 'startIndex', 'count'), selection: selectionOf(query) }, deps);
      if (method === 'POST') return createUser(await readJson(request), deps);
      return notAllowed('GET, POST');
    }
    if (method === 'GET') return getUser(id, deps, selectionOf(query));
    if (method === 'PUT') return replaceUser(id, await readJson(request), deps);
    if (method === 'PATCH') return patchUser(id, await readJson(request), deps);
    if (method === 'DELETE') return deleteUser(id, deps);
    return notAllowed('GET, PUT, PATCH, DELETE');
  }
  if (resource === 'serviceproviderconfig' || resource === 'schemas' || resource === 'resourcetypes') {
    if (method !== 'GET') return notAllowed('GET');
    // RFC 7644 §4: a filter on these endpoints SHOULD be refused, so no client trusts a match it never got.
    if (query.has('filter')) return scimError(403, 'filter: is not supported on the discovery endpoints.');
    return discovery(resource, id, deps.base);
  }
  if (resource === 'bulk') return scimError(501, 'Bulk is not supported here (ServiceProviderConfig bulk.supported is false); HR bulk uploads go to the HR events route.');
  return scimError(404, 'No such SCIM endpoint: this service provider offers Users, ServiceProviderConfig, Schemas and ResourceTypes.');
}

function discovery(resource: string, id: string | undefined, base: string): ScimAnswer {
  if (resource === 'serviceproviderconfig') return id === undefined ? { status: 200, body: serviceProviderConfig(base) } : scimError(404, 'No such SCIM endpoint.');
  const all = resource === 'schemas' ? userSchemas(base) : [userResourceType(base)];
  if (id !== undefined) {
    const found = all.find((item) => String(item.id).toLowerCase() === id.toLowerCase());
    return found ? { status: 200, body: found } : scimError(404, `No ${resource === 'schemas' ? 'schema' : 'resource type'} has this id.`);
  }
  return { status: 200, body: { schemas: [SCHEMAS.listResponse], totalResults: all.length, startIndex: 1, itemsPerPage: all.length, Resources: all } };
}

function notAllowed(allow: string): ScimAnswer {
  return scimError(405, `This endpoint answers ${allow}.`, undefined, { Allow: allow });
}

/** Each parameter this endpoint reads, once; a parameter it does not read is left alone (clients add their own, such as Entra's feature flags). */
const KNOWN_QUERY = ['filter', 'startIndex', 'count', 'attributes', 'excludedAttributes'];

function readQuery(params: URLSearchParams): Map<string, string> {
  const query = new Map<string, string>();
  for (const [name, value] of params) {
    const known = KNOWN_QUERY.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!known) continue;
    if (query.has(known)) throw badRequest('invalidSyntax', `${known}: must be given at most once.`);
    query.set(known, value);
  }
  if (query.has('attributes') && query.has('excludedAttributes')) throw badRequest('invalidSyntax', 'attributes and excludedAttributes: give one or the other (RFC 7644 §3.4.2.5).');
  return query;
}

function pick(query: Map<string, string>, ...names: ('filter' | 'startIndex' | 'count')[]): Partial<Record<'filter' | 'startIndex' | 'count', string>> {
  return Object.fromEntries(names.filter((n) => query.has(n)).map((n) => [n, query.get(n) as string]));
}

function selectionOf(query: Map<string, string>): Selection {
  const list = (name: string) => (query.get(name) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '').slice(0, 100);
  if (query.has('attributes')) return { attributes: list('attributes') };
  if (query.has('excludedAttributes')) return { excluded: list('excludedAttributes') };
  return {};
}

/** The body as JSON: SCIM's media type or JSON's (RFC 7644 §3.1, §8.1), within the size and nesting bounds. */
async function readJson(request: HttpRequest): Promise<unknown> {
  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/scim+json' && mediaType !== 'application/json') throw new ScimProblem(415, `The body must be ${SCIM_MEDIA_TYPE} (or application/json).`);
  let raw: Buffer;
  try {
    raw = await readRawBody(request, MAX_SCIM_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new ScimProblem(413, `The body is larger than ${MAX_SCIM_BODY_BYTES} bytes.`);
    throw error;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    throw badRequest('invalidSyntax', 'The body is not valid JSON.');
  }
  if (nestsDeeperThan(body)) throw badRequest('invalidSyntax', 'The body nests deeper than 32 levels.');
  return body;
}
