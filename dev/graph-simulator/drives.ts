import { createHash, randomUUID } from 'node:crypto';
import { holdsAny } from './app-roles';
import { loadGraphMetadata, unknownActionParameter, unknownProperty } from './csdl';
import { badRequest, GraphError } from './errors';
import { asObject } from './odata';
import type { SimContext, SimRequest, SimulatorState, UserRecord } from './types';
import { findUser, requireUser } from './users';

/**
 * Users' OneDrives, as far as handing one to a leaver's manager needs: the drive, its root folder,
 * the root's sharing permissions and `invite`. A user's drive is kept on the user record (key
 * `oneDrive`, hidden from user reads); a user without one has no OneDrive yet — an account gets
 * its OneDrive when it first uses it or an admin pre-provisions it (Request-SPOPersonalSite), not
 * when it is created. Seed a user with `"oneDrive": "provisioned"` (or `"unlicensed"`: no SharePoint
 * licence), or call `provisionOneDrive()`.
 *
 * Sources: Get drive https://learn.microsoft.com/graph/api/drive-get (404 when the drive does not
 * exist; app-only never provisions it), Get driveItem https://learn.microsoft.com/graph/api/driveitem-get,
 * List permissions https://learn.microsoft.com/graph/api/driveitem-list-permissions, Send a sharing
 * invitation https://learn.microsoft.com/graph/api/driveitem-invite (application: Files.ReadWrite.All,
 * Sites.ReadWrite.All; "New guests can't be invited using app-only access").
 */

interface StoredPermission {
  id: string;
  userId: string;
  roles: string[];
}

export interface OneDriveRecord {
  state: 'provisioned';
  id: string;
  webUrl: string;
  rootId: string;
  createdDateTime: string;
  /** Granted on the root folder; the owner's own permission is implied. */
  permissions: StoredPermission[];
}

type StoredDrive = OneDriveRecord | { state: 'unlicensed' };

const KEY = 'oneDrive';
const READERS = ['Files.Read.All', 'Files.ReadWrite.All', 'Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.FullControl.All'];
const WRITERS = ['Files.ReadWrite.All', 'Sites.ReadWrite.All', 'Sites.FullControl.All'];
const ROLES = new Set(['read', 'write']);

/** An app without a Files/Sites permission; SharePoint's code and wording are recollected, not verified. */
function requireFilesRole(ctx: SimContext, roles: readonly string[]): void {
  if (!holdsAny(ctx, roles)) throw new GraphError(403, 'accessDenied', 'Access denied');
}

/** Deterministic ids, shaped like OneDrive for Business ones (`b!…` drives, `01…` items). */
function idsFor(user: UserRecord): { id: string; rootId: string } {
  const digest = createHash('sha256').update(user.id).digest();
  return { id: `b!${digest.subarray(0, 24).toString('base64url')}`, rootId: `01${digest.subarray(24).toString('hex').toUpperCase().slice(0, 32)}` };
}

/** `https://contoso-my.sharepoint.com/personal/ada_contoso_com/Documents`, as OneDrive names personal sites. */
function webUrlFor(state: SimulatorState, user: UserRecord): string {
  const tenant = (state.verifiedDomains[0] ?? 'contoso.com').split('.')[0]!.toLowerCase();
  return `https://${tenant}-my.sharepoint.com/personal/${user.userPrincipalName.toLowerCase().replace(/[^a-z0-9]/g, '_')}/Documents`;
}

function materialise(state: SimulatorState, user: UserRecord): OneDriveRecord {
  const drive: OneDriveRecord = { state: 'provisioned', ...idsFor(user), webUrl: webUrlFor(state, user), createdDateTime: new Date().toISOString(), permissions: [] };
  user[KEY] = drive;
  return drive;
}

/** The user's drive; the seed's `"provisioned"` shorthand becomes a full record on first use. */
function driveOf(state: SimulatorState, user: UserRecord): StoredDrive | undefined {
  const stored = user[KEY];
  if (stored === 'provisioned') return materialise(state, user);
  if (stored === 'unlicensed') return { state: 'unlicensed' };
  return stored as StoredDrive | undefined;
}

/** Gives a user a OneDrive (as their first sign-in or Request-SPOPersonalSite would); returns it. */
export function provisionOneDrive(state: SimulatorState, idOrUpn: string): { id: string; webUrl: string } {
  const user = findUser(state, idOrUpn);
  if (!user) throw new Error(`no user ${idOrUpn}`);
  const drive = driveOf(state, user);
  const record = drive?.state === 'provisioned' ? drive : materialise(state, user);
  return { id: record.id, webUrl: record.webUrl };
}

