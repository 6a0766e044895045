import { randomUUID } from 'node:crypto';
import { directoryRoleAsMember } from './app-roles';
import { unknownProperty } from './csdl';
import { heldSkuIds, presentLicences } from './group-licensing';
import { badRequest, GraphError, notFound } from './errors';
import { asObject, countResponse, listResponse, parseSelect, project, refId, type PlainText } from './odata';
import { replicated, userNotReplicated } from './replication';
import type { SimContext, SimRequest, SimulatorState, UserRecord } from './types';

type Item = Record<string, unknown>;

/** Properties Graph v1.0 returns for a user when there is no `$select`. */
export const DEFAULT_USER_PROPERTIES = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName'] as const;
const INTERNAL = new Set(['managerId', 'directoryRoleIds', 'passwordSet', 'forceChangePasswordNextSignIn', 'temporaryAccessPassMethods', 'authenticationMethods', 'oneDrive', 'inheritedLicenses']);
export const USER_FILTERABLE = new Set(['id', 'userPrincipalName', 'mail', 'mailNickname', 'displayName', 'givenName', 'surname', 'accountEnabled', 'employeeId', 'department', 'jobTitle', 'usageLocation', 'companyName', 'employeeType', 'userType']);
const REQUIRED_ON_CREATE = ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName', 'passwordProfile'] as const;

export function presentUser(user: UserRecord): Item {
  const out: Item = { businessPhones: [], mail: null };
  for (const [k, v] of Object.entries(user)) if (!INTERNAL.has(k)) out[k] = v;
  Object.assign(out, presentLicences(user));
  return structuredClone(out);
}

export function findUser(state: SimulatorState, idOrUpn: string): UserRecord | undefined {
  const direct = state.users.get(idOrUpn);
  if (direct) return direct;
  const upn = idOrUpn.toLowerCase();
  for (const u of state.users.values()) if (u.userPrincipalName.toLowerCase() === upn) return u;
  return undefined;
}

/** A user other endpoints can see: 404 when missing or still replicating (see replication.ts for the sources). */
export function requireUser(state: SimulatorState, idOrUpn: string): UserRecord {
  const user = findUser(state, idOrUpn);
  if (!user) throw notFound(idOrUpn);
  if (!replicated(state, user)) throw userNotReplicated(idOrUpn);
  return user;
}

