import type { Client } from '@microsoft/microsoft-graph-client';
import { graphCall, GraphRequestError } from './errors';
import { graphPath } from './odata';
import { USER_SELECT, type DirectoryUser } from './users';

/** A user as a leaver snapshot names them: enough to find the object again and to say who it is. */
export interface UserRef {
  id: string;
  userPrincipalName?: string;
  displayName?: string;
}

async function allPages(operation: string, client: Client, first: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let page = (await graphCall(operation, () => client.api(first).get())) as Record<string, unknown>;
  for (;;) {
    items.push(...((page.value ?? []) as Record<string, unknown>[]));
    const next = page['@odata.nextLink'] as string | undefined;
    if (!next) return items;
    page = (await graphCall(operation, () => client.api(next).get())) as Record<string, unknown>;
  }
}

/**
 * The users whose manager this user is (organisational contacts among them are left out: the app
 * never changes those). Application permission User.Read.All, which User.ReadWrite.All includes
 * (https://learn.microsoft.com/graph/api/user-list-directreports).
 */
export async function listDirectReports(client: Client, userId: string): Promise<UserRef[]> {
  const items = await allPages('list direct reports', client, graphPath`/users/${userId}/directReports?$select=id,userPrincipalName,displayName&$top=999`);
  return items
    .filter((i) => i['@odata.type'] === undefined || i['@odata.type'] === '#microsoft.graph.user')
    .map((i) => ({ id: String(i.id), ...(typeof i.userPrincipalName === 'string' ? { userPrincipalName: i.userPrincipalName } : {}), ...(typeof i.displayName === 'string' ? { displayName: i.displayName } : {}) }));
}

/** `PATCH /devices/{id}` with `accountEnabled: true`: an undo gives back an Entra device a leaver disabled (https://learn.microsoft.com/graph/api/device-update). */
export async function enableDevice(client: Client, id: string): Promise<void> {
  await graphCall('enable device', () => client.api(graphPath`/devices/${id}`).patch({ accountEnabled: true }));
}

/** A user in deleted items by object id (restorable for 30 days), or undefined when it is not there. */
export async function getDeletedUser(client: Client, userId: string): Promise<DirectoryUser | undefined> {
  try {
    return (await graphCall('get deleted user', () => client.api(graphPath`/directory/deletedItems/${userId}`).select(USER_SELECT.join(',')).get())) as DirectoryUser;
  } catch (error) {
    if (error instanceof GraphRequestError && error.failure.kind === 'not-found') return undefined;
    throw error;
  }
}
