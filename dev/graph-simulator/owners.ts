import { holdsAny, requireAnyAppRole, ROLE_ASSIGNABLE_MEMBERSHIP_ROLES } from './app-roles';
import { badRequest, notFound } from './errors';
import { presentGroup } from './groups';
import { asObject, listResponse, refId } from './odata';
import { referenceNotReplicated, replicated } from './replication';
import type { GroupRecord, OwnedAppRecord, SimContext, SimRequest, UserRecord } from './types';
import { presentUser, requireUser, DEFAULT_USER_PROPERTIES } from './users';

type Item = Record<string, unknown>;

/**
 * Group owners and the objects a user owns. Sources:
 * - Add owners https://learn.microsoft.com/graph/api/group-post-owners: application permission
 *   Group.ReadWrite.All; 400 "when the object is already a member" (the wording below is the
 *   one public code matches, e.g. microsoft/TeamsFx, for app owners), 404 when the object does not exist.
 * - List owners https://learn.microsoft.com/graph/api/group-list-owners: GroupMember.Read.All;
 *   "Owners are currently not available in Microsoft Graph for groups that were created in
 *   Exchange, distribution groups, or groups that are synchronized from an on-premises
 *   environment"; v1.0 does not list service principals as owners. The `owners` property:
 *   "Limited to 100 owners".
 * - Remove owner https://learn.microsoft.com/graph/api/group-delete-owners: "the last owner (a user
 *   object) of the group cannot be removed"; the 400 wording is microsoftgraph/microsoft-graph-docs#12054.
 * - List ownedObjects https://learn.microsoft.com/graph/api/user-list-ownedobjects; objects the
 *   app may not read come back "with limited information" (@odata.type and id, the rest null):
 *   https://learn.microsoft.com/graph/permissions-overview#limited-information-returned-for-inaccessible-member-objects
 * - Role-assignable groups https://learn.microsoft.com/entra/identity/role-based-access-control/groups-concept:
 *   their members change only with RoleManagement.ReadWrite.Directory, and owners manage their
 *   members; that owner changes need the same permission is inferred, not documented.
 */

