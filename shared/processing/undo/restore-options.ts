import { GraphRequestError } from '../../graph/errors';
import { listManagedDevices, listOwnedDevices } from '../../graph/devices';
import { enableDevice } from '../../graph/leaver-state';
import { addGroupOwner, listGroupOwnerIds } from '../../graph/owners';
import { graphRoot } from '../deps';
import type { SnapshotDevice } from '../offboarding/snapshot-option-parts';
import type { SnapshotGroup } from '../offboarding/snapshot-parts';
import { itemRefusal, restoreResult, type Restorer } from './restore-context';

/** Intune states a retire or wipe leaves behind (https://learn.microsoft.com/graph/api/resources/intune-devices-managementstate). */
const ACTED_ON = /^(retirePending|retireIssued|retireFailed|wipePending|wipeIssued|wipeFailed|deletePending)$/;

/**
 * Ownership of the groups the leaver owned, where they no longer are an owner (Add owners:
 * Group.ReadWrite.All, granted while the ownership option is on). A manager the leaver's step made
 * owner stays one: that is the manager's account, and the undo does not take from it.
 */
export const restoreOwnedGroups: Restorer = async (value, ctx) => {
  const was = value as SnapshotGroup[];
  const restored: string[] = [];
  const notRestored: string[] = [];
  for (const group of was) {
    let owners: string[];
    try {
      owners = await listGroupOwnerIds(ctx.deps.graph, group.id);
    } catch (error) {
      notRestored.push(`${group.displayName} (${itemRefusal(error)})`);
      continue;
    }
    if (owners.includes(ctx.user.id)) continue;
    if (ctx.deps.mode === 'plan') {
      restored.push(group.displayName);
      continue;
    }
    try {
      await addGroupOwner(ctx.deps.graph, group.id, ctx.user.id, graphRoot(ctx.deps));
      restored.push(group.displayName);
    } catch (error) {
      notRestored.push(`${group.displayName} (${itemRefusal(error)})`);
    }
  }
  return restoreResult(ctx, restored, notRestored, was.length ? 'still an owner of every group it owned' : 'it owned no groups');
};

/**
 * Devices: an Entra device the leaver disabled is enabled again; one deleted, and an Intune
 * device retired or wiped, cannot be given back — each is named, with what to do.
 */
export const restoreDevices: Restorer = async (value, ctx) => {
  const was = value as SnapshotDevice[];
  const wanted = (kind: SnapshotDevice['kind']) => was.filter((d) => d.kind === kind);
  const entra = wanted('entra').length ? new Map((await listOwnedDevices(ctx.deps.graph, ctx.user.id)).map((d) => [d.id, d])) : new Map();
  const intune = wanted('intune').length ? new Map((await listManagedDevices(ctx.deps.graph, ctx.user.id)).map((d) => [d.id, d])) : new Map();
  const restored: string[] = [];
  const notRestored: string[] = [];
  for (const device of wanted('intune')) {
    const now = intune.get(device.id);
    if (!now || ACTED_ON.test(now.managementState)) notRestored.push(`${device.name} (Intune, ${device.ownership ?? 'unknown'}: ${now ? now.managementState : 'gone'} — a retire or wipe cannot be undone; enrol it again)`);
  }
  for (const device of wanted('entra')) {
    const now = entra.get(device.id);
    if (!now) {
      notRestored.push(`${device.name} (Entra: deleted — join or register it again)`);
      continue;
    }
    if (now.accountEnabled !== false || device.accountEnabled === false) continue;
    if (ctx.deps.mode === 'plan') {
      restored.push(`${device.name} enabled`);
      continue;
    }
    try {
      await enableDevice(ctx.deps.graph, device.id);
      restored.push(`${device.name} enabled`);
    } catch (error) {
      // Graph lets an app change accountEnabled only on Windows devices, and only with Cloud Device Administrator (device-update).
      const why = error instanceof GraphRequestError && error.failure.kind === 'permanent' ? `Graph refused: ${error.failure.status} ${error.failure.code}; enable it in the Entra admin center` : itemRefusal(error);
      notRestored.push(`${device.name} (Entra: ${why})`);
    }
  }
  return restoreResult(ctx, restored, notRestored, was.length ? 'every device is as it was' : 'it had no devices');
};
