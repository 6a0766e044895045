import { randomUUID } from 'node:crypto';
import { requireAnyAppRole, ROLE_ASSIGNABLE_MEMBERSHIP_ROLES } from './app-roles';
import { badRequest, GraphError, notFound } from './errors';
import { asObject, listResponse, parseSelect, project, refId } from './odata';
import { expandedOwners } from './owners';
import { referenceNotReplicated, replicated, userNotReplicated } from './replication';
import { presentUser, rejectUnknown, DEFAULT_USER_PROPERTIES } from './users';
import { refreshGroupLicences } from './group-licensing';
import type { GroupRecord, SimContext, SimRequest, UserRecord } from './types';

type Item = Record<string, unknown>;

const GROUP_FILTERABLE = new Set(['id', 'displayName', 'mail', 'mailNickname', 'mailEnabled', 'securityEnabled', 'onPremisesSyncEnabled']);
const MAX_BIND = 20;

export function presentGroup(group: GroupRecord): Item {
  const { memberIds: _members, ownerIds: _owners, ...rest } = group;
  return { description: null, mail: null, mailNickname: null, ...structuredClone(rest) };
}

function requireGroup(ctx: SimContext, id: string): GroupRecord {
  const group = ctx.state.groups.get(id);
  if (!group) throw notFound(id);
  return group;
}

/**
 * Membership of these groups cannot be changed through Graph. Mail-enabled and on-premises
 * wordings are what real Graph returns (public issue reports). For dynamic groups real Graph
 * refuses too; the exact code/wording below is our best recollection, not verified.
 */
function assertWritableMembership(group: GroupRecord, ctx: SimContext): void {
  if (group.isAssignableToRole) requireAnyAppRole(ctx, ROLE_ASSIGNABLE_MEMBERSHIP_ROLES);
  if (group.groupTypes.includes('DynamicMembership')) {
    throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  }
  if (group.onPremisesSyncEnabled) {
    throw badRequest('Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.');
  }
  if (group.mailEnabled && !group.groupTypes.includes('Unified')) {
    throw badRequest('Cannot Update a mail-enabled security groups and or distribution list.');
  }
}

/**
 * The user a member add references. One that does not exist is 404 (group-post-members:
 * "404 Not Found when the object being added doesn't exist"); one still replicating is the 400
 * that page and group-update document for replication (see replication.ts). `onCreate`: POST
 * /groups, whose page documents nothing for replication, keeps the plain 404.
 */
function activeMember(ctx: SimContext, id: string, onCreate = false): UserRecord {
  const user = ctx.state.users.get(id);
  if (!user) throw notFound(id);
  if (!replicated(ctx.state, user)) throw onCreate ? userNotReplicated(id) : referenceNotReplicated();
  return user;
}

export function listGroups(req: SimRequest, ctx: SimContext): Item {
  const expand = expandedOwners(req);
  const body = listResponse([...ctx.state.groups.values()], req, ctx, {
    contextPath: 'groups', type: 'group', resource: 'Group', filterable: GROUP_FILTERABLE,
    present: (g) => presentGroup(g as GroupRecord),
    ...(expand ? { maxPageSize: () => expand.pageSize } : {}),
  });
  expand?.add(ctx, body.value as Item[]);
  return body;
}

export function getGroup(req: SimRequest, ctx: SimContext, id: string): Item {
  const select = parseSelect(req, 'group');
  const group = requireGroup(ctx, id);
  return { '@odata.context': `${ctx.baseUrl}/$metadata#groups/$entity`, ...project(presentGroup(group), select, undefined) };
}

/** Members that are soft-deleted stay in `memberIds` (so a restore brings them back) but are hidden. */
export function listMembers(req: SimRequest, ctx: SimContext, id: string): Item {
  const group = requireGroup(ctx, id);
  const members = group.memberIds.map((m) => ctx.state.users.get(m)).filter((u): u is UserRecord => u !== undefined);
  return listResponse(members, req, ctx, {
    contextPath: 'directoryObjects', type: 'user', resource: 'User', filterable: new Set(['id', 'displayName', 'userPrincipalName', 'employeeId']),
    present: (u) => ({ '@odata.type': '#microsoft.graph.user', ...presentUser(u as UserRecord) }),
    defaultProperties: DEFAULT_USER_PROPERTIES,
  });
}

export function addMemberRef(req: SimRequest, ctx: SimContext, id: string): void {
  const group = requireGroup(ctx, id);
  const memberId = refId(asObject(req.body)['@odata.id']);
  assertWritableMembership(group, ctx);
  const user = activeMember(ctx, memberId);
  if (group.memberIds.includes(user.id)) {
    throw badRequest("One or more added object references already exist for the following modified properties: 'members'.");
  }
  group.memberIds.push(user.id);
  refreshGroupLicences(ctx.state, [user.id]);
}

export function removeMember(ctx: SimContext, id: string, memberId: string): void {
  const group = requireGroup(ctx, id);
  assertWritableMembership(group, ctx);
  if (!ctx.state.users.has(memberId)) throw notFound(memberId);
  // Someone who exists but is not a member: the 400 public reports show (Canvas LMS's Graph client
  // special-cases it, as does hashicorp/go-azure-sdk); Microsoft's Remove member page documents none.
  if (!group.memberIds.includes(memberId)) throw badRequest("One or more removed object references do not exist for the following modified properties: 'members'.");
  group.memberIds = group.memberIds.filter((m) => m !== memberId);
  refreshGroupLicences(ctx.state, [memberId]);
}

