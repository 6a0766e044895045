import { createTemporaryAccessPass, deleteTemporaryAccessPass, listTemporaryAccessPasses } from './authentication';
import { AUTHENTICATION_METHOD_ROUTES } from './authentication-methods';
import { DEVICE_ROUTES } from './devices';
import { runBatch, type BatchItem } from './batch';
import { listDeletedUsers, getDeleted, purgeDeleted, restoreDeleted } from './deleted';
import { errorResponse, GraphError } from './errors';
import { Chaos } from './chaos';
import { FaultSet } from './faults';
import { getDriveRoot, getUserDrive, invite, listItemPermissions } from './drives';
import { addOwnerRef, listOwners, ownedObjects, removeOwnerRef } from './owners';
import { addMemberRef, createGroup, getGroup, listGroups, listMembers, patchGroup, removeMember } from './groups';
import { assignLicense, licenseDetails, listSubscribedSkus } from './licences';
import { createMessageRule, getAutomaticRepliesSetting, getMailboxSettings, listMessageRules, patchMailboxSettings, sendMail } from './mail';
import { PlainText } from './odata';
import { getAuthenticationMethodConfiguration } from './policies';
import { Throttle } from './throttle';
import * as users from './users';
import type { SimContext, SimRequest, SimResponse } from './types';

type Params = Record<string, string>;
type Handler = (p: Params, req: SimRequest, ctx: SimContext) => unknown;
interface Route { method: string; pattern: string; regex: RegExp; keys: string[]; status: number; handler: Handler }

const routes: Route[] = [];
function route(method: string, pattern: string, status: number, handler: Handler): void {
  const keys: string[] = [];
  const source = pattern.replace(/[$.]/g, (c) => `\\${c}`).replace(/\{(\w+)\}/g, (_m, key: string) => { keys.push(key); return '([^/]+)'; });
  routes.push({ method, pattern, regex: new RegExp(`^${source}$`), keys, status, handler });
}

