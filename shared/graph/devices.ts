import type { Client } from '@microsoft/microsoft-graph-client';
import { graphCall, GraphRequestError } from './errors';
import { graphPath } from './odata';

/**
 * A leaver's devices: the Entra device objects they own (they joined or registered the device)
 * and the Intune managed devices whose primary user they are.
 */

/** An Entra device (https://learn.microsoft.com/graph/api/resources/device), as much as offboarding needs. */
export interface EntraDevice {
  id: string;
  /** The device's own id, shared with Intune's `azureADDeviceId`. */
  deviceId: string | null;
  displayName: string | null;
  operatingSystem: string | null;
  accountEnabled: boolean | null;
  /** AzureAd (joined), Workplace (registered), ServerAd (hybrid joined). */
  trustType: string | null;
  onPremisesSyncEnabled: boolean | null;
  physicalIds: string[];
}

const DEVICE_SELECT = 'id,deviceId,displayName,operatingSystem,accountEnabled,trustType,onPremisesSyncEnabled,physicalIds';

/**
 * `GET /users/{id}/ownedDevices`: the devices whose registered owner is the user — "the user that
 * cloud joined the device or registered their personal device … there can be only one owner"
 * (https://learn.microsoft.com/graph/api/device-list-registeredowners). Not `registeredDevices`:
 * an admin can add registered users to a device someone else owns, and that device is not the
 * leaver's to switch off. Without a device-reading permission Graph returns each device with its
 * type and id only (https://learn.microsoft.com/graph/permissions-overview#limited-information-returned-for-inaccessible-member-objects).
 */
export async function listOwnedDevices(client: Client, userId: string): Promise<EntraDevice[]> {
  const devices: EntraDevice[] = [];
  let page = (await graphCall('list owned devices', () => client.api(graphPath`/users/${userId}/ownedDevices?$select=${DEVICE_SELECT}`).get())) as Record<string, unknown>;
  for (;;) {
    for (const raw of (page.value ?? []) as Record<string, unknown>[]) {
      if (raw['@odata.type'] !== '#microsoft.graph.device') continue;
      devices.push({
        id: String(raw.id),
        deviceId: typeof raw.deviceId === 'string' ? raw.deviceId : null,
        displayName: typeof raw.displayName === 'string' ? raw.displayName : null,
        operatingSystem: typeof raw.operatingSystem === 'string' ? raw.operatingSystem : null,
        accountEnabled: typeof raw.accountEnabled === 'boolean' ? raw.accountEnabled : null,
        trustType: typeof raw.trustType === 'string' ? raw.trustType : null,
        onPremisesSyncEnabled: typeof raw.onPremisesSyncEnabled === 'boolean' ? raw.onPremisesSyncEnabled : null,
        physicalIds: Array.isArray(raw.physicalIds) ? raw.physicalIds.filter((p): p is string => typeof p === 'string') : [],
      });
    }
    const next = page['@odata.nextLink'] as string | undefined;
    if (!next) return devices;
    page = await graphCall('list owned devices', () => client.api(next).get());
  }
}

/** `PATCH /devices/{id}` with `accountEnabled: false` (https://learn.microsoft.com/graph/api/device-update). */
export async function disableDevice(client: Client, id: string): Promise<void> {
  await graphCall('disable device', () => client.api(graphPath`/devices/${id}`).patch({ accountEnabled: false }));
}

/** `DELETE /devices/{id}` (https://learn.microsoft.com/graph/api/device-delete); false when it was already gone. */
export async function deleteDevice(client: Client, id: string): Promise<boolean> {
  try {
    await graphCall('delete device', () => client.api(graphPath`/devices/${id}`).delete());
    return true;
  } catch (error) {
    if (error instanceof GraphRequestError && error.failure.kind === 'not-found') return false;
    throw error;
  }
}

/** An Intune managed device (https://learn.microsoft.com/graph/api/resources/intune-devices-manageddevice). */
export interface ManagedDevice {
  id: string;
  deviceName: string | null;
  operatingSystem: string | null;
  /** company, personal or unknown. */
  managedDeviceOwnerType: string;
  /** managed, retirePending, wipePending, retireFailed, … */
  managementState: string;
  azureADDeviceId: string | null;
  deviceActionResults: { actionName: string; actionState: string }[];
}

const MANAGED_SELECT = 'id,deviceName,operatingSystem,managedDeviceOwnerType,managementState,azureADDeviceId,deviceActionResults';

/** `GET /users/{id}/managedDevices` (https://learn.microsoft.com/graph/api/intune-devices-user-list-manageddevices). */
export async function listManagedDevices(client: Client, userId: string): Promise<ManagedDevice[]> {
  const devices: ManagedDevice[] = [];
  let page = (await graphCall('list managed devices', () => client.api(graphPath`/users/${userId}/managedDevices?$select=${MANAGED_SELECT}`).get())) as Record<string, unknown>;
  for (;;) {
    for (const raw of (page.value ?? []) as Record<string, unknown>[]) {
      devices.push({
        id: String(raw.id),
        deviceName: typeof raw.deviceName === 'string' ? raw.deviceName : null,
        operatingSystem: typeof raw.operatingSystem === 'string' ? raw.operatingSystem : null,
        managedDeviceOwnerType: typeof raw.managedDeviceOwnerType === 'string' ? raw.managedDeviceOwnerType : 'unknown',
        managementState: typeof raw.managementState === 'string' ? raw.managementState : 'managed',
        azureADDeviceId: typeof raw.azureADDeviceId === 'string' && raw.azureADDeviceId ? raw.azureADDeviceId : null,
        deviceActionResults: Array.isArray(raw.deviceActionResults)
          ? (raw.deviceActionResults as Record<string, unknown>[]).map((r) => ({ actionName: String(r.actionName ?? ''), actionState: String(r.actionState ?? '') }))
          : [],
      });
    }
    const next = page['@odata.nextLink'] as string | undefined;
    if (!next) return devices;
    page = await graphCall('list managed devices', () => client.api(next).get());
  }
}

export type ManagedDeviceAction = 'retire' | 'wipe';

/**
 * `POST /deviceManagement/managedDevices/{id}/retire` (no body) or `/wipe`. The wipe says what it
 * keeps — nothing — rather than leaving it to Graph's defaults. Returns false when Intune no
 * longer has the device (404: it checked in after an earlier retire or wipe, or was deleted).
 */
export async function actOnManagedDevice(client: Client, id: string, action: ManagedDeviceAction): Promise<boolean> {
  try {
    await graphCall(`${action} managed device`, () => {
      const request = client.api(graphPath`/deviceManagement/managedDevices/${id}/${action}`);
      return action === 'wipe' ? request.post({ keepEnrollmentData: false, keepUserData: false }) : request.post(undefined);
    });
    return true;
  } catch (error) {
    if (error instanceof GraphRequestError && error.failure.kind === 'not-found') return false;
    throw error;
  }
}
