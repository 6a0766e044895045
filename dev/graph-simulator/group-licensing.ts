import { stampMailAddress } from './mail';
import type { AssignedLicense, GroupRecord, SimulatorState, UserRecord } from './types';

/**
 * Group-based licensing (https://learn.microsoft.com/entra/identity/users/licensing-groups-assign):
 * a group's `assignedLicenses` reach every member, and a user's licence then shows in
 * `licenseAssignmentStates` with `assignedByGroup` set (https://learn.microsoft.com/graph/api/resources/licenseassignmentstate).
 * A licence a user holds only through a group cannot be removed from the user: assignLicense
 * answers "User license is inherited from group membership and cannot be removed directly from the
 * user." (the wording public reports quote, e.g. CIPP#4090; Microsoft's assignLicense page does not
 * list it). Entra applies group licences asynchronously; here they apply at once (a fidelity gap).
 * A licence counts once against its SKU however many ways the user holds it.
 */

export interface InheritedLicense extends AssignedLicense {
  groupId: string;
}

const INHERITED = 'inheritedLicenses';

/** The licences a user gets through the licensed groups they are a member of. */
function computeInherited(state: SimulatorState, userId: string): InheritedLicense[] {
  const inherited: InheritedLicense[] = [];
  for (const group of state.groups.values()) {
    if (!group.memberIds.includes(userId)) continue;
    for (const l of groupLicences(group)) inherited.push({ skuId: l.skuId, disabledPlans: [...l.disabledPlans], groupId: group.id });
  }
  return inherited;
}

export function groupLicences(group: GroupRecord): AssignedLicense[] {
  const raw = group.assignedLicenses;
  if (!Array.isArray(raw)) return [];
  return raw.filter((l): l is AssignedLicense => !!l && typeof (l as AssignedLicense).skuId === 'string').map((l) => ({ skuId: l.skuId, disabledPlans: Array.isArray(l.disabledPlans) ? l.disabledPlans : [] }));
}

export function inheritedOf(user: UserRecord): InheritedLicense[] {
  return Array.isArray(user[INHERITED]) ? (user[INHERITED] as InheritedLicense[]) : [];
}

/** SKU ids the user holds, directly or through a group. */
export function heldSkuIds(user: UserRecord): Set<string> {
  return new Set([...user.assignedLicenses.map((l) => l.skuId), ...inheritedOf(user).map((l) => l.skuId)]);
}

/**
 * Recomputes what the users hold through groups after memberships or group licences changed, and
 * moves the SKUs' consumed units by what they gained or lost altogether.
 */
export function refreshGroupLicences(state: SimulatorState, userIds: Iterable<string>): void {
  for (const id of new Set(userIds)) {
    const user = state.users.get(id);
    if (!user) continue;
    const before = heldSkuIds(user);
    user[INHERITED] = computeInherited(state, id);
    const after = heldSkuIds(user);
    for (const skuId of after) if (!before.has(skuId)) adjust(state, skuId, 1);
    for (const skuId of before) if (!after.has(skuId)) adjust(state, skuId, -1);
    stampMailAddress(state, user);
  }
}

function adjust(state: SimulatorState, skuId: string, delta: number): void {
  const sku = state.skus.get(skuId);
  if (sku) sku.consumedUnits = Math.max(0, sku.consumedUnits + delta);
}

/** What Graph shows of a user's licences: every licence held once, and each assignment with its source. */
export function presentLicences(user: UserRecord): { assignedLicenses: AssignedLicense[]; licenseAssignmentStates: Record<string, unknown>[] } {
  const inherited = inheritedOf(user);
  const assignedLicenses = [...user.assignedLicenses.map((l) => ({ skuId: l.skuId, disabledPlans: [...l.disabledPlans] }))];
  for (const l of inherited) if (!assignedLicenses.some((a) => a.skuId === l.skuId)) assignedLicenses.push({ skuId: l.skuId, disabledPlans: [...l.disabledPlans] });
  const state = (l: AssignedLicense, assignedByGroup: string | null) => ({ skuId: l.skuId, disabledPlans: [...l.disabledPlans], assignedByGroup, state: 'Active', error: 'None' });
  return { assignedLicenses, licenseAssignmentStates: [...user.assignedLicenses.map((l) => state(l, null)), ...inherited.map((l) => state(l, l.groupId))] };
}

export const INHERITED_LICENCE_REMOVAL = 'User license is inherited from group membership and cannot be removed directly from the user.';