export function rejectUnknown(body: Item, type: 'user' | 'group'): void {
  const key = unknownProperty(body, type);
  if (key) {
    throw badRequest(`Property '${key}' does not exist on type 'microsoft.graph.${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
  }
}

/** Entra's default policy: 8–256 characters and three of lower, upper, digit, symbol. */
function checkPassword(password: unknown): void {
  if (typeof password !== 'string' || password.length === 0) throw badRequest("Invalid value specified for property 'passwordProfile' of resource 'User'.");
  const categories = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (password.length < 8 || password.length > 256 || categories < 3) {
    throw badRequest('The specified password does not comply with password complexity requirements. Please provide a different password.');
  }
}

export function checkUpn(state: SimulatorState, upn: unknown, self?: string): void {
  if (typeof upn !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(upn)) throw badRequest("Invalid value specified for property 'userPrincipalName' of resource 'User'.");
  const domain = upn.split('@')[1]!.toLowerCase();
  if (!state.verifiedDomains.some((d) => d.toLowerCase() === domain)) {
    throw badRequest('The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.');
  }
  const clash = findUser(state, upn);
  if (clash && clash.id !== self) throw badRequest('Another object with the same value for property userPrincipalName already exists.');
}

function checkMailNickname(state: SimulatorState, nick: unknown, self?: string): void {
  if (typeof nick !== 'string' || nick.length === 0 || /[@\s]/.test(nick)) throw badRequest("Invalid value specified for property 'mailNickname' of resource 'User'.");
  for (const u of state.users.values()) {
    if (u.id !== self && u.mailNickname.toLowerCase() === nick.toLowerCase()) throw badRequest('Another object with the same value for property mailNickname already exists.');
  }
}

export const USER_COLLECTIONS = { assignedLicenses: ['skuId'] } as const;

/**
 * Graph's user-list page when `signInActivity` is selected (docs, beta user-list after
 * microsoft-graph-docs-contrib#9591, July 2025: 500; older docs said 120). `$top=999` still works.
 */
export const SIGN_IN_ACTIVITY_PAGE_SIZE = 500;

/** Graph refuses `signInActivity` in tenants without Entra ID P1 (and without AuditLog.Read.All). */
function checkSignInActivity(req: SimRequest, ctx: SimContext): void {
  if (ctx.signInActivityAvailable === false && /signInActivity/i.test(req.query.get('$select') ?? '')) {
    throw new GraphError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', "Neither tenant is B2C or tenant doesn't have premium license");
  }
}

export function listUsers(req: SimRequest, ctx: SimContext): Item {
  checkSignInActivity(req, ctx);
  return listResponse([...ctx.state.users.values()].filter((u) => replicated(ctx.state, u)), req, ctx, {
    contextPath: 'users', type: 'user', resource: 'User', filterable: USER_FILTERABLE, collections: USER_COLLECTIONS,
    present: (u) => presentUser(u as UserRecord), defaultProperties: DEFAULT_USER_PROPERTIES,
    maxPageSize: (select) => (select?.some((p) => p.toLowerCase() === 'signinactivity') ? SIGN_IN_ACTIVITY_PAGE_SIZE : 999),
  });
}

export function countUsers(req: SimRequest, ctx: SimContext): PlainText {
  return countResponse([...ctx.state.users.values()].filter((u) => replicated(ctx.state, u)), req, { filterable: USER_FILTERABLE, resource: 'User', collections: USER_COLLECTIONS });
}

export function getUser(req: SimRequest, ctx: SimContext, idOrUpn: string): Item {
  checkSignInActivity(req, ctx);
  const select = parseSelect(req, 'user');
  const user = requireUser(ctx.state, idOrUpn);
  const suffix = select ? `(${select.join(',')})` : '';
  return { '@odata.context': `${ctx.baseUrl}/$metadata#users${suffix}/$entity`, ...project(presentUser(user), select, DEFAULT_USER_PROPERTIES) };
}

export function createUser(req: SimRequest, ctx: SimContext): Item {
  const body = asObject(req.body);
  rejectUnknown(body, 'user');
  for (const property of REQUIRED_ON_CREATE) {
    if (body[property] === undefined || body[property] === null) throw badRequest(`Invalid value specified for property '${property}' of resource 'User'.`);
  }
  if (typeof body.accountEnabled !== 'boolean') throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'User'.");
  if (typeof body.displayName !== 'string' || !body.displayName.trim()) throw badRequest("Invalid value specified for property 'displayName' of resource 'User'.");
  const profile = asObject(body.passwordProfile);
  checkPassword(profile.password);
  checkUpn(ctx.state, body.userPrincipalName);
  checkMailNickname(ctx.state, body.mailNickname);
  const { passwordProfile: _password, ...rest } = body;
  const user: UserRecord = {
    ...structuredClone(rest),
    id: randomUUID(),
    userPrincipalName: body.userPrincipalName as string,
    displayName: body.displayName,
    mailNickname: body.mailNickname as string,
    accountEnabled: body.accountEnabled,
    employeeId: typeof body.employeeId === 'string' ? body.employeeId : null,
    managerId: null,
    assignedLicenses: [],
    directoryRoleIds: [],
    passwordSet: true,
    forceChangePasswordNextSignIn: profile.forceChangePasswordNextSignIn !== false,
    deletedDateTime: null,
    createdDateTime: new Date().toISOString(),
  };
  ctx.state.users.set(user.id, user);
  if (ctx.replicationDelayMs) ctx.state.replicatingUntil.set(user.id, Date.now() + ctx.replicationDelayMs);
  return { '@odata.context': `${ctx.baseUrl}/$metadata#users/$entity`, ...presentUser(user) };
}

const READ_ONLY = new Set(['id', 'assignedLicenses', 'createdDateTime', 'signInActivity', 'deletedDateTime', 'assignedPlans', 'provisionedPlans', 'licenseAssignmentStates']);

export function patchUser(req: SimRequest, ctx: SimContext, idOrUpn: string): void {
  const body = asObject(req.body);
  rejectUnknown(body, 'user');
  const user = requireUser(ctx.state, idOrUpn);
  for (const key of Object.keys(body)) {
    if (READ_ONLY.has(key)) throw badRequest(`Property '${key}' is read-only and cannot be set.`);
  }
  if ('userPrincipalName' in body) checkUpn(ctx.state, body.userPrincipalName, user.id);
  if ('mailNickname' in body) checkMailNickname(ctx.state, body.mailNickname, user.id);
  if ('accountEnabled' in body && typeof body.accountEnabled !== 'boolean') throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'User'.");
  const { passwordProfile, ...rest } = body;
  if (passwordProfile !== undefined) {
    const profile = asObject(passwordProfile);
    checkPassword(profile.password);
    user.passwordSet = true;
    user.forceChangePasswordNextSignIn = profile.forceChangePasswordNextSignIn !== false;
  }
  Object.assign(user, structuredClone(rest));
}

/** Soft delete: the user moves to deletedItems; its licences go back to the pool. */
export function deleteUser(ctx: SimContext, idOrUpn: string): void {
  const user = requireUser(ctx.state, idOrUpn);
  ctx.state.users.delete(user.id);
  user.deletedDateTime = new Date().toISOString();
  for (const skuId of heldSkuIds(user)) {
    const sku = ctx.state.skus.get(skuId);
    if (sku) sku.consumedUnits = Math.max(0, sku.consumedUnits - 1);
  }
  ctx.state.deletedUsers.set(user.id, user);
}

export function getManager(req: SimRequest, ctx: SimContext, idOrUpn: string): Item {
  const user = requireUser(ctx.state, idOrUpn);
  const manager = user.managerId ? ctx.state.users.get(user.managerId) : undefined;
  if (!manager) throw notFound('manager');
  const select = parseSelect(req, 'user');
  return {
    '@odata.context': `${ctx.baseUrl}/$metadata#directoryObjects/$entity`,
    '@odata.type': '#microsoft.graph.user',
    ...project(presentUser(manager), select, undefined),
  };
}

export function setManager(req: SimRequest, ctx: SimContext, idOrUpn: string): void {
  const user = requireUser(ctx.state, idOrUpn);
  const targetId = refId(asObject(req.body)['@odata.id']);
  const manager = findUser(ctx.state, targetId);
  if (!manager) throw notFound(targetId);
  // A manager still replicating: Assign manager documents nothing specific; the eventual-consistency "Not Found".
  if (!replicated(ctx.state, manager)) throw userNotReplicated(targetId);
  if (manager.id === user.id) throw badRequest('A user cannot be its own manager.'); // wording not verified against real Graph
  user.managerId = manager.id;
}

export function removeManager(ctx: SimContext, idOrUpn: string): void {
  const user = requireUser(ctx.state, idOrUpn);
  if (!user.managerId) throw notFound('manager');
  user.managerId = null;
}

export function memberOf(req: SimRequest, ctx: SimContext, idOrUpn: string): Item {
  const user = requireUser(ctx.state, idOrUpn);
  const items: Item[] = [];
  for (const g of ctx.state.groups.values()) {
    if (!g.memberIds.includes(user.id)) continue;
    const { memberIds: _m, ownerIds: _o, ...group } = g;
    items.push({ '@odata.type': '#microsoft.graph.group', ...structuredClone(group) });
  }
  for (const roleId of user.directoryRoleIds) {
    const role = ctx.state.directoryRoles.get(roleId);
    if (role) items.push(directoryRoleAsMember(ctx, role));
  }
  return listResponse(items, req, ctx, {
    contextPath: 'directoryObjects', type: 'directoryObject', resource: 'DirectoryObject',
    filterable: new Set(['id', 'displayName']), present: (i) => i,
  });
}

/** `GET /users/{id}/directReports`: users whose manager is this user, paged like any collection. */
export function directReports(req: SimRequest, ctx: SimContext, idOrUpn: string): Item {
  const user = requireUser(ctx.state, idOrUpn);
  const reports = [...ctx.state.users.values()].filter((u) => u.managerId === user.id);
  return listResponse(reports, req, ctx, {
    contextPath: 'directoryObjects', type: 'user', resource: 'User', filterable: USER_FILTERABLE,
    present: (u) => ({ '@odata.type': '#microsoft.graph.user', ...presentUser(u as UserRecord) }),
    defaultProperties: DEFAULT_USER_PROPERTIES,
  });
}

export function revokeSignInSessions(ctx: SimContext, idOrUpn: string): Item {
  const user = requireUser(ctx.state, idOrUpn);
  user.signInSessionsValidFromDateTime = new Date().toISOString();
  return { '@odata.context': `${ctx.baseUrl}/$metadata#Edm.Boolean`, value: true };
}
