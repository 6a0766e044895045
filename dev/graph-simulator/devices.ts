import { z } from 'zod';
import { holdsAny, requireAnyAppRole } from './app-roles';
import { loadGraphMetadata, unknownActionParameter, unknownProperty } from './csdl';
import { badRequest, GraphError, notFound } from './errors';
import { asObject, listResponse } from './odata';
import type { SimContext, SimRequest, SimulatorState } from './types';
import { requireUser } from './users';

/**
 * A user's devices, in Entra ID and in Intune.
 *
 * Entra devices (https://learn.microsoft.com/graph/api/resources/device): the registered owner "is
 * the user that cloud joined the device or registered their personal device … Currently, there can
 * be only one owner" (https://learn.microsoft.com/graph/api/device-list-registeredowners); a user
 * reaches theirs through `ownedDevices` and `registeredDevices`, which list directoryObjects, so
 * an app that may not read devices gets each with "limited information": `@odata.type` and `id`
 * (https://learn.microsoft.com/graph/permissions-overview#limited-information-returned-for-inaccessible-member-objects).
 *
 * Intune managed devices (https://learn.microsoft.com/graph/api/resources/intune-devices-manageddevice):
 * ownership `managedDeviceOwnerType` (company, personal, unknown), `managementState`,
 * `deviceActionResults`; `retire` and `wipe` answer 204 and take effect when the device checks in:
 * "The device still shows up in Intune until the device checks in"
 * (https://learn.microsoft.com/mem/intune/remote-actions/devices-wipe) — `checkInManagedDevice`.
 */

export const seedDeviceSchema = z
  .object({
    id: z.string(),
    deviceId: z.string(),
    displayName: z.string(),
    operatingSystem: z.string(),
    operatingSystemVersion: z.string().optional(),
    accountEnabled: z.boolean().default(true),
    /** AzureAd (joined), Workplace (registered), ServerAd (hybrid joined, synced from AD). */
    trustType: z.enum(['AzureAd', 'Workplace', 'ServerAd']).default('AzureAd'),
    deviceOwnership: z.enum(['Company', 'Personal']).optional(),
    isManaged: z.boolean().default(false),
    onPremisesSyncEnabled: z.boolean().nullable().default(null),
    /** Autopilot devices carry `[ZTDID]…` here (system-managed: not to be deleted). */
    physicalIds: z.array(z.string()).default([]),
    registeredOwnerIds: z.array(z.string()).default([]),
    registeredUserIds: z.array(z.string()).default([]),
  })
  .strict();

const actionResult = z.object({ actionName: z.string(), actionState: z.enum(['none', 'pending', 'canceled', 'active', 'done', 'failed', 'notSupported']), startDateTime: z.string(), lastUpdatedDateTime: z.string() }).strict();

export const seedManagedDeviceSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    deviceName: z.string(),
    operatingSystem: z.string(),
    managedDeviceOwnerType: z.enum(['company', 'personal', 'unknown']),
    managementState: z.enum(['managed', 'retirePending', 'retireFailed', 'wipePending', 'wipeFailed', 'unhealthy', 'deletePending', 'retireIssued', 'wipeIssued', 'wipeCanceled', 'retireCanceled', 'discovered']).default('managed'),
    /** The Entra device's `deviceId` when the device is registered or joined. */
    azureADDeviceId: z.string().optional(),
    deviceActionResults: z.array(actionResult).default([]),
  })
  .strict();

export type DeviceRecord = z.output<typeof seedDeviceSchema>;
export type ManagedDeviceRecord = z.output<typeof seedManagedDeviceSchema>;
export interface DeviceSeed { devices?: z.input<typeof seedDeviceSchema>[]; managedDevices?: z.input<typeof seedManagedDeviceSchema>[] }

/** Validates and adds devices to the tenant (seed and `seedDevices`). */
export function storeDevices(state: SimulatorState, seed: DeviceSeed, source = 'seed'): void {
  const parsed = z.object({ devices: z.array(seedDeviceSchema).default([]), managedDevices: z.array(seedManagedDeviceSchema).default([]) }).safeParse(seed);
  if (!parsed.success) throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  for (const d of parsed.data.devices) state.devices.set(d.id, structuredClone(d));
  for (const m of parsed.data.managedDevices) state.managedDevices.set(m.id, structuredClone(m));
}

