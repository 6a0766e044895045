import { badRequest, notFound } from './errors';
import { listResponse, parseSelect, project } from './odata';
import { DEFAULT_USER_PROPERTIES, findUser, presentUser, USER_FILTERABLE } from './users';
import type { SimContext, SimRequest, UserRecord } from './types';

type Item = Record<string, unknown>;

const deletedUser = (u: UserRecord): Item => ({ '@odata.type': '#microsoft.graph.user', ...presentUser(u) });

function requireDeleted(ctx: SimContext, id: string): UserRecord {
  const user = ctx.state.deletedUsers.get(id);
  if (!user) throw notFound(id);
  return user;
}

export function listDeletedUsers(req: SimRequest, ctx: SimContext): Item {
  return listResponse([...ctx.state.deletedUsers.values()], req, ctx, {
    contextPath: 'directory/deletedItems/microsoft.graph.user', type: 'user', resource: 'User', filterable: USER_FILTERABLE,
    present: (u) => deletedUser(u as UserRecord), defaultProperties: [...DEFAULT_USER_PROPERTIES, 'deletedDateTime'],
  });
}

export function getDeleted(req: SimRequest, ctx: SimContext, id: string): Item {
  const select = parseSelect(req, 'user');
  const user = requireDeleted(ctx, id);
  return { '@odata.context': `${ctx.baseUrl}/$metadata#directoryObjects/$entity`, ...project(deletedUser(user), select, undefined) };
}

/**
 * Restore brings the user back with its memberships (kept in memberIds), manager and licences.
 * Licences are re-consumed even if that overshoots the pool (real Graph would park the user
 * in a licence error state; not simulated).
 */
export function restoreDeleted(req: SimRequest, ctx: SimContext, id: string): Item {
  const user = requireDeleted(ctx, id);
  const body = (req.body ?? {}) as Item;
  const upn = typeof body.newUserPrincipalName === 'string' ? body.newUserPrincipalName : user.userPrincipalName;
  const clash = findUser(ctx.state, upn);
  if (clash) throw badRequest('A conflicting object with one or more of the specified property values is present in the directory.');
  ctx.state.deletedUsers.delete(id);
  user.userPrincipalName = upn;
  user.deletedDateTime = null;
  for (const l of user.assignedLicenses) {
    const sku = ctx.state.skus.get(l.skuId);
    if (sku) sku.consumedUnits += 1;
  }
  ctx.state.users.set(user.id, user);
  return { '@odata.context': `${ctx.baseUrl}/$metadata#directoryObjects/$entity`, '@odata.type': '#microsoft.graph.user', ...presentUser(user) };
}

export function purgeDeleted(ctx: SimContext, id: string): void {
  requireDeleted(ctx, id);
  ctx.state.deletedUsers.delete(id);
  for (const g of ctx.state.groups.values()) g.memberIds = g.memberIds.filter((m) => m !== id);
  for (const u of ctx.state.users.values()) if (u.managerId === id) u.managerId = null;
}
