import {
  actOnManagedDevice,
  deleteDevice,
  disableDevice,
  listManagedDevices,
  listOwnedDevices,
  type EntraDevice,
  type ManagedDevice,
  type ManagedDeviceAction,
} from '../../graph/devices';
import { GraphRequestError } from '../../graph/errors';
import type { LeaverPolicy } from '../../rules/access-policy';
import type { StepResult } from '../step-runner';
import { approvalGate, approvalHold } from '../steps/approval-gate';
import type { OffboardingContext } from './context';

type DevicePolicy = NonNullable<LeaverPolicy['devices']>;

/** One physical device: its Intune record, its Entra object, or both (matched by Entra's deviceId). */
interface DeviceParts {
  key: string;
  managed?: ManagedDevice;
  entra?: EntraDevice;
}

/** The device action already under way or carried out: Intune's state while it waits for the device to check in. */
const UNDER_WAY: Record<ManagedDeviceAction, readonly string[]> = {
  // A wipe removes more than a retire does, so one under way covers a retire.
  retire: ['retirePending', 'retireIssued', 'wipePending', 'wipeIssued'],
  wipe: ['wipePending', 'wipeIssued'],
};
const ACTION_UNDER_WAY = new Set(['pending', 'active', 'done']);
/** Autopilot devices carry a ZTDID; "Once deleted, these devices can't be reprovisioned" (manage-stale-devices). */
const AUTOPILOT = /^\[ZTDID\]/i;

/**
 * `devices: { registered, companyOwned, personal }`: the leaver's Intune devices are retired or
 * wiped by ownership — a personal device is never wiped — and the Entra devices they own disabled
 * or deleted. One ledger step per device (`device:<id>`), Intune first: "If your device is under
 * control of Intune or any other MDM solution, retire the device in the management system before
 * disabling or deleting it" (https://learn.microsoft.com/entra/identity/devices/manage-stale-devices).
 *
 * A device is acted on once: a step completed in an earlier attempt is not repeated (Intune may
 * not show the action until the device checks in), and an action Intune already has under way
 * is not sent again.
 */
export async function actOnDevices(ctx: OffboardingContext): Promise<void> {
  const policy = ctx.policy.devices;
  if (!policy) return;
  const wantsIntune = policy.companyOwned !== 'keep' || policy.personal !== 'keep';
  const wantsEntra = policy.registered !== 'keep';
  if (!wantsIntune && !wantsEntra) return;
  let devices: DeviceParts[] = [];
  await ctx.runner.run('find-devices', async () => {
    const managed = wantsIntune ? await listManagedDevices(ctx.deps.graph, ctx.user.id) : [];
    const entra = wantsEntra ? await listOwnedDevices(ctx.deps.graph, ctx.user.id) : [];
    devices = physicalDevices(managed, entra);
    const found = [wantsIntune ? `${managed.length} managed by Intune` : '', wantsEntra ? `${entra.length} owned in Entra ID` : ''].filter(Boolean).join(', ');
    return { outcome: 'done', detail: `${devices.length} device(s): ${found}` };
  });
  for (const device of devices) await ctx.runner.run(`device:${device.key}`, () => actOnDevice(ctx, device, policy));
}

function physicalDevices(managed: ManagedDevice[], entra: EntraDevice[]): DeviceParts[] {
  const parts: DeviceParts[] = managed.map((m) => ({ key: m.azureADDeviceId ?? m.id, managed: m }));
  for (const e of entra) {
    const twin = e.deviceId ? parts.find((p) => p.managed?.azureADDeviceId === e.deviceId) : undefined;
    if (twin) twin.entra = e;
    else parts.push({ key: e.deviceId ?? e.id, entra: e });
  }
  return parts;
}

async function actOnDevice(ctx: OffboardingContext, device: DeviceParts, policy: DevicePolicy): Promise<StepResult> {
  const earlier = ctx.runner.completedEarlier(`device:${device.key}`);
  if (earlier) return { outcome: 'already-done', detail: `acted on in an earlier attempt: ${earlier.detail ?? earlier.outcome}` };
  const results = [
    ...(device.managed ? [await intunePart(ctx, device.managed, policy)] : []),
    ...(device.entra && policy.registered !== 'keep' ? [await entraPart(ctx, device.entra, policy.registered)] : []),
  ];
  const detail = `${nameOf(device)}: ${results.map((r) => r.detail).join('; ')}`;
  const outcome = (['planned', 'done', 'already-done'] as const).find((o) => results.some((r) => r.outcome === o)) ?? 'skipped';
  return { outcome, detail };
}

function nameOf(device: DeviceParts): string {
  const name = device.managed?.deviceName ?? device.entra?.displayName ?? 'unnamed device';
  const os = device.managed?.operatingSystem ?? device.entra?.operatingSystem;
  return os ? `${name} (${os})` : name;
}

