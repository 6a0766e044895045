import type { Client } from '@microsoft/microsoft-graph-client';
import { graphCall, GraphRequestError } from './errors';
import { graphPath, MAX_IN_VALUES, ODataFilter } from './odata';

export { MAX_IN_VALUES } from './odata';

/** The user properties this app reads; every name exists on microsoft.graph.user (checked by a test). */
export const USER_SELECT = [
  'id',
  'userPrincipalName',
  'displayName',
  'givenName',
  'surname',
  'mailNickname',
  'accountEnabled',
  'employeeId',
  'employeeType',
  'employeeHireDate',
  'employeeLeaveDateTime',
  'department',
  'jobTitle',
  'companyName',
  'officeLocation',
  'city',
  'country',
  'usageLocation',
  'mobilePhone',
] as const;

export type DirectoryUser = { id: string; userPrincipalName: string } & Partial<
  Record<Exclude<(typeof USER_SELECT)[number], 'id' | 'userPrincipalName' | 'accountEnabled'>, string | null>
> & { accountEnabled?: boolean };

/** Body of `POST /users`; property names are checked against the Graph metadata by a test. */
export interface NewUserBody {
  accountEnabled: boolean;
  displayName: string;
  mailNickname: string;
  userPrincipalName: string;
  passwordProfile: { password: string; forceChangePasswordNextSignIn: boolean };
  givenName?: string;
  surname?: string;
  employeeId?: string;
  employeeType?: string;
  employeeHireDate?: string;
  department?: string;
  jobTitle?: string;
  companyName?: string;
  officeLocation?: string;
  city?: string;
  country?: string;
  usageLocation?: string;
  mobilePhone?: string;
}

const select = USER_SELECT.join(',');

export async function findUserByEmployeeId(client: Client, employeeId: string): Promise<DirectoryUser | undefined> {
  const page = await graphCall('find user by employeeId', () =>
    client.api('/users').filter(ODataFilter.eq('employeeId', employeeId).query).select(select).top(2).get(),
  );
  return (page.value as DirectoryUser[])[0];
}

/**
 * Many workers' accounts in one request, keyed by employeeId as asked (Graph compares them
 * case-insensitively). A worker with two accounts gets the first, as a single lookup would.
 */
export async function findUsersByEmployeeIds(client: Client, employeeIds: readonly string[]): Promise<Map<string, DirectoryUser>> {
  if (employeeIds.length > MAX_IN_VALUES) throw new RangeError(`at most ${MAX_IN_VALUES} employeeIds per lookup`);
  const page = await graphCall('find users by employeeId', () =>
    client.api('/users').filter(ODataFilter.in('employeeId', employeeIds).query).select(select).top(999).get(),
  );
  const asked = new Map(employeeIds.map((id) => [id.toLowerCase(), id]));
  const found = new Map<string, DirectoryUser>();
  for (const user of page.value as DirectoryUser[]) {
    const key = asked.get(String(user.employeeId ?? '').toLowerCase());
    if (key !== undefined && !found.has(key)) found.set(key, user);
  }
  return found;
}

export async function findUserByUpn(client: Client, userPrincipalName: string): Promise<DirectoryUser | undefined> {
  try {
    return (await graphCall('get user by UPN', () =>
      client.api(graphPath`/users/${userPrincipalName}`).select(select).get(),
    )) as DirectoryUser;
  } catch (error) {
    if (error instanceof GraphRequestError && error.failure.kind === 'not-found') return undefined;
    throw error;
  }
}

export async function createUser(client: Client, body: NewUserBody): Promise<DirectoryUser> {
  return (await graphCall('create user', () => client.api('/users').post(body))) as DirectoryUser;
}

/** Attributes a mover or leaver may change; names are checked against the Graph metadata by a test. */
export type UserPatch = Partial<Omit<NewUserBody, 'passwordProfile' | 'userPrincipalName' | 'mailNickname'>> & {
  employeeLeaveDateTime?: string | null;
  accountEnabled?: boolean;
};

export async function updateUser(client: Client, userId: string, patch: UserPatch): Promise<void> {
  if (Object.keys(patch).length === 0) return;
  await graphCall('update user', () => client.api(graphPath`/users/${userId}`).patch(patch));
}

export async function revokeSignInSessions(client: Client, userId: string): Promise<void> {
  await graphCall('revoke sign-in sessions', () => client.api(graphPath`/users/${userId}/revokeSignInSessions`).post({}));
}

/** Soft-deletes (30 days in directory/deletedItems); an already-deleted user counts as done. */
export async function deleteUser(client: Client, userId: string): Promise<boolean> {
  try {
    await graphCall('delete user', () => client.api(graphPath`/users/${userId}`).delete());
    return true;
  } catch (error) {
    if (error instanceof GraphRequestError && error.failure.kind === 'not-found') return false;
    throw error;
  }
}

export async function findDeletedUserByEmployeeId(client: Client, employeeId: string): Promise<DirectoryUser | undefined> {
  const page = await graphCall('find deleted user', () =>
    client.api('/directory/deletedItems/microsoft.graph.user').filter(ODataFilter.eq('employeeId', employeeId).query).select(select).get(),
  );
  return (page.value as DirectoryUser[])[0];
}

/**
 * Restores a soft-deleted user, under `newUserPrincipalName` when its own is taken; with
 * `autoReconcileProxyConflict` Entra drops proxy addresses another account now uses from the
 * restored one (https://learn.microsoft.com/graph/api/directory-deleteditems-restore).
 */
export async function restoreDeletedUser(
  client: Client,
  userId: string,
  options: { newUserPrincipalName?: string; autoReconcileProxyConflict?: boolean } = {},
): Promise<DirectoryUser> {
  return (await graphCall('restore deleted user', () => client.api(graphPath`/directory/deletedItems/${userId}/restore`).post({ ...options }))) as DirectoryUser;
}
