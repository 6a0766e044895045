import { heldSkuIds } from './group-licensing';
import { badRequest, notFound } from './errors';
import { asObject, listResponse, parseSelect, project } from './odata';
import { checkUpn, DEFAULT_USER_PROPERTIES, findUser, presentUser, USER_FILTERABLE } from './users';
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

/** The restore action's parameters (directoryObject `restore` in reference/graph/v1.0-Prod.csdl). */
const RESTORE_PARAMETERS = new Set(['autoReconcileProxyConflict', 'newUserPrincipalName']);

/**
 * `POST /directory/deletedItems/{id}/restore` brings the user back with its memberships (kept in
 * memberIds), manager and licences, under its old UPN or `newUserPrincipalName`
 * (https://learn.microsoft.com/graph/api/directory-deleteditems-restore). A UPN another account
 * now holds is refused as POST /users refuses it (400 Request_BadRequest, verified for create;
 * for restore the wording is recollected) and the user stays deleted. Not modelled: proxy
 * addresses (`autoReconcileProxyConflict` is accepted and has nothing to reconcile), admins
 * that User.ReadWrite.All may not restore. Licences are re-consumed even if that overshoots the
 * pool (real Graph would park the user in a licence error state).
 */
export function restoreDeleted(req: SimRequest, ctx: SimContext, id: string): Item {
  const user = requireDeleted(ctx, id);
  const body = req.body === undefined || req.body === null ? {} : asObject(req.body);
  for (const key of Object.keys(body)) {
    if (!RESTORE_PARAMETERS.has(key)) throw badRequest(`The parameter '${key}' in the request payload is not a valid parameter for the operation 'restore'.`);
  }
  if (body.autoReconcileProxyConflict !== undefined && typeof body.autoReconcileProxyConflict !== 'boolean') {
    throw badRequest("Invalid value specified for parameter 'autoReconcileProxyConflict' of operation 'restore'.");
  }
  let upn = user.userPrincipalName;
  if (body.newUserPrincipalName !== undefined) {
    checkUpn(ctx.state, body.newUserPrincipalName);
    upn = body.newUserPrincipalName as string;
  } else if (findUser(ctx.state, upn)) {
    throw badRequest('Another object with the same value for property userPrincipalName already exists.');
  }
  ctx.state.deletedUsers.delete(id);
  user.userPrincipalName = upn;
  user.deletedDateTime = null;
  for (const skuId of heldSkuIds(user)) {
    const sku = ctx.state.skus.get(skuId);
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