/** `PATCH /groups/{id}`: `members@odata.bind` adds up to 20 members, all or nothing. */
export function patchGroup(req: SimRequest, ctx: SimContext, id: string): void {
  const body = asObject(req.body);
  rejectUnknown(body, 'group');
  const group = requireGroup(ctx, id);
  const { 'members@odata.bind': bind, ...rest } = body;
  for (const key of Object.keys(rest)) {
    if (key.includes('@')) throw badRequest(`Unsupported annotation '${key}'.`);
    if (['id', 'memberIds', 'onPremisesSyncEnabled', 'groupTypes'].includes(key)) throw badRequest(`Property '${key}' is read-only and cannot be set.`);
  }
  let toAdd: string[] = [];
  if (bind !== undefined) {
    if (!Array.isArray(bind)) throw badRequest("Invalid value specified for property 'members@odata.bind'.");
    if (bind.length > MAX_BIND) throw badRequest(`Unable to update the specified properties: the maximum number of references that can be added in a single request is ${MAX_BIND}.`);
    assertWritableMembership(group, ctx);
    toAdd = bind.map((ref) => activeMember(ctx, refId(ref)).id);
    if (toAdd.some((m) => group.memberIds.includes(m)) || new Set(toAdd).size !== toAdd.length) {
      throw badRequest("One or more added object references already exist for the following modified properties: 'members'.");
    }
  }
  if (group.onPremisesSyncEnabled && Object.keys(rest).length > 0) {
    throw badRequest('Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.');
  }
  Object.assign(group, structuredClone(rest));
  group.memberIds.push(...toAdd);
  refreshGroupLicences(ctx.state, toAdd);
}

const REQUIRED_ON_CREATE = ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled'] as const;

/**
 * `POST /groups`: security groups and Microsoft 365 (Unified) groups. v1.0 cannot create
 * mail-enabled security groups or distribution lists (real Graph refuses; wording recollected).
 */
export function createGroup(req: SimRequest, ctx: SimContext): Item {
  const body = asObject(req.body);
  rejectUnknown(body, 'group');
  for (const property of REQUIRED_ON_CREATE) {
    if (body[property] === undefined || body[property] === null) throw badRequest(`Invalid value specified for property '${property}' of resource 'Group'.`);
  }
  if (typeof body.displayName !== 'string' || !body.displayName.trim()) throw badRequest("Invalid value specified for property 'displayName' of resource 'Group'.");
  if (typeof body.mailEnabled !== 'boolean') throw badRequest("Invalid value specified for property 'mailEnabled' of resource 'Group'.");
  if (typeof body.securityEnabled !== 'boolean') throw badRequest("Invalid value specified for property 'securityEnabled' of resource 'Group'.");
  if (typeof body.mailNickname !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(body.mailNickname) || /[@()\\[\]";:<>,]/.test(body.mailNickname)) {
    throw badRequest("Invalid value specified for property 'mailNickname' of resource 'Group'.");
  }
  const groupTypes = body.groupTypes ?? [];
  if (!Array.isArray(groupTypes) || groupTypes.some((t) => typeof t !== 'string')) throw badRequest("Invalid value specified for property 'groupTypes' of resource 'Group'.");
  if (body.mailEnabled && !groupTypes.includes('Unified')) throw badRequest('Creating mail-enabled security groups or distribution lists is not supported through Graph.');
  const { 'members@odata.bind': bind, 'owners@odata.bind': owners, ...rest } = body;
  if (Object.keys(rest).some((k) => k.includes('@') && !k.startsWith('@'))) throw badRequest('Unsupported annotation on group create.');
  let memberIds: string[] = [];
  if (bind !== undefined) {
    if (!Array.isArray(bind) || bind.length > MAX_BIND) throw badRequest("Invalid value specified for property 'members@odata.bind'.");
    memberIds = [...new Set(bind.map((ref) => activeMember(ctx, refId(ref), true).id))];
  }
  // Created by an app without `owners@odata.bind`, a group has no owner (https://learn.microsoft.com/graph/api/group-post-groups).
  let ownerIds: string[] = [];
  if (owners !== undefined) {
    if (!Array.isArray(owners) || owners.length > MAX_BIND) throw badRequest("Invalid value specified for property 'owners@odata.bind'.");
    ownerIds = [...new Set(owners.map((ref) => activeMember(ctx, refId(ref), true).id))];
  }
  const group: GroupRecord = {
    ...structuredClone(rest),
    id: randomUUID(),
    displayName: body.displayName,
    mailEnabled: body.mailEnabled,
    securityEnabled: body.securityEnabled,
    mailNickname: body.mailNickname,
    groupTypes: groupTypes as string[],
    membershipRule: typeof body.membershipRule === 'string' ? body.membershipRule : null,
    onPremisesSyncEnabled: null,
    createdDateTime: new Date().toISOString(),
    memberIds,
    ownerIds,
  };
  ctx.state.groups.set(group.id, group);
  refreshGroupLicences(ctx.state, group.memberIds);
  return { '@odata.context': `${ctx.baseUrl}/$metadata#groups/$entity`, ...presentGroup(group) };
}