/** The users a drive's root is shared with, and how (tests read this rather than Graph). */
export function oneDrivePermissions(state: SimulatorState, idOrUpn: string): { userId: string; roles: string[] }[] {
  const user = findUser(state, idOrUpn);
  const drive = user ? driveOf(state, user) : undefined;
  return drive?.state === 'provisioned' ? drive.permissions.map((p) => ({ userId: p.userId, roles: [...p.roles] })) : [];
}

function findDrive(ctx: SimContext, driveId: string): { owner: UserRecord; drive: OneDriveRecord } {
  for (const owner of ctx.state.users.values()) {
    const drive = driveOf(ctx.state, owner);
    if (drive?.state === 'provisioned' && drive.id === driveId) return { owner, drive };
  }
  // The wording public reports show for an unknown drive or item (OneDrive/onedrive-api-docs#1628).
  throw new GraphError(404, 'itemNotFound', 'Item not found');
}

function checkSelect(req: SimRequest, type: string): string[] | undefined {
  const raw = req.query.get('$select');
  if (!raw) return undefined;
  const known = loadGraphMetadata().propertiesOf(type);
  const props = raw.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = props.find((p) => !known.has(p));
  if (unknown) throw badRequest(`Parsing OData Select and Expand failed: Could not find a property named '${unknown}' on type 'microsoft.graph.${type}'.`, 'BadRequest');
  return props;
}

function selected(item: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  if (!select) return item;
  return Object.fromEntries(['id', ...select].map((k) => [k, item[k] ?? null]));
}

const identity = (user: UserRecord) => ({ id: user.id, displayName: user.displayName, email: (user.mail as string | undefined) ?? user.userPrincipalName });

/**
 * `GET /users/{id}/drive`. No OneDrive yet: 404 — the page says so for a drive that does not exist
 * and cannot be provisioned (an app never provisions one); code and wording are what public reports
 * show (`ResourceNotFound`, "User's mysite not found.": alcionai/corso, microsoftgraph docs issues).
 * No SharePoint licence: 400 `BadRequest` "Unable to retrieve user's mysite URL." (public reports, corso).
 */
export function getUserDrive(req: SimRequest, ctx: SimContext, idOrUpn: string): Record<string, unknown> {
  const user = requireUser(ctx.state, idOrUpn);
  requireFilesRole(ctx, READERS);
  const select = checkSelect(req, 'drive');
  const drive = driveOf(ctx.state, user);
  if (drive?.state === 'unlicensed') throw new GraphError(400, 'BadRequest', "Unable to retrieve user's mysite URL.");
  if (!drive) throw new GraphError(404, 'ResourceNotFound', "User's mysite not found.");
  const body = {
    id: drive.id,
    driveType: 'business',
    name: 'OneDrive',
    webUrl: drive.webUrl,
    createdDateTime: drive.createdDateTime,
    owner: { user: { id: user.id, displayName: user.displayName, email: identity(user).email } },
  };
  return { '@odata.context': `${ctx.baseUrl}/$metadata#drives/$entity`, ...selected(body, select) };
}

/** `GET /drives/{id}/root`: the root folder (its `webUrl` is the drive's Documents library). */
export function getDriveRoot(req: SimRequest, ctx: SimContext, driveId: string): Record<string, unknown> {
  requireFilesRole(ctx, READERS);
  const select = checkSelect(req, 'driveItem');
  const { drive } = findDrive(ctx, driveId);
  const body = { id: drive.rootId, name: 'root', webUrl: drive.webUrl, root: {}, folder: { childCount: 0 }, parentReference: { driveId: drive.id, driveType: 'business' } };
  return { '@odata.context': `${ctx.baseUrl}/$metadata#drives('${drive.id}')/root/$entity`, ...selected(body, select) };
}

function rootOf(ctx: SimContext, driveId: string, itemId: string): { owner: UserRecord; drive: OneDriveRecord } {
  const found = findDrive(ctx, driveId);
  if (itemId !== found.drive.rootId) throw new GraphError(404, 'itemNotFound', 'Item not found');
  return found;
}