const DEVICE_READERS = ['Device.Read.All', 'Device.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const DEVICE_WRITERS = ['Device.ReadWrite.All', 'Directory.ReadWrite.All'];

function presentDevice(ctx: SimContext, device: DeviceRecord): Record<string, unknown> {
  const { registeredOwnerIds: _o, registeredUserIds: _u, ...rest } = device;
  if (holdsAny(ctx, DEVICE_READERS)) return { '@odata.type': '#microsoft.graph.device', ...structuredClone(rest) };
  const limited: Record<string, unknown> = { '@odata.type': '#microsoft.graph.device', id: device.id };
  for (const key of Object.keys(rest)) if (key !== 'id') limited[key] = null;
  return limited;
}

/** `GET /users/{id}/ownedDevices` (`registeredOwners`) or `registeredDevices` (`registeredUsers`). */
export function userDevices(req: SimRequest, ctx: SimContext, userId: string, relation: 'owned' | 'registered'): Record<string, unknown> {
  const user = requireUser(ctx.state, userId);
  const devices = [...ctx.state.devices.values()].filter((d) => (relation === 'owned' ? d.registeredOwnerIds : d.registeredUserIds).includes(user.id));
  return listResponse(devices as unknown as Record<string, unknown>[], req, ctx, {
    contextPath: 'directoryObjects', type: 'directoryObject', resource: 'Device', filterable: new Set(['id', 'deviceId', 'displayName', 'accountEnabled', 'operatingSystem']),
    present: (d) => presentDevice(ctx, d as unknown as DeviceRecord),
  });
}

function requireDevice(ctx: SimContext, id: string): DeviceRecord {
  const device = ctx.state.devices.get(id);
  if (!device) throw notFound(id);
  return device;
}

export function getDevice(ctx: SimContext, id: string): Record<string, unknown> {
  requireAnyAppRole(ctx, DEVICE_READERS);
  return presentDevice(ctx, requireDevice(ctx, id));
}

const WINDOWS = /^windows/i;

/**
 * `PATCH /devices/{id}` (https://learn.microsoft.com/graph/api/device-update): 204. Refused:
 * - without Device.ReadWrite.All: 403 "Insufficient privileges to complete the operation."
 *   (microsoftgraph/msgraph-sdk-powershell#968; the page adds that only callers with at least the
 *   Cloud Device Administrator role may set accountEnabled — directory roles are not modelled);
 * - accountEnabled of a device that is not Windows, for an app: 400 `Request_BadRequest` "Properties
 *   other than ExtendedAttribute1..15 can be modified only on windows devices." (reported for
 *   application permissions in microsoftgraph/microsoft-graph-docs#15707 and
 *   msgraph-sdk-powershell#2723, 2024; the simulator always answers as to an app);
 * - a device synchronised from on-premises AD: the on-premises refusal users and groups get
 *   (its wording for devices is recollected, not verified).
 */
export function patchDevice(req: SimRequest, ctx: SimContext, id: string): undefined {
  requireAnyAppRole(ctx, DEVICE_WRITERS);
  const device = requireDevice(ctx, id);
  const body = asObject(req.body);
  const unknown = unknownProperty(body, 'device');
  if (unknown) throw badRequest(`Property '${unknown}' does not exist on type 'microsoft.graph.device'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
  if (device.onPremisesSyncEnabled) throw badRequest('Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.');
  if ('accountEnabled' in body && !WINDOWS.test(device.operatingSystem)) throw badRequest('Properties other than ExtendedAttribute1..15 can be modified only on windows devices.');
  if ('accountEnabled' in body) {
    if (typeof body.accountEnabled !== 'boolean') throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'Device'.");
    device.accountEnabled = body.accountEnabled;
  }
  if (typeof body.displayName === 'string') device.displayName = body.displayName;
  return undefined;
}

/** `DELETE /devices/{id}` (https://learn.microsoft.com/graph/api/device-delete): 204; application permission Device.ReadWrite.All. */
export function deleteDevice(ctx: SimContext, id: string): undefined {
  requireAnyAppRole(ctx, DEVICE_WRITERS);
  requireDevice(ctx, id);
  ctx.state.devices.delete(id);
  return undefined;
}

const INTUNE_READERS = ['DeviceManagementManagedDevices.Read.All', 'DeviceManagementManagedDevices.ReadWrite.All'];

/** An unknown managed device (wording recollected: Intune's errors are not documented per call). */
const managedDeviceNotFound = (id: string) => new GraphError(404, 'ResourceNotFound', `Resource not found: managedDevice ${id}.`);

function requireManagedDevice(ctx: SimContext, id: string): ManagedDeviceRecord {
  const device = ctx.state.managedDevices.get(id);
  if (!device) throw managedDeviceNotFound(id);
  return device;
}

function selectManaged(req: SimRequest, device: ManagedDeviceRecord): Record<string, unknown> {
  const item: Record<string, unknown> = { '@odata.type': '#microsoft.graph.managedDevice', ...structuredClone(device) };
  const raw = req.query.get('$select');
  if (!raw) return item;
  const known = loadGraphMetadata().propertiesOf('managedDevice');
  const out: Record<string, unknown> = { id: device.id };
  for (const p of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!known.has(p)) throw badRequest(`Parsing OData Select and Expand failed: Could not find a property named '${p}' on type 'microsoft.graph.managedDevice'.`, 'BadRequest');
    out[p] = item[p] ?? null;
  }
  return out;
}

/**
 * `GET /users/{id}/managedDevices` (https://learn.microsoft.com/graph/api/intune-devices-user-list-manageddevices):
 * the devices whose primary user is the user; DeviceManagementManagedDevices.Read.All.
 */
export function listUserManagedDevices(req: SimRequest, ctx: SimContext, userId: string): Record<string, unknown> {
  requireAnyAppRole(ctx, INTUNE_READERS);
  const user = requireUser(ctx.state, userId);
  const devices = [...ctx.state.managedDevices.values()].filter((d) => d.userId === user.id);
  return { '@odata.context': `${ctx.baseUrl}/$metadata#users('${user.id}')/managedDevices`, value: devices.map((d) => selectManaged(req, d)) };
}

export function getManagedDevice(req: SimRequest, ctx: SimContext, id: string): Record<string, unknown> {
  requireAnyAppRole(ctx, INTUNE_READERS);
  return selectManaged(req, requireManagedDevice(ctx, id));
}

const PENDING: Record<'retire' | 'wipe', readonly string[]> = { retire: ['retirePending', 'retireIssued'], wipe: ['wipePending', 'wipeIssued'] };

/**
 * `POST /deviceManagement/managedDevices/{id}/retire` and `/wipe`: 204, the device then pending
 * until it checks in. Permissions: retire DeviceManagementManagedDevices.PrivilegedOperations.All
 * (https://learn.microsoft.com/graph/api/intune-devices-manageddevice-retire); wipe the same or
 * DeviceManagementManagedDevices.ReadWrite.All (…-manageddevice-wipe). Retire takes no body; wipe's
 * parameters are the CSDL's. **Invented:** a second retire (or wipe) while one is pending answers
 * 400 — Microsoft documents nothing for a repeated action, so the simulator refuses it and the app
 * must look before it acts.
 */
export function deviceAction(req: SimRequest, ctx: SimContext, id: string, action: 'retire' | 'wipe'): undefined {
  requireAnyAppRole(ctx, action === 'retire' ? ['DeviceManagementManagedDevices.PrivilegedOperations.All'] : ['DeviceManagementManagedDevices.PrivilegedOperations.All', 'DeviceManagementManagedDevices.ReadWrite.All']);
  const body = req.body === undefined || req.body === null ? {} : asObject(req.body);
  const unknown = unknownActionParameter(body, action, 'managedDevice');
  if (unknown) throw badRequest(`The parameter '${unknown}' in the request payload is not a valid parameter for the operation '${action}'.`, 'BadRequest');
  const device = requireManagedDevice(ctx, id);
  if (PENDING[action].includes(device.managementState)) throw badRequest(`A ${action} action is already pending on this device.`, 'BadRequest');
  const now = new Date().toISOString();
  device.managementState = action === 'retire' ? 'retirePending' : 'wipePending';
  device.deviceActionResults = [...device.deviceActionResults.filter((r) => r.actionName !== action), { actionName: action, actionState: 'pending', startDateTime: now, lastUpdatedDateTime: now }];
  return undefined;
}

/**
 * The device checks in and carries out what is pending: retired or wiped devices leave Intune
 * (devices-wipe: retire "removes the device from Intune management"; a wipe without keeping
 * enrollment removes it too). Returns whether the device is gone.
 */
export function checkInManagedDevice(state: SimulatorState, id: string): boolean {
  const device = state.managedDevices.get(id);
  if (!device) return true;
  if (![...PENDING.retire, ...PENDING.wipe].includes(device.managementState)) return false;
  state.managedDevices.delete(id);
  return true;
}

type Handler = (p: Record<string, string>, req: SimRequest, ctx: SimContext) => unknown;

export const DEVICE_ROUTES: { method: string; pattern: string; status: number; handler: Handler }[] = [
  { method: 'GET', pattern: '/users/{id}/ownedDevices', status: 200, handler: (p, req, ctx) => userDevices(req, ctx, p.id!, 'owned') },
  { method: 'GET', pattern: '/users/{id}/registeredDevices', status: 200, handler: (p, req, ctx) => userDevices(req, ctx, p.id!, 'registered') },
  { method: 'GET', pattern: '/devices/{id}', status: 200, handler: (p, _req, ctx) => getDevice(ctx, p.id!) },
  { method: 'PATCH', pattern: '/devices/{id}', status: 204, handler: (p, req, ctx) => patchDevice(req, ctx, p.id!) },
  { method: 'DELETE', pattern: '/devices/{id}', status: 204, handler: (p, _req, ctx) => deleteDevice(ctx, p.id!) },
  { method: 'GET', pattern: '/users/{id}/managedDevices', status: 200, handler: (p, req, ctx) => listUserManagedDevices(req, ctx, p.id!) },
  { method: 'GET', pattern: '/deviceManagement/managedDevices/{id}', status: 200, handler: (p, req, ctx) => getManagedDevice(req, ctx, p.id!) },
  { method: 'POST', pattern: '/deviceManagement/managedDevices/{id}/retire', status: 204, handler: (p, req, ctx) => deviceAction(req, ctx, p.id!, 'retire') },
  { method: 'POST', pattern: '/deviceManagement/managedDevices/{id}/wipe', status: 204, handler: (p, req, ctx) => deviceAction(req, ctx, p.id!, 'wipe') },
];

/** Tests and dev tools: adds devices to the running tenant (validated as a seed's). */
export function seedDevices(state: SimulatorState, seed: DeviceSeed): void {
  storeDevices(state, seed, 'seedDevices');
}
