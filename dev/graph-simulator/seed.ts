import { refreshGroupLicences } from './group-licensing';
import { readFileSync } from 'node:fs';
import { DEFAULT_TEMPORARY_ACCESS_PASS_POLICY, mergeTemporaryAccessPassPolicy, type TemporaryAccessPassPolicy } from './policies';
import { storeAuthenticationMethods } from './authentication-methods';
import { storeDevices } from './devices';
import { seedSchema, type GraphSeed, type SimulatorState, type TenantSnapshot, type UserRecord } from './types';

/** Reads and validates a seed file; errors name the file and the offending field. */
export function loadSeed(file: string): GraphSeed {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Graph seed ${file}: cannot read JSON: ${(error as Error).message}`);
  }
  return validateSeed(json, file);
}

export function validateSeed(json: unknown, source = 'seed'): GraphSeed {
  const result = seedSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`Graph seed ${source} is invalid: ${issues}`);
  }
  return result.data;
}

/** Builds the in-memory tenant; consumedUnits default to the licences the seeded users hold. */
export function createState(seed: GraphSeed | undefined): SimulatorState {
  const parsed = seedSchema.parse(seed ?? { tenant: { verifiedDomains: ['contoso.com'] } });
  const state: SimulatorState = {
    tenantId: parsed.tenant.id,
    verifiedDomains: [...parsed.tenant.verifiedDomains],
    users: new Map(),
    deletedUsers: new Map(),
    groups: new Map(),
    skus: new Map(),
    directoryRoles: new Map(parsed.directoryRoles.map((r) => [r.id, { ...r }])),
    applications: new Map(parsed.applications.map((a) => [a.id, structuredClone(a)])),
    servicePrincipals: new Map(parsed.servicePrincipals.map((a) => [a.id, structuredClone(a)])),
    devices: new Map(),
    managedDevices: new Map(),
    replicatingUntil: new Map(),
    temporaryAccessPassPolicy: mergeTemporaryAccessPassPolicy(DEFAULT_TEMPORARY_ACCESS_PASS_POLICY, parsed.policies.temporaryAccessPass as Partial<TemporaryAccessPassPolicy> | undefined),
  };
  for (const s of parsed.subscribedSkus) {
    state.skus.set(s.skuId, { skuId: s.skuId, skuPartNumber: s.skuPartNumber, enabled: s.enabled, consumedUnits: s.consumedUnits ?? 0, suspended: s.suspended ?? 0, warning: s.warning ?? 0 });
  }
  const now = new Date().toISOString();
  for (const raw of parsed.users) {
    const { directoryRoles, managerId, authenticationMethods, ...rest } = raw;
    const user: UserRecord = {
      ...structuredClone(rest),
      mailNickname: raw.mailNickname ?? raw.userPrincipalName.split('@')[0]!,
      managerId: managerId ?? null,
      directoryRoleIds: directoryRoles,
      passwordSet: true,
      deletedDateTime: null,
      createdDateTime: typeof rest.createdDateTime === 'string' ? rest.createdDateTime : now,
    } as UserRecord;
    state.users.set(user.id, user);
    if (authenticationMethods !== undefined) storeAuthenticationMethods(user, authenticationMethods, `seed users.${user.id}`);
    for (const l of user.assignedLicenses) {
      const sku = state.skus.get(l.skuId);
      const declared = parsed.subscribedSkus.find((s) => s.skuId === l.skuId)?.consumedUnits;
      if (sku && declared === undefined) sku.consumedUnits += 1;
    }
  }
  for (const g of parsed.groups) state.groups.set(g.id, structuredClone(g));
  storeDevices(state, { devices: parsed.devices, managedDevices: parsed.managedDevices });
  refreshGroupLicences(state, state.users.keys());
  return state;
}

export function snapshotOf(state: SimulatorState): TenantSnapshot {
  return structuredClone({
    users: [...state.users.values()],
    deletedUsers: [...state.deletedUsers.values()],
    groups: [...state.groups.values()],
    subscribedSkus: [...state.skus.values()],
    devices: [...state.devices.values()],
    managedDevices: [...state.managedDevices.values()],
  });
}
