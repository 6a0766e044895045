import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { services } from '../shared/runtime/services';
import { serveScim } from '../shared/scim/http';
import { scimUserStoreFor } from '../shared/scim/store';
import { HOME_TENANT } from '../shared/tenancy/tenant';

/**
 * SCIM 2.0 service provider endpoints (RFC 7644) for SCIM clients such as Rippling, Okta or Entra
 * provisioning: `/Users` (GET with filter and paging, POST, GET/PUT/PATCH/DELETE by id),
 * `/ServiceProviderConfig`, `/Schemas`, `/ResourceTypes`. A client's changes become lifecycle
 * events through the tenant's hr-scim mapping. docs/scim.md.
 *
 * `authLevel: anonymous`: a SCIM client is configured with a base URL and a bearer token, and
 * sends no function key; the tenant's bearer token, checked first on every request, is the
 * authentication (as the custom-step callback's signed token is its own).
 */
export async function scim(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return scimFor(HOME_TENANT, request, context);
}

export async function tenantScim(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return scimFor(request.params.tenant ?? '', request, context);
}

function scimFor(key: string, request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const { tenants, ledger, processingQueue, telemetry, settings } = services();
  return serveScim(key, request, context, { tenants, ledger, processingQueue, telemetry, store: scimUserStoreFor(settings) });
}

const METHODS: HttpFunctionDeclaration['methods'] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export const scimFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'scim',
  route: 'scim/v2/{resource}/{id?}',
  methods: METHODS,
  authLevel: 'anonymous',
  handler: scim,
};

export const tenantScimFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'tenant-scim',
  route: 'scim/tenants/{tenant}/v2/{resource}/{id?}',
  methods: METHODS,
  authLevel: 'anonymous',
  handler: tenantScim,
};
