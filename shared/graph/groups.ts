import type { Client, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import { graphCall, GraphRequestError } from './errors';
import { graphPath, MAX_IN_VALUES, ODataFilter } from './odata';

export interface DirectoryGroup {
  id: string;
  displayName: string;
  groupTypes: string[];
  mailEnabled: boolean;
  securityEnabled: boolean;
  membershipRule?: string | null;
  onPremisesSyncEnabled?: boolean | null;
  /** Members of such a group hold its directory roles; Graph changes them only with RoleManagement.ReadWrite.Directory. */
  isAssignableToRole?: boolean | null;
}

const GROUP_SELECT = 'id,displayName,groupTypes,mailEnabled,securityEnabled,membershipRule,onPremisesSyncEnabled,isAssignableToRole';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Why the app will not change this group's members, or undefined when it will. Role-assignable
 * groups are left alone unless the rules say `manage` (then RoleManagement.ReadWrite.Directory is granted).
 */
export function unmanageableReason(group: DirectoryGroup, roleAssignable: 'leave-alone' | 'manage' = 'leave-alone'): string | undefined {
  if (group.isAssignableToRole && roleAssignable !== 'manage') {
    return 'role-assignable: its members hold a directory role, and changing them needs RoleManagement.ReadWrite.Directory; see roleAssignableGroups in docs/permissions.md';
  }
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
    for (let i = 0; i < values.length; i += MAX_IN_VALUES) {
      const chunk = values.slice(i, i + MAX_IN_VALUES);
      const page = await graphCall('resolve groups', () => client.api('/groups').filter(ODataFilter.in(property, chunk).query).select(GROUP_SELECT).top(999).get());
      for (const group of page.value as DirectoryGroup[]) {
        found.set(property === 'id' ? group.id : group.displayName, group);
      }
    }
  }
  return found;
}

export async function findGroupByDisplayName(client: Client, displayName: string): Promise<DirectoryGroup | undefined> {
  const page = await graphCall('find group', () => client.api('/groups').filter(ODataFilter.eq('displayName', displayName).query).select(GROUP_SELECT).get());
  return (page.value as DirectoryGroup[])[0];
}

/** One of a user's direct memberships: a group, a directory role or an administrative unit. */
export type Membership = { '@odata.type'?: string; id: string; displayName?: string } & Partial<DirectoryGroup>;

/** The first page of a user's direct memberships (relative, so a `$batch` item can carry it too). */
export const memberOfUrl = (userId: string): string => graphPath`/users/${userId}/memberOf?$top=999`;

/** All of a user's direct memberships, following `@odata.nextLink`; `firstPage` when already read (a batch item). */
export async function readMemberOf(client: Client, userId: string, firstPage?: unknown): Promise<Membership[]> {
  const entries: Membership[] = [];
  let page = (firstPage ?? (await graphCall('list user memberships', () => client.api(memberOfUrl(userId)).get()))) as Record<string, unknown>;
  for (;;) {
    entries.push(...((page.value ?? []) as Membership[]));
    const next = page['@odata.nextLink'] as string | undefined;
    if (!next) return entries;
    page = await graphCall('list user memberships', () => client.api(next).get());
  }
}

/** The groups (not roles or administrative units) among memberships. */
export function groupsIn(memberships: readonly Membership[]): DirectoryGroup[] {
  return memberships.filter((m) => m['@odata.type'] === '#microsoft.graph.group') as DirectoryGroup[];
}

/**
 * The directory roles among memberships (protected accounts are never modified), by name, or by
 * id when the app may not read roles: Graph then returns them typed with only their id.
 */
export function directoryRolesIn(memberships: readonly Membership[]): string[] {
  return memberships.filter((m) => m['@odata.type'] === '#microsoft.graph.directoryRole').map((m) => m.displayName ?? `directory role ${m.id}`);
}

/** Adds a member; "already a member" counts as done. Returns whether a change was made. */
export async function addGroupMember(client: Client, groupId: string, userId: string, graphBase: string, options: MiddlewareOptions[] = []): Promise<boolean> {
  try {
    await graphCall('add group member', () =>
      client.api(graphPath`/groups/${groupId}/members/$ref`).middlewareOptions(options).post({ '@odata.id': `${graphBase}/v1.0${graphPath`/directoryObjects/${userId}`}` }),
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
      .api(graphPath`/groups/${groupId}`)
      .middlewareOptions(options)
      .patch({ 'members@odata.bind': userIds.map((id) => `${graphBase}/v1.0${graphPath`/directoryObjects/${id}`}`) }),
  );
}

/** Removes a member; "not a member" (404, or Graph's 400 "removed object references do not exist") counts as done. Returns whether a change was made. */
export async function removeGroupMember(client: Client, groupId: string, userId: string): Promise<boolean> {
  try {
    await graphCall('remove group member', () => client.api(graphPath`/groups/${groupId}/members/${userId}/$ref`).delete());
    return true;
  } catch (error) {
    if (error instanceof GraphRequestError && (error.failure.kind === 'not-found' || error.failure.kind === 'already-done')) return false;
    throw error;
  }
}