route('GET', '/users', 200, (_p, req, ctx) => users.listUsers(req, ctx));
route('GET', '/users/$count', 200, (_p, req, ctx) => users.countUsers(req, ctx));
route('POST', '/users', 201, (_p, req, ctx) => users.createUser(req, ctx));
route('GET', '/users/{id}', 200, (p, req, ctx) => users.getUser(req, ctx, p.id!));
route('PATCH', '/users/{id}', 204, (p, req, ctx) => users.patchUser(req, ctx, p.id!));
route('DELETE', '/users/{id}', 204, (p, _req, ctx) => users.deleteUser(ctx, p.id!));
route('GET', '/users/{id}/manager', 200, (p, req, ctx) => users.getManager(req, ctx, p.id!));
route('PUT', '/users/{id}/manager/$ref', 204, (p, req, ctx) => users.setManager(req, ctx, p.id!));
route('DELETE', '/users/{id}/manager/$ref', 204, (p, _req, ctx) => users.removeManager(ctx, p.id!));
route('GET', '/users/{id}/directReports', 200, (p, req, ctx) => users.directReports(req, ctx, p.id!));
route('GET', '/users/{id}/ownedObjects', 200, (p, req, ctx) => ownedObjects(req, ctx, p.id!));
route('GET', '/users/{id}/drive', 200, (p, req, ctx) => getUserDrive(req, ctx, p.id!));
route('GET', '/drives/{id}/root', 200, (p, req, ctx) => getDriveRoot(req, ctx, p.id!));
route('GET', '/drives/{id}/items/{itemId}/permissions', 200, (p, _req, ctx) => listItemPermissions(ctx, p.id!, p.itemId!));
route('POST', '/drives/{id}/items/{itemId}/invite', 200, (p, req, ctx) => invite(req, ctx, p.id!, p.itemId!));
route('GET', '/users/{id}/memberOf', 200, (p, req, ctx) => users.memberOf(req, ctx, p.id!));
route('POST', '/users/{id}/revokeSignInSessions', 200, (p, _req, ctx) => users.revokeSignInSessions(ctx, p.id!));
route('POST', '/users/{id}/authentication/temporaryAccessPassMethods', 201, (p, req, ctx) => createTemporaryAccessPass(req, ctx, p.id!));
route('GET', '/users/{id}/authentication/temporaryAccessPassMethods', 200, (p, _req, ctx) => listTemporaryAccessPasses(ctx, p.id!));
route('DELETE', '/users/{id}/authentication/temporaryAccessPassMethods/{methodId}', 204, (p, _req, ctx) => deleteTemporaryAccessPass(ctx, p.id!, p.methodId!));
route('GET', '/users/{id}/licenseDetails', 200, (p, _req, ctx) => licenseDetails(ctx, p.id!));
route('POST', '/users/{id}/assignLicense', 200, (p, req, ctx) => assignLicense(req, ctx, p.id!));
route('GET', '/subscribedSkus', 200, (_p, _req, ctx) => listSubscribedSkus(ctx));
route('GET', '/users/{id}/mailboxSettings', 200, (p, _req, ctx) => getMailboxSettings(ctx, p.id!));
route('GET', '/users/{id}/mailboxSettings/automaticRepliesSetting', 200, (p, _req, ctx) => getAutomaticRepliesSetting(ctx, p.id!));
route('PATCH', '/users/{id}/mailboxSettings', 200, (p, req, ctx) => patchMailboxSettings(req, ctx, p.id!));
route('GET', '/users/{id}/mailFolders/inbox/messageRules', 200, (p, _req, ctx) => listMessageRules(ctx, p.id!));
route('POST', '/users/{id}/mailFolders/inbox/messageRules', 201, (p, req, ctx) => createMessageRule(req, ctx, p.id!));
route('POST', '/users/{id}/sendMail', 202, (p, req, ctx) => sendMail(req, ctx, p.id!));
route('GET', '/groups', 200, (_p, req, ctx) => listGroups(req, ctx));
route('POST', '/groups', 201, (_p, req, ctx) => createGroup(req, ctx));
route('GET', '/groups/{id}', 200, (p, req, ctx) => getGroup(req, ctx, p.id!));
route('PATCH', '/groups/{id}', 204, (p, req, ctx) => patchGroup(req, ctx, p.id!));
route('GET', '/groups/{id}/members', 200, (p, req, ctx) => listMembers(req, ctx, p.id!));
route('POST', '/groups/{id}/members/$ref', 204, (p, req, ctx) => addMemberRef(req, ctx, p.id!));
route('DELETE', '/groups/{id}/members/{memberId}/$ref', 204, (p, _req, ctx) => removeMember(ctx, p.id!, p.memberId!));
route('GET', '/groups/{id}/owners', 200, (p, req, ctx) => listOwners(req, ctx, p.id!));
route('POST', '/groups/{id}/owners/$ref', 204, (p, req, ctx) => addOwnerRef(req, ctx, p.id!));
route('DELETE', '/groups/{id}/owners/{ownerId}/$ref', 204, (p, _req, ctx) => removeOwnerRef(ctx, p.id!, p.ownerId!));
route('GET', '/directory/deletedItems/microsoft.graph.user', 200, (_p, req, ctx) => listDeletedUsers(req, ctx));
route('GET', '/directory/deletedItems/{id}', 200, (p, req, ctx) => getDeleted(req, ctx, p.id!));
route('POST', '/directory/deletedItems/{id}/restore', 200, (p, req, ctx) => restoreDeleted(req, ctx, p.id!));
route('DELETE', '/directory/deletedItems/{id}', 204, (p, _req, ctx) => purgeDeleted(ctx, p.id!));
route('GET', '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}', 200, (p, _req, ctx) => getAuthenticationMethodConfiguration(ctx, p.id!));
for (const r of [...AUTHENTICATION_METHOD_ROUTES, ...DEVICE_ROUTES]) route(r.method, r.pattern, r.status, r.handler);

/** Resource-unit cost, identity and access service: https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits */
function resourceUnits(method: string, pattern: string, query: URLSearchParams): number {
  if (method !== 'GET') return 1;
  let cost = pattern === '/users' || pattern === '/users/{id}' ? 2 : pattern === '/groups/{id}/members' || pattern === '/subscribedSkus' ? 3 : 1;
  if (query.has('$select')) cost -= 1;
  const top = Number(query.get('$top'));
  if (query.has('$top') && top < 20) cost -= 1;
  return Math.max(1, cost);
}

