import type { Client } from '@microsoft/microsoft-graph-client';
import { graphCall, GraphRequestError } from './errors';
import { graphPath } from './odata';

/**
 * A user's OneDrive and sharing its root folder, as an application (no signed-in user) may:
 * - Get drive https://learn.microsoft.com/graph/api/drive-get — `GET /users/{id}/drive`; a drive that
 *   does not exist is a 404 (an app never provisions one: only the user's first use or an admin does);
 *   a user without a SharePoint licence gets a 400 "Unable to retrieve user's mysite URL." (read
 *   as not found by the classifier).
 * - Get driveItem https://learn.microsoft.com/graph/api/driveitem-get — `GET /drives/{id}/root`.
 * - List permissions https://learn.microsoft.com/graph/api/driveitem-list-permissions (Files.Read.All).
 * - Send a sharing invitation https://learn.microsoft.com/graph/api/driveitem-invite — application
 *   permission Files.ReadWrite.All (least) or Sites.ReadWrite.All; app-only cannot invite new guests;
 *   `sendInvitation: false` grants the permission without mail, `requireSignIn: true` keeps it to
 *   the named account; an expiry applies only to sharing links in OneDrive for Business, so the
 *   grant lasts until the OneDrive goes with the account.
 */

export interface UserDrive {
  id: string;
  webUrl: string;
}

export interface DrivePermission {
  id: string;
  roles?: string[];
  grantedTo?: { user?: { id?: string } } | null;
  grantedToV2?: { user?: { id?: string } } | null;
}

/** Body of `POST /drives/{id}/items/{itemId}/invite`; names are the CSDL action's parameters (checked by the simulator). */
export interface DriveInvite {
  recipients: { objectId?: string; email?: string }[];
  roles: ('read' | 'write')[];
  requireSignIn: boolean;
  sendInvitation: boolean;
  message?: string;
}

/** The user's OneDrive, or undefined when they have none (never used it, or no SharePoint licence). */
export async function getUserDrive(client: Client, userId: string): Promise<UserDrive | undefined> {
  try {
    return (await graphCall('get OneDrive', () => client.api(graphPath`/users/${userId}/drive?$select=id,webUrl`).get())) as UserDrive;
  } catch (error) {
    if (error instanceof GraphRequestError && error.failure.kind === 'not-found') return undefined;
    throw error;
  }
}

export async function getDriveRootId(client: Client, driveId: string): Promise<string> {
  const root = (await graphCall('get OneDrive root', () => client.api(graphPath`/drives/${driveId}/root?$select=id`).get())) as { id: string };
  return root.id;
}

export async function listItemPermissions(client: Client, driveId: string, itemId: string): Promise<DrivePermission[]> {
  const permissions: DrivePermission[] = [];
  let page = (await graphCall('list sharing permissions', () => client.api(graphPath`/drives/${driveId}/items/${itemId}/permissions`).get())) as Record<string, unknown>;
  for (;;) {
    permissions.push(...((page.value ?? []) as DrivePermission[]));
    const next = page['@odata.nextLink'] as string | undefined;
    if (!next) return permissions;
    page = await graphCall('list sharing permissions', () => client.api(next).get());
  }
}

/** Whether a permission lets this user change the item (write, or owner). */
export function letsUserWrite(permission: DrivePermission, userId: string): boolean {
  const grantee = permission.grantedToV2?.user?.id ?? permission.grantedTo?.user?.id;
  return grantee?.toLowerCase() === userId.toLowerCase() && (permission.roles ?? []).some((r) => r === 'write' || r === 'owner');
}

export async function inviteToItem(client: Client, driveId: string, itemId: string, invite: DriveInvite): Promise<void> {
  await graphCall('share OneDrive', () => client.api(graphPath`/drives/${driveId}/items/${itemId}/invite`).post(invite));
}
