import { stampMailAddress } from './mail';
import type { AssignedLicense, GroupRecord, SimulatorState, UserRecord } from './types';

/**
 * Group-based licensing (https://learn.microsoft.com/entra/identity/users/licensing-groups-assign):
 * a group's `assignedLicenses` reach every member, and a user's licence then shows in
 * `licenseAssignmentStates` with `assignedByGroup` set (https://learn.microsoft.com/graph/api/resources/licenseassignmentstate).
 * A licence a user holds only through a group cannot be removed from the user: assignLicense
 * answers "User license is inherited from group membership and cannot be removed directly from the
 * user." (the wording public reports quote, e.g. CIPP#4090; Microsoft's assignLicense page does not
 * list it). A licence counts once against its SKU however many ways the user holds it.
 *
 * What Microsoft documents and this models (licensing-groups-resolve-problems:
 * https://learn.microsoft.com/en-us/entra/identity/users/licensing-groups-resolve-problems;
 * licensing-group-advanced: https://learn.microsoft.com/en-us/azure/active-directory/enterprise-users/licensing-group-advanced):
 * - Entra applies group licences in the background, so a membership change answers before the
 *   licence follows (licensing-groups-resolve-problems: "the same errors can occur, but they happen
 *   in the background"). `setGroupLicensingDelay` holds every application for that long; 0 (the
 *   default) applies at once.
 * - A failed application is recorded on the user, not answered to the caller: the assignment shows
 *   `state: "Error"` with `error` (licenseAssignmentState: CountViolation, MutuallyExclusiveViolation,
 *   DependencyViolation, ProhibitedInUsageLocationViolation, UniquenessViolation, Other). Modelled:
 *   no free unit → CountViolation. When one product of a group cannot be assigned, none of the
 *   group's are (licensing-groups-resolve-problems, "More than one product license assigned to a
 *   group"); that the others show CountViolation too is our guess. An error stays until Entra
 *   processes the user again (a membership change here; Reprocess in the portal there).
 * - Only security groups (and Microsoft 365 groups with securityEnabled) license their members
 *   (licensing-group-advanced, "Limitations and known issues").
 * - A member without a usage location gets the directory's (licensing-group-advanced, "Usage
 *   location"), so a missing one is no error here; ProhibitedInUsageLocationViolation needs the
 *   service-availability table per country, which is not modelled.
 */

export interface InheritedLicense extends AssignedLicense {
  groupId: string;
  /** Active: applied, one unit of the SKU consumed; Error: Entra could not apply it. */
  state: 'Active' | 'Error';
  /** What Graph shows for an applied assignment is "None" (the documentation says null). */
  error: 'None' | 'CountViolation' | 'Other';
  lastUpdatedDateTime: string;
}

const INHERITED = 'inheritedLicenses';
const delays = new WeakMap<SimulatorState, number>();

/** How long Entra takes to apply a membership change to the members' licences (0: at once). */
export function setGroupLicensingDelay(state: SimulatorState, ms: number): void {
  if (!(ms >= 0)) throw new Error(`group licensing delay must be >= 0 ms, got ${ms}`);
  delays.set(state, ms);
}

export function groupLicences(group: GroupRecord): AssignedLicense[] {
  const raw = group.assignedLicenses;
  if (!Array.isArray(raw)) return [];
  return raw.filter((l): l is AssignedLicense => !!l && typeof (l as AssignedLicense).skuId === 'string').map((l) => ({ skuId: l.skuId, disabledPlans: Array.isArray(l.disabledPlans) ? l.disabledPlans : [] }));
}

/** Every assignment through a group, applied or failed. */
function groupAssignmentsOf(user: UserRecord): InheritedLicense[] {
  return Array.isArray(user[INHERITED]) ? (user[INHERITED] as InheritedLicense[]) : [];
}

/** The licences the user holds through groups (applied ones). */
export function inheritedOf(user: UserRecord): InheritedLicense[] {
  return groupAssignmentsOf(user).filter((l) => l.state === 'Active');
}

/** SKU ids the user holds, directly or through a group. */
export function heldSkuIds(user: UserRecord): Set<string> {
  return new Set([...user.assignedLicenses.map((l) => l.skuId), ...inheritedOf(user).map((l) => l.skuId)]);
}