const MAX_OWNERS = 100;
const GROUP_WRITERS = ['Group.ReadWrite.All', 'Directory.ReadWrite.All'];
const USER_READERS = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const GROUP_READERS = ['GroupMember.Read.All', 'GroupMember.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const APP_READERS = ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];

const ownersOf = (group: GroupRecord): string[] => (group.ownerIds ??= []);

/** Groups whose owners Graph does not hold (made in Exchange, distribution lists, synchronised from AD). */
const ownersOutsideGraph = (group: GroupRecord): boolean => !!group.onPremisesSyncEnabled || (group.mailEnabled && !group.groupTypes.includes('Unified'));

function requireGroup(ctx: SimContext, id: string): GroupRecord {
  const group = ctx.state.groups.get(id);
  if (!group) throw notFound(id);
  return group;
}

function assertOwnersWritable(ctx: SimContext, group: GroupRecord): void {
  requireAnyAppRole(ctx, GROUP_WRITERS);
  if (group.isAssignableToRole) requireAnyAppRole(ctx, ROLE_ASSIGNABLE_MEMBERSHIP_ROLES);
  if (group.onPremisesSyncEnabled) {
    throw badRequest('Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.');
  }
  if (group.mailEnabled && !group.groupTypes.includes('Unified')) throw badRequest('Cannot Update a mail-enabled security groups and or distribution list.');
}

/** `GET /groups/{id}/owners`: the users among its owners, paged like any collection. */
export function listOwners(req: SimRequest, ctx: SimContext, id: string): Item {
  const group = requireGroup(ctx, id);
  const owners = ownersOutsideGraph(group) ? [] : ownersOf(group).map((o) => ctx.state.users.get(o)).filter((u): u is UserRecord => u !== undefined);
  return listResponse(owners, req, ctx, {
    contextPath: 'directoryObjects', type: 'directoryObject', resource: 'DirectoryObject', filterable: new Set(['id']),
    present: (u) => ({ '@odata.type': '#microsoft.graph.user', ...presentUser(u as UserRecord) }),
    defaultProperties: DEFAULT_USER_PROPERTIES,
  });
}

/** `POST /groups/{id}/owners/$ref` with `{ "@odata.id": ".../users/{id}" }`. */
export function addOwnerRef(req: SimRequest, ctx: SimContext, id: string): void {
  const group = requireGroup(ctx, id);
  const body = asObject(req.body);
  const extra = Object.keys(body).find((k) => k !== '@odata.id');
  if (extra) throw badRequest(`Property '${extra}' is not allowed in a reference: only '@odata.id'.`, 'BadRequest');
  const ownerId = refId(body['@odata.id']);
  assertOwnersWritable(ctx, group);
  const user = ctx.state.users.get(ownerId);
  if (!user) throw notFound(ownerId);
  if (!replicated(ctx.state, user)) throw referenceNotReplicated();
  const owners = ownersOf(group);
  if (owners.includes(user.id)) throw badRequest("One or more added object references already exist for the following modified properties: 'owners'.");
  if (owners.length >= MAX_OWNERS) throw badRequest(`The group already has the maximum of ${MAX_OWNERS} owners.`); // wording invented
  owners.push(user.id);
}

/** `DELETE /groups/{id}/owners/{ownerId}/$ref`: never the last user owner. */
export function removeOwnerRef(ctx: SimContext, id: string, ownerId: string): void {
  const group = requireGroup(ctx, id);
  assertOwnersWritable(ctx, group);
  if (!ctx.state.users.has(ownerId)) throw notFound(ownerId);
  const owners = ownersOf(group);
  // By analogy with removing a non-member (groups.ts); not documented for owners.
  if (!owners.includes(ownerId)) throw badRequest("One or more removed object references do not exist for the following modified properties: 'owners'.");
  if (owners.filter((o) => ctx.state.users.has(o)).length === 1) throw badRequest('The group must have at least one owner, hence this owner cannot be removed.');
  group.ownerIds = owners.filter((o) => o !== ownerId);
}

function presentOwnedApp(ctx: SimContext, type: 'application' | 'servicePrincipal', app: OwnedAppRecord): Item {
  const full = holdsAny(ctx, APP_READERS);
  return { '@odata.type': `#microsoft.graph.${type}`, id: app.id, appId: full ? app.appId : null, displayName: full ? app.displayName : null };
}

function presentOwnedGroup(ctx: SimContext, group: GroupRecord): Item {
  if (holdsAny(ctx, GROUP_READERS)) return { '@odata.type': '#microsoft.graph.group', ...presentGroup(group) };
  return { '@odata.type': '#microsoft.graph.group', id: group.id, displayName: null, groupTypes: null, isAssignableToRole: null };
}

/** `GET /users/{id}/ownedObjects`: groups, app registrations and service principals the user owns. */
export function ownedObjects(req: SimRequest, ctx: SimContext, idOrUpn: string): Item {
  const user = requireUser(ctx.state, idOrUpn);
  requireAnyAppRole(ctx, USER_READERS);
  const items: Item[] = [];
  for (const group of ctx.state.groups.values()) if (ownersOf(group).includes(user.id)) items.push(presentOwnedGroup(ctx, group));
  for (const app of ctx.state.applications.values()) if (app.ownerIds.includes(user.id)) items.push(presentOwnedApp(ctx, 'application', app));
  for (const sp of ctx.state.servicePrincipals.values()) if (sp.ownerIds.includes(user.id)) items.push(presentOwnedApp(ctx, 'servicePrincipal', sp));
  return listResponse(items, req, ctx, {
    contextPath: 'directoryObjects', type: 'directoryObject', resource: 'DirectoryObject', filterable: new Set(['id', 'displayName']), present: (i) => i,
  });
}

/**
 * `GET /groups?$expand=owners` (optionally `owners($select=id,…)`): each group with its owners.
 * "Returns a maximum of 100 objects" a page and 20 expanded ones each (query-parameters page,
 * https://learn.microsoft.com/graph/query-parameters#expand-parameter). Other expansions are not modelled.
 */
export function expandedOwners(req: SimRequest): { pageSize: number; add: (ctx: SimContext, page: Item[]) => void } | undefined {
  const raw = req.query.get('$expand');
  if (raw === null) return undefined;
  const m = /^owners(?:\(\$select=([A-Za-z,]+)\))?$/.exec(raw.trim());
  if (!m) throw badRequest(`The simulator expands only 'owners' on groups, not '${raw}'.`, 'BadRequest');
  const select = m[1]?.split(',');
  return {
    pageSize: 100,
    add: (ctx, page) => {
      for (const item of page) {
        const group = ctx.state.groups.get(String(item.id));
        if (!group || ownersOutsideGraph(group)) {
          item.owners = [];
          continue;
        }
        const users = ownersOf(group).map((o) => ctx.state.users.get(o)).filter((u): u is UserRecord => u !== undefined).slice(0, 20);
        item.owners = users.map((u) => {
          const full: Item = { '@odata.type': '#microsoft.graph.user', ...presentUser(u) };
          return select ? Object.fromEntries(['@odata.type', 'id', ...select].map((k) => [k, full[k] ?? null])) : full;
        });
      }
    },
  };
}