/** Company-owned: the policy's `companyOwned`; personal or unknown ownership: `personal`, which can never be a wipe. */
async function intunePart(ctx: OffboardingContext, device: ManagedDevice, policy: DevicePolicy): Promise<StepResult & { detail: string }> {
  const company = device.managedDeviceOwnerType === 'company';
  const ownership = company ? 'company-owned' : device.managedDeviceOwnerType === 'personal' ? 'personal' : 'ownership unknown, treated as personal';
  const wanted = company ? policy.companyOwned : policy.personal;
  // Checked twice: the policy schema cannot say `wipe` for personal devices, and neither can this.
  let action: ManagedDeviceAction | undefined = wanted === 'keep' ? undefined : company && wanted === 'wipe' ? 'wipe' : 'retire';
  if (!action) return { outcome: 'skipped', detail: `Intune: ${ownership}, kept by policy` };
  // A wipe the policy gates waits for an operator; rejected, the device is retired instead (company data removed, the device not reset).
  const gate = action === 'wipe' ? approvalGate('wipe', ctx.runner.record, ctx.policy) : { kind: 'open' as const };
  let note = '';
  if (gate.kind === 'rejected') {
    action = 'retire';
    note = ` (the wipe was rejected by ${gate.by.name})`;
  } else if (gate.kind === 'held' && ctx.deps.mode === 'plan') {
    note = ' once an operator approves (needsApproval: wipe)';
  }
  const underWay = UNDER_WAY[action].includes(device.managementState) || device.deviceActionResults.some((r) => (r.actionName === action || (action === 'retire' && r.actionName === 'wipe')) && ACTION_UNDER_WAY.has(r.actionState));
  if (underWay) return { outcome: 'already-done', detail: `Intune: ${ownership}, ${action} already under way (${device.managementState})` };
  const retry = /Failed$/.test(device.managementState) ? ` (an earlier action ended ${device.managementState})` : '';
  if (ctx.deps.mode === 'plan') return { outcome: 'planned', detail: `Intune: ${ownership}, would ${action}${retry}${note}` };
  if (gate.kind === 'held') throw approvalHold('wipe', `the wipe of ${device.deviceName ?? 'a company-owned device'} (and any other company-owned device of the leaver)`);
  const sent = await actOnManagedDevice(ctx.deps.graph, device.id, action);
  if (!sent) return { outcome: 'already-done', detail: `Intune: ${ownership}, no longer managed by Intune` };
  return { outcome: 'done', detail: `Intune: ${ownership}, ${action === 'wipe' ? 'wipe' : 'retire'} sent${retry}${note}; it takes effect when the device next checks in` };
}

const WINDOWS_ONLY = /can be modified only on windows devices/i;

async function entraPart(ctx: OffboardingContext, device: EntraDevice, action: 'disable' | 'delete'): Promise<StepResult & { detail: string }> {
  if (device.onPremisesSyncEnabled || device.trustType === 'ServerAd') {
    return { outcome: 'skipped', detail: 'Entra: hybrid joined, so disable or delete it in on-premises AD and let Entra Connect sync it (manage-stale-devices)' };
  }
  // An Autopilot device deleted from Entra can't be reprovisioned: it is disabled instead.
  const effective = action === 'delete' && device.physicalIds.some((p) => AUTOPILOT.test(p)) ? 'disable' : action;
  const note = effective !== action ? ' (an Autopilot device: disabled, not deleted, so it can be reprovisioned)' : '';
  if (effective === 'disable' && device.accountEnabled === false) return { outcome: 'already-done', detail: `Entra: already disabled${note}` };
  if (ctx.deps.mode === 'plan') return { outcome: 'planned', detail: `Entra: would ${effective}${note}` };
  if (effective === 'delete') {
    const deleted = await deleteDevice(ctx.deps.graph, device.id);
    return deleted ? { outcome: 'done', detail: 'Entra: deleted (its BitLocker keys with it)' } : { outcome: 'already-done', detail: 'Entra: already deleted' };
  }
  try {
    await disableDevice(ctx.deps.graph, device.id);
  } catch (error) {
    if (error instanceof GraphRequestError && error.failure.kind === 'not-found') return { outcome: 'already-done', detail: 'Entra: already deleted' };
    if (error instanceof GraphRequestError && WINDOWS_ONLY.test(error.failure.message)) {
      // Reported for apps since 2019 (microsoftgraph/microsoft-graph-docs#15707): named, not hidden.
      return { outcome: 'skipped', detail: 'Entra: not disabled — Graph lets an app disable only Windows devices; disable it in the Entra admin center, or set devices.registered to delete' };
    }
    throw error;
  }
  return { outcome: 'done', detail: `Entra: disabled${note}` };
}
