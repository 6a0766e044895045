import { listAuthenticationMethods, PASSWORD_METHOD_TYPE } from '../../graph/authentication-methods';
import { listManagedDevices, listOwnedDevices } from '../../graph/devices';
import { listOwnedObjects } from '../../graph/owners';
import type { SnapshotPartRecord } from '../../ledger/leaver-snapshots';
import type { OffboardingContext } from './context';
import { count, read, type SnapshotGroup, type SnapshotPart } from './snapshot-parts';

/**
 * Parts only the offboarding options' permissions can read: the app reads them when the option
 * that acts on them is on (and its permission granted), and records why not otherwise.
 */

export interface SnapshotDevice {
  /** `entra`: a device object the leaver owns; `intune`: a managed device they are the primary user of. */
  kind: 'entra' | 'intune';
  id: string;
  name: string;
  /** Intune's company / personal / unknown. */
  ownership?: string;
  accountEnabled?: boolean | null;
}

const notRead = (reason: string): SnapshotPartRecord => ({ read: false, reason });

/**
 * Listing what a user owns may take reading every group (Graph documents no application
 * permission for List ownedObjects, https://learn.microsoft.com/graph/api/user-list-ownedobjects,
 * and the fallback expands every group's owners), so only when the ownership step runs anyway.
 */
const ownedGroups: SnapshotPart = {
  name: 'ownedGroups',
  read: async ({ deps, user, policy }) => {
    if (policy.ownership?.groups !== 'hand-to-manager') {
      return notRead('the leaver policy leaves group ownership alone (no leaver.ownership), and finding what a user owns may mean reading every group');
    }
    const owned = await listOwnedObjects(deps.graph, user.id);
    return read(owned.groups.map((g): SnapshotGroup => ({ id: g.id, displayName: g.displayName })));
  },
  describe: (value) => count(value, 'owned groups'),
};

/** Types only, never a number, key or device name. Reading them needs UserAuthenticationMethod.Read.All, granted only while the policy removes them. */
const authenticationMethods: SnapshotPart = {
  name: 'authenticationMethods',
  read: async ({ deps, user, policy }) => {
    if (policy.authenticationMethods !== 'remove') {
      return notRead('the leaver policy keeps them (authenticationMethods: keep), and reading them needs a permission the app holds only when they are removed');
    }
    const methods = await listAuthenticationMethods(deps.graph, user.id);
    const types = methods.filter((m) => m.odataType !== PASSWORD_METHOD_TYPE).map((m) => m.odataType.replace(/^#microsoft\.graph\./, '').replace(/AuthenticationMethod$/, ''));
    return read([...new Set(types)].sort());
  },
  describe: (value) => `sign-in method types (${(value as string[]).join(', ') || 'none but the password'})`,
};

/** Entra devices with Device.ReadWrite.All (leaver.devices.registered), Intune ones with DeviceManagementManagedDevices.Read.All (companyOwned, personal). */
const devices: SnapshotPart = {
  name: 'devices',
  read: async (ctx: OffboardingContext) => {
    const policy = ctx.policy.devices;
    const entra = !!policy && policy.registered !== 'keep';
    const intune = !!policy && (policy.companyOwned !== 'keep' || policy.personal !== 'keep');
    if (!entra && !intune) return notRead('the leaver policy leaves devices alone (no leaver.devices), and reading them needs device permissions the app holds only when it acts on them');
    const found: SnapshotDevice[] = [];
    if (entra) {
      for (const d of await listOwnedDevices(ctx.deps.graph, ctx.user.id)) found.push({ kind: 'entra', id: d.id, name: d.displayName ?? d.id, accountEnabled: d.accountEnabled });
    }
    if (intune) {
      for (const d of await listManagedDevices(ctx.deps.graph, ctx.user.id)) found.push({ kind: 'intune', id: d.id, name: d.deviceName ?? d.id, ownership: d.managedDeviceOwnerType });
    }
    return read(found);
  },
  describe: (value) => {
    const list = value as SnapshotDevice[];
    return `${list.length} devices${list.length ? ` (${list.map((d) => `${d.name}: ${d.kind === 'intune' ? `Intune, ${d.ownership ?? 'unknown'}` : 'Entra'}`).join('; ')})` : ''}`;
  },
};

export const OPTION_SNAPSHOT_PARTS: readonly SnapshotPart[] = [ownedGroups, authenticationMethods, devices];
