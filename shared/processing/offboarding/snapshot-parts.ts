import { groupsIn } from '../../graph/groups';
import { listDirectReports, type UserRef } from '../../graph/leaver-state';
import type { AssignedLicence } from '../../graph/licences';
import type { DirectoryUser } from '../../graph/users';
import type { SnapshotPartRecord } from '../../ledger/leaver-snapshots';
import type { OffboardingContext } from './context';

/**
 * One part of a leaver's state, read before the first change. `read` answers what it found, or
 * `{ read: false, reason }` when it does not read it (its option is off and the app holds no
 * permission for it); a Graph refusal is recorded the same way by the snapshot step, so a part
 * that cannot be read never stops the leaver. Another offboarding step adds its own part here, and
 * its restorer (by the same name) to `RESTORERS` in shared/processing/undo/restore-parts.ts.
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

export const read = (value: unknown): SnapshotPartRecord => ({ read: true, value });
export const count = (value: unknown, noun: string): string => `${(value as unknown[]).length} ${noun}`;

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

/** In the order they are read and, in the undo, restored: attributes (and with them a usage location) before licences. */
export const BASE_SNAPSHOT_PARTS: readonly SnapshotPart[] = [attributes, groups, licences, manager, directReports];