function presentPermission(ctx: SimContext, p: StoredPermission): Record<string, unknown> {
  const user = ctx.state.users.get(p.userId);
  const who = user ? identity(user) : { id: p.userId, displayName: null, email: null };
  return { id: p.id, roles: [...p.roles], grantedTo: { user: who }, grantedToV2: { user: who, siteUser: { id: p.id, displayName: who.displayName, loginName: who.email } }, hasPassword: false };
}

/** `GET /drives/{id}/items/{itemId}/permissions`: the owner's permission, then those granted. */
export function listItemPermissions(ctx: SimContext, driveId: string, itemId: string): Record<string, unknown> {
  requireFilesRole(ctx, READERS);
  const { owner, drive } = rootOf(ctx, driveId, itemId);
  const ownerPermission = { id: `owner-${owner.id}`, userId: owner.id, roles: ['owner'] };
  return { '@odata.context': `${ctx.baseUrl}/$metadata#Collection(microsoft.graph.permission)`, value: [ownerPermission, ...drive.permissions].map((p) => presentPermission(ctx, p)) };
}

function recipientUser(ctx: SimContext, recipient: Record<string, unknown>): UserRecord | undefined {
  if (typeof recipient.objectId === 'string') {
    const user = ctx.state.users.get(recipient.objectId);
    if (user) return user;
  }
  if (typeof recipient.email === 'string') {
    const email = recipient.email.toLowerCase();
    for (const user of ctx.state.users.values()) {
      if (user.userPrincipalName.toLowerCase() === email || String(user.mail ?? '').toLowerCase() === email) return user;
    }
  }
  return undefined;
}

/**
 * `POST /drives/{id}/items/{itemId}/invite`: parameters checked against the CSDL action, recipients
 * against `driveRecipient`; each recipient gets the roles (an existing grant is widened, not
 * duplicated). A recipient outside the directory is refused: app-only access cannot invite new
 * guests (page above); the 400 wording is the one public reports show ("One or more users could
 * not be resolved.", alcionai/corso); the other refusals' wordings are recollected.
 */
export function invite(req: SimRequest, ctx: SimContext, driveId: string, itemId: string): Record<string, unknown> {
  requireFilesRole(ctx, WRITERS);
  const body = asObject(req.body);
  const unknown = unknownActionParameter(body, 'invite', 'driveItem');
  if (unknown) throw badRequest(`The parameter '${unknown}' in the request payload is not a valid parameter for the operation 'invite'.`, 'BadRequest');
  const { recipients, roles } = body;
  if (!Array.isArray(recipients) || recipients.length === 0) throw badRequest("The parameter 'recipients' must contain at least one recipient.", 'invalidRequest');
  if (!Array.isArray(roles) || roles.length === 0 || roles.some((r) => typeof r !== 'string' || !ROLES.has(r))) throw badRequest("Invalid value for parameter 'roles': expected 'read' or 'write'.", 'invalidRequest');
  for (const flag of ['requireSignIn', 'sendInvitation', 'retainInheritedPermissions'] as const) {
    if (body[flag] !== undefined && typeof body[flag] !== 'boolean') throw badRequest(`Invalid value for parameter '${flag}'.`, 'invalidRequest');
  }
  const { owner, drive } = rootOf(ctx, driveId, itemId);
  const users = recipients.map((raw) => {
    const recipient = asObject(raw);
    const extra = unknownProperty(recipient, 'driveRecipient');
    if (extra) throw badRequest(`The property '${extra}' does not exist on type 'microsoft.graph.driveRecipient'. Make sure to only use property names that are defined by the type.`, 'BadRequest');
    const user = recipientUser(ctx, recipient);
    if (!user) throw badRequest('One or more users could not be resolved.', 'invalidRequest');
    return user;
  });
  const granted = users.map((user) => {
    if (user.id === owner.id) return { id: `owner-${owner.id}`, userId: owner.id, roles: ['owner'] };
    let permission = drive.permissions.find((p) => p.userId === user.id);
    if (!permission) {
      permission = { id: randomUUID(), userId: user.id, roles: [] };
      drive.permissions.push(permission);
    }
    const wanted = roles.includes('write') ? ['write'] : ['read'];
    if (!permission.roles.includes('write')) permission.roles = wanted;
    return permission;
  });
  return { '@odata.context': `${ctx.baseUrl}/$metadata#Collection(microsoft.graph.permission)`, value: granted.map((p) => presentPermission(ctx, p)) };
}