/** A path segment as a server reads it: a malformed percent-encoding is the client's error (400), not ours. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new GraphError(400, 'BadRequest', `The request URI is not valid: malformed percent-encoding in '${segment}'.`);
  }
}

export interface ObservedRequest {
  /** `METHOD /pattern`, e.g. `POST /groups/{id}/members/$ref`. */
  route: string;
  body: unknown;
}

export class Router {
  readonly faults = new FaultSet();
  readonly throttle: Throttle;
  /** The app's budget across tenants, shared with other tenants' simulators (unset: not modelled). */
  appThrottle: Throttle | undefined;
  readonly chaos = new Chaos();
  requests = 0;
  readonly byRoute: Record<string, number> = {};
  /** Sees every routed request (tests: which routes the app calls, what bodies it sends). */
  observer: ((request: ObservedRequest) => void) | undefined;

  constructor(private readonly ctx: SimContext, clock: () => number = Date.now) {
    this.throttle = new Throttle({}, clock);
  }

  /** Handles one request (top level or batch item): faults, routing, errors. */
  dispatch(req: SimRequest): SimResponse {
    this.requests += 1;
    const clientRequestId = req.headers['client-request-id'];
    const path = req.path.replace(/%24/gi, '$').replace(/\/+$/, '') || '/';
    let label = `${req.method} ${path}`;
    let charged: Record<string, string> = {};
    try {
      if (path === '/$batch') {
        label = 'POST /$batch';
        this.count(label);
        if (req.method !== 'POST') throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
        const fault = this.faults.take(req.method, path);
        if (fault) throw fault;
        return { status: 200, headers: { 'Content-Type': 'application/json' }, body: runBatch(req.body, (item) => this.dispatchItem(item)) };
      }
      const candidates = routes.map((r) => ({ r, m: r.regex.exec(path) })).filter((c) => c.m !== null);
      const found = candidates.find((c) => c.r.method === req.method);
      if (found) label = `${found.r.method} ${found.r.pattern}`;
      this.count(label);
      this.observer?.({ route: label, body: req.body });
      const fault = this.faults.take(req.method, path);
      if (fault) throw fault;
      if (!found) {
        if (candidates.length > 0) throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
        const segment = path.split('/').filter(Boolean).pop() ?? '';
        throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
      }
      const transient = this.chaos.failure();
      if (transient) throw transient;
      charged = this.throttle.charge(req.method, resourceUnits(req.method, found.r.pattern, req.query), this.appThrottle ? [this.appThrottle] : []);
      const params: Params = {};
      found.r.keys.forEach((k, i) => { params[k] = decodeSegment(found.m![i + 1]!); });
      const body = found.r.handler(params, req, this.ctx);
      const headers: Record<string, string> = { ...charged };
      // No body (204, or sendMail's 202): no Content-Type either, as Graph answers.
      if (found.r.status === 204 || body === undefined) return { status: found.r.status, headers };
      if (body instanceof PlainText) return { status: found.r.status, headers: { ...headers, 'Content-Type': 'text/plain' }, body: body.text };
      return { status: found.r.status, headers: { ...headers, 'Content-Type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8' }, body };
    } catch (error) {
      if (error instanceof GraphError) return errorResponse(new GraphError(error.status, error.code, error.message, { ...charged, ...error.headers }), clientRequestId);
      const message = error instanceof Error ? error.message : String(error);
      return errorResponse(new GraphError(500, 'generalException', `Simulator failure: ${message}`), clientRequestId);
    }
  }

  private dispatchItem(item: BatchItem): SimResponse {
    const url = new URL(item.url.replace(/^\/?(v1\.0\/)?/, '/'), 'https://batch.invalid');
    if (url.pathname === '/$batch') return errorResponse(new GraphError(400, 'BadRequest', 'Nested batch requests are not supported.'));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(item.headers)) headers[k.toLowerCase()] = String(v);
    return this.dispatch({ method: item.method, path: url.pathname, query: url.searchParams, headers, body: item.body });
  }

  private count(label: string): void {
    this.byRoute[label] = (this.byRoute[label] ?? 0) + 1;
  }
}