/**
 * After memberships or group licences changed: Entra works out what the users hold through groups
 * and moves the SKUs' consumed units — at once, or after the delay set for this tenant.
 */
export function refreshGroupLicences(state: SimulatorState, userIds: Iterable<string>): void {
  const ids = [...new Set(userIds)];
  const delay = delays.get(state) ?? 0;
  if (delay === 0) applyGroupLicences(state, ids);
  else setTimeout(() => applyGroupLicences(state, ids), delay).unref();
}

function applyGroupLicences(state: SimulatorState, userIds: string[]): void {
  for (const id of userIds) {
    const user = state.users.get(id);
    if (!user) continue; // deleted meanwhile: its licences went back with it
    const before = heldSkuIds(user);
    user[INHERITED] = processMemberships(state, user);
    const after = heldSkuIds(user);
    for (const skuId of after) if (!before.has(skuId)) adjust(state, skuId, 1);
    for (const skuId of before) if (!after.has(skuId)) adjust(state, skuId, -1);
    stampMailAddress(state, user);
  }
}

/** The user's assignments through the licensed groups they are in: kept as processed, new ones all or nothing per group. */
function processMemberships(state: SimulatorState, user: UserRecord): InheritedLicense[] {
  const key = (groupId: string, skuId: string) => `${groupId}|${skuId}`;
  const previous = new Map(groupAssignmentsOf(user).map((l) => [key(l.groupId, l.skuId), l]));
  const licensing = [...state.groups.values()].filter((g) => g.securityEnabled !== false && g.memberIds.includes(user.id) && groupLicences(g).length > 0);
  const next: InheritedLicense[] = [];
  const unprocessed: GroupRecord[] = [];
  for (const group of licensing) {
    const kept = groupLicences(group).map((l) => previous.get(key(group.id, l.skuId)));
    if (kept.every((l): l is InheritedLicense => !!l)) next.push(...kept);
    else unprocessed.push(group);
  }
  const at = new Date().toISOString();
  for (const group of unprocessed) {
    // What the user holds already costs no new unit: direct, through groups processed above, or this group's earlier products.
    const earlier = [...previous.values()].filter((l) => l.groupId === group.id && l.state === 'Active');
    const held = new Set([...user.assignedLicenses, ...next.filter((l) => l.state === 'Active'), ...earlier].map((l) => l.skuId));
    const licences = groupLicences(group);
    const failure = licences.reduce<InheritedLicense['error'] | undefined>((found, l) => {
      if (found || held.has(l.skuId)) return found;
      const sku = state.skus.get(l.skuId);
      if (!sku) return 'Other';
      return sku.consumedUnits >= sku.enabled ? 'CountViolation' : undefined;
    }, undefined);
    for (const l of licences) next.push({ ...l, groupId: group.id, state: failure ? 'Error' : 'Active', error: failure ?? 'None', lastUpdatedDateTime: at });
  }
  return next;
}

function adjust(state: SimulatorState, skuId: string, delta: number): void {
  const sku = state.skus.get(skuId);
  if (sku) sku.consumedUnits = Math.max(0, sku.consumedUnits + delta);
}

/** What Graph shows of a user's licences: every licence held once, and each assignment with its source and state. */
export function presentLicences(user: UserRecord): { assignedLicenses: AssignedLicense[]; licenseAssignmentStates: Record<string, unknown>[] } {
  const assignedLicenses = [...user.assignedLicenses.map((l) => ({ skuId: l.skuId, disabledPlans: [...l.disabledPlans] }))];
  for (const l of inheritedOf(user)) if (!assignedLicenses.some((a) => a.skuId === l.skuId)) assignedLicenses.push({ skuId: l.skuId, disabledPlans: [...l.disabledPlans] });
  const direct = user.assignedLicenses.map((l) => ({ skuId: l.skuId, disabledPlans: [...l.disabledPlans], assignedByGroup: null, state: 'Active', error: 'None' }));
  const viaGroups = groupAssignmentsOf(user).map((l) => ({ skuId: l.skuId, disabledPlans: [...l.disabledPlans], assignedByGroup: l.groupId, state: l.state, error: l.error, lastUpdatedDateTime: l.lastUpdatedDateTime }));
  return { assignedLicenses, licenseAssignmentStates: [...direct, ...viaGroups] };
}

export const INHERITED_LICENCE_REMOVAL = 'User license is inherited from group membership and cannot be removed directly from the user.';
