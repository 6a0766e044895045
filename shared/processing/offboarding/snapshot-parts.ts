import { groupsIn } from '../../graph/groups';
import { listAuthenticationMethodTypes, listDirectReports, type UserRef } from '../../graph/leaver-state';
import type { AssignedLicence } from '../../graph/licences';
import type { DirectoryUser } from '../../graph/users';
import type { SnapshotPartRecord } from '../../ledger/leaver-snapshots';
import type { OffboardingContext } from './context';

/**
 * One part of a leaver's state, read before the first change. `read` answers what it found, or
 * `{ read: false, reason }` when it does not read it (its option is off and the app holds no
 * permission for it); a Graph refusal is recorded the same way by the snapshot step, so a part
 * that cannot be read never stops the leaver. Another offboarding step adds its own part here, and
 * its restorer (by the same name) to shared/processing/undo/restorers.ts.
 */
export interface SnapshotPart {
  name: string;
  read(ctx: OffboardingContext): Promise<SnapshotPartRecord>;
  /** A few words for the snapshot step's detail ("3 groups"). */
  describe(value: unknown): string;
}

/** The attributes HR owns (what a mover writes), and the two a leaver changes. */
export const SNAPSHOT_ATTRIBUTES = [
  'displayName',
  'givenName',
  'surname',
  'employeeType',
  'employeeHireDate',
  'department',
  'jobTitle',
  'companyName',
  'officeLocation',
  'city',
  'country',
  'usageLocation',
  'mobilePhone',
  'accountEnabled',
  'employeeLeaveDateTime',
] as const;
export type SnapshotAttributes = Partial<Record<(typeof SNAPSHOT_ATTRIBUTES)[number], string | boolean | null>>;

export interface SnapshotGroup {
  id: string;
  displayName: string;
}

export type SnapshotManager = { id: string } | null;

const read = (value: unknown): SnapshotPartRecord => ({ read: true, value });
const count = (value: unknown, noun: string): string => `${(value as unknown[]).length} ${noun}`;

/** Already read with the account (find-user): nothing to ask Graph. */
const attributes: SnapshotPart = {
  name: 'attributes',
  read: async ({ user }) => read(Object.fromEntries(SNAPSHOT_ATTRIBUTES.map((a) => [a, (user as DirectoryUser & Record<string, unknown>)[a] ?? null]))),
  describe: (value) => `attributes (sign-in ${(value as SnapshotAttributes).accountEnabled === false ? 'off' : 'on'})`,
};

/** Direct memberships, from the reads the protection check and the group step share. */
const groups: SnapshotPart = {
  name: 'groups',
  read: async ({ reads }) => read(groupsIn(await reads.memberships()).map((g): SnapshotGroup => ({ id: g.id, displayName: g.displayName }))),
  describe: (value) => count(value, 'groups'),
};

/** Licences with their disabled plans (and, when read with them, which come through a group). */
const licences: SnapshotPart = {
  name: 'licences',
  read: async ({ reads }) => read(await reads.licences()),
  describe: (value) => count(value as AssignedLicence[], 'licences'),
};

const manager: SnapshotPart = {
  name: 'manager',
  read: async ({ reads }) => {
    const id = await reads.managerId();
    return read(id ? { id } : null);
  },
  describe: (value) => (value ? 'the manager' : 'no manager'),
};

const directReports: SnapshotPart = {
  name: 'directReports',
  read: async ({ deps, user }) => read(await listDirectReports(deps.graph, user.id)),
  describe: (value) => count(value as UserRef[], 'direct reports'),
};

/**
 * Graph gives an application no way to list what a user owns: List ownedObjects documents
 * "Application: Not supported" (https://learn.microsoft.com/graph/api/user-list-ownedobjects).
 */
const ownedGroups: SnapshotPart = {
  name: 'ownedGroups',
  read: async () => ({
    read: false,
    reason: 'Graph lets no application list the groups a user owns (List ownedObjects: application permissions not supported); the ownership step records the groups it hands over',
  }),
  describe: (value) => count(value, 'owned groups'),
};

/** Types only. Reading them needs UserAuthenticationMethod.Read.All, which the app holds only while the leaver policy removes them. */
const authenticationMethods: SnapshotPart = {
  name: 'authenticationMethods',
  read: async ({ deps, user, policy }) => {
    if (policy.authenticationMethods !== 'remove') {
      return { read: false, reason: 'the leaver policy keeps them (authenticationMethods: keep), and reading them needs a permission the app holds only when they are removed' };
    }
    return read(await listAuthenticationMethodTypes(deps.graph, user.id));
  },
  describe: (value) => `authentication method types (${(value as string[]).join(', ') || 'none'})`,
};

/**
 * Devices are read by the device step's own part when `leaver.devices` is on (it holds the device
 * permissions then); with the option off the app may not read them.
 */
const devices: SnapshotPart = {
  name: 'devices',
  read: async ({ policy }) => ({
    read: false,
    reason: policy.devices
      ? 'the device step records each device it acts on in its own ledger step'
      : 'the leaver policy leaves devices alone (no leaver.devices), and reading them needs device permissions the app holds only when it acts on them',
  }),
  describe: (value) => count(value, 'devices'),
};

/** In the order they are read and, in the undo, restored: attributes (and with them a usage location) before licences. */
export const BASE_SNAPSHOT_PARTS: readonly SnapshotPart[] = [attributes, groups, licences, manager, directReports, ownedGroups, authenticationMethods, devices];
