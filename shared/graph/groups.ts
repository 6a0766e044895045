import type { Client, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import { graphCall, GraphRequestError } from './errors';
import { odataIn, odataString } from './odata';

export interface DirectoryGroup {
  id: string;
  displayName: string;
  groupTypes: string[];
  mailEnabled: boolean;
  securityEnabled: boolean;
  membershipRule?: string | null;
  onPremisesSyncEnabled?: boolean | null;
}

const GROUP_SELECT = 'id,displayName,groupTypes,mailEnabled,securityEnabled,membershipRule,onPremisesSyncEnabled';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why Graph will refuse to change this group's members, or undefined when it can. */
export function unmanageableReason(group: DirectoryGroup): string | undefined {
  if (group.groupTypes.includes('DynamicMembership')) return 'dynamic membership (rule-based)';
  if (group.onPremisesSyncEnabled) return 'synchronised from on-premises AD';
  if (group.mailEnabled && !group.groupTypes.includes('Unified')) return 'mail-enabled security group or distribution list (Exchange manages it)';
  return undefined;
}

/** Resolves group references (ids or display names) in as few requests as `in (...)` allows. */
export async function resolveGroups(client: Client, refs: readonly string[]): Promise<Map<string, DirectoryGroup>> {
  const found = new Map<string, DirectoryGroup>();
  const ids = refs.filter((r) => GUID.test(r));
  const names = refs.filter((r) => !GUID.test(r));
  for (const [property, values] of [['id', ids], ['displayName', names]] as const) {
    for (let i = 0; i < values.length; i += 15) {
      const chunk = values.slice(i, i + 15);
      const page = await graphCall('resolve groups', () => client.api('/groups').filter(odataIn(property, chunk)).select(GROUP_SELECT).top(999).get());
      for (const group of page.value as DirectoryGroup[]) {
        found.set(property === 'id' ? group.id : group.displayName, group);
      }
    }
  }
  return found;
}

export async function findGroupByDisplayName(client: Client, displayName: string): Promise<DirectoryGroup | undefined> {
  const page = await graphCall('find group', () => client.api('/groups').filter(`displayName eq ${odataString(displayName)}`).select(GROUP_SELECT).get());
  return (page.value as DirectoryGroup[])[0];
}

/** Groups (not roles or administrative units) the user is a direct member of. */
export async function listUserGroups(client: Client, userId: string): Promise<DirectoryGroup[]> {
  const groups: DirectoryGroup[] = [];
  let page = await graphCall('list user groups', () => client.api(`/users/${userId}/memberOf`).top(999).get());
  for (;;) {
    for (const item of page.value as ({ '@odata.type'?: string } & DirectoryGroup)[]) {
      if (item['@odata.type'] === '#microsoft.graph.group') groups.push(item);
    }
    const next = page['@odata.nextLink'] as string | undefined;
    if (!next) return groups;
    page = await graphCall('list user groups', () => client.api(next).get());
  }
}

/** Directory role templates the user holds (protected accounts are never modified). */
export async function listUserDirectoryRoles(client: Client, userId: string): Promise<string[]> {
  const page = await graphCall('list user roles', () => client.api(`/users/${userId}/memberOf`).top(999).get());
  return (page.value as { '@odata.type'?: string; displayName?: string }[])
    .filter((i) => i['@odata.type'] === '#microsoft.graph.directoryRole')
    .map((i) => i.displayName ?? 'directory role');
}

/** Adds a member; "already a member" counts as done. Returns whether a change was made. */
export async function addGroupMember(client: Client, groupId: string, userId: string, graphBase: string, options: MiddlewareOptions[] = []): Promise<boolean> {
  try {
    await graphCall('add group member', () =>
      client.api(`/groups/${groupId}/members/$ref`).middlewareOptions(options).post({ '@odata.id': `${graphBase}/v1.0/directoryObjects/${userId}` }),
    );
    return true;
  } catch (error) {
    if (error instanceof GraphRequestError && error.failure.kind === 'already-done') return false;
    throw error;
  }
}

/** Graph adds at most 20 members in one `members@odata.bind` PATCH. */
export const MAX_BIND_MEMBERS = 20;

/**
 * Adds several members in one write (`PATCH /groups/{id}` with `members@odata.bind`). Graph
 * applies it all or nothing: if any one is already a member or not visible, nothing changes and
 * the whole request fails — callers then add one by one to learn which.
 */
export async function addGroupMembers(client: Client, groupId: string, userIds: readonly string[], graphBase: string, options: MiddlewareOptions[] = []): Promise<void> {
  if (userIds.length > MAX_BIND_MEMBERS) throw new RangeError(`at most ${MAX_BIND_MEMBERS} members per request`);
  await graphCall('add group members', () =>
    client
      .api(`/groups/${groupId}`)
      .middlewareOptions(options)
      .patch({ 'members@odata.bind': userIds.map((id) => `${graphBase}/v1.0/directoryObjects/${id}`) }),
  );
}

/** Removes a member; "not a member" (404) counts as done. Returns whether a change was made. */
export async function removeGroupMember(client: Client, groupId: string, userId: string): Promise<boolean> {
  try {
    await graphCall('remove group member', () => client.api(`/groups/${groupId}/members/${userId}/$ref`).delete());
    return true;
  } catch (error) {
    if (error instanceof GraphRequestError && error.failure.kind === 'not-found') return false;
    throw error;
  }
}
