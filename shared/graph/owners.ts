import type { Client } from '@microsoft/microsoft-graph-client';
import { graphCall, GraphRequestError } from './errors';
import type { DirectoryGroup } from './groups';
import { graphPath } from './odata';

/**
 * What a user owns, and group owners. Sources:
 * - List ownedObjects https://learn.microsoft.com/graph/api/user-list-ownedobjects — its v1.0
 *   permissions table now says "Application: Not supported"; earlier revisions listed User.Read.All
 *   for applications, and the agentUser page documents the same request
 *   (`GET /users/{id}/ownedObjects`) with application User.Read.All. So the app asks, and when Graph
 *   refuses (403) it falls back to the documented way: every group with its owners expanded.
 * - Objects the app may not read come back with only `@odata.type` and `id`
 *   (https://learn.microsoft.com/graph/permissions-overview#limited-information-returned-for-inaccessible-member-objects):
 *   app registrations' names need Application.Read.All.
 * - List owners https://learn.microsoft.com/graph/api/group-list-owners (GroupMember.Read.All);
 *   Add owners https://learn.microsoft.com/graph/api/group-post-owners (Group.ReadWrite.All; 400
 *   when the object already is one, which the classifier reads as done).
 * - `$expand` on directory objects: at most 100 objects a page and 20 expanded ones each
 *   (https://learn.microsoft.com/graph/query-parameters#expand-parameter).
 */

export type OwnedGroup = Pick<DirectoryGroup, 'id' | 'displayName' | 'groupTypes' | 'mailEnabled' | 'securityEnabled'> &
  Partial<Pick<DirectoryGroup, 'isAssignableToRole' | 'onPremisesSyncEnabled' | 'membershipRule'>>;

export interface OwnedApp {
  kind: 'application' | 'servicePrincipal';
  id: string;
  /** Null when the app may not read applications (limited information). */
  displayName: string | null;
  appId: string | null;
}

export interface OwnedObjects {
  groups: OwnedGroup[];
  /** Undefined: Graph would not list what the user owns, so apps could not be looked for. */
  apps: OwnedApp[] | undefined;
}

type Page = { value?: Record<string, unknown>[]; '@odata.nextLink'?: string };

async function allPages(operation: string, client: Client, first: string, each: (item: Record<string, unknown>) => void): Promise<void> {
  let page = (await graphCall(operation, () => client.api(first).get())) as Page;
  for (;;) {
    for (const item of page.value ?? []) each(item);
    const next = page['@odata.nextLink'];
    if (!next) return;
    page = (await graphCall(operation, () => client.api(next).get())) as Page;
  }
}

const asGroup = (item: Record<string, unknown>): OwnedGroup => ({
  id: String(item.id),
  displayName: typeof item.displayName === 'string' ? item.displayName : `group ${String(item.id)}`,
  groupTypes: Array.isArray(item.groupTypes) ? (item.groupTypes as string[]) : [],
  mailEnabled: item.mailEnabled === true,
  securityEnabled: item.securityEnabled === true,
  isAssignableToRole: item.isAssignableToRole === true,
  onPremisesSyncEnabled: item.onPremisesSyncEnabled === true,
  membershipRule: typeof item.membershipRule === 'string' ? item.membershipRule : null,
});

const isRefusal = (error: unknown): boolean => error instanceof GraphRequestError && error.failure.status === 403;

/** The groups, app registrations and service principals the user owns. */
export async function listOwnedObjects(client: Client, userId: string): Promise<OwnedObjects> {
  const groups: OwnedGroup[] = [];
  const apps: OwnedApp[] = [];
  try {
    await allPages('list owned objects', client, graphPath`/users/${userId}/ownedObjects?$top=999`, (item) => {
      const type = item['@odata.type'];
      if (type === '#microsoft.graph.group') groups.push(asGroup(item));
      if (type === '#microsoft.graph.application' || type === '#microsoft.graph.servicePrincipal') {
        apps.push({
          kind: type === '#microsoft.graph.application' ? 'application' : 'servicePrincipal',
          id: String(item.id),
          displayName: typeof item.displayName === 'string' ? item.displayName : null,
          appId: typeof item.appId === 'string' ? item.appId : null,
        });
      }
    });
    return { groups, apps };
  } catch (error) {
    if (!isRefusal(error)) throw error;
    return { groups: await scanOwnedGroups(client, userId), apps: undefined };
  }
}

/** The documented fallback: every group, 100 a page, with its owners' ids. */
async function scanOwnedGroups(client: Client, userId: string): Promise<OwnedGroup[]> {
  const groups: OwnedGroup[] = [];
  await allPages('list groups with owners', client, graphPath`/groups?$select=id,displayName,groupTypes,mailEnabled,securityEnabled,isAssignableToRole,onPremisesSyncEnabled,membershipRule&$expand=owners($select=id)&$top=100`, (item) => {
    const owners = Array.isArray(item.owners) ? (item.owners as { id?: unknown }[]) : [];
    if (owners.some((o) => o.id === userId)) groups.push(asGroup(item));
  });
  return groups;
}

/** The ids of a group's owners (users; v1.0 does not list service principals as owners). */
export async function listGroupOwnerIds(client: Client, groupId: string): Promise<string[]> {
  const ids: string[] = [];
  await allPages('list group owners', client, graphPath`/groups/${groupId}/owners?$select=id&$top=999`, (item) => ids.push(String(item.id)));
  return ids;
}

/** Adds an owner; "already an owner" counts as done. Returns whether a change was made. */
export async function addGroupOwner(client: Client, groupId: string, userId: string, graphBase: string): Promise<boolean> {
  try {
    await graphCall('add group owner', () => client.api(graphPath`/groups/${groupId}/owners/$ref`).post({ '@odata.id': `${graphBase}/v1.0${graphPath`/users/${userId}`}` }));
    return true;
  } catch (error) {
    if (error instanceof GraphRequestError && error.failure.kind === 'already-done') return false;
    throw error;
  }
}
