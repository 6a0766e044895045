import type { Client } from '@microsoft/microsoft-graph-client';
import { graphCall } from './errors';
import { graphPath } from './odata';

export interface SubscribedSku {
  skuId: string;
  skuPartNumber: string;
  capabilityStatus: string;
  consumedUnits: number;
  prepaidUnits: { enabled: number; suspended: number; warning: number; lockedOut?: number };
  servicePlans: { servicePlanId: string; servicePlanName: string }[];
}

export interface AssignedLicence {
  skuId: string;
  disabledPlans: string[];
  /** Assigned to the user directly (absent: read without assignment states, taken as direct). */
  direct?: boolean;
  /** Groups it comes through (group-based licensing): it goes with the membership, not by assignLicense. */
  viaGroups?: string[];
}

export async function listSubscribedSkus(client: Client): Promise<SubscribedSku[]> {
  const page = await graphCall('list subscribed SKUs', () => client.api('/subscribedSkus').get());
  return page.value as SubscribedSku[];
}

export function availableUnits(sku: SubscribedSku): number {
  return sku.prepaidUnits.enabled - sku.consumedUnits;
}

/** Relative, so a `$batch` item can carry it too. */
export const assignedLicencesUrl = (userId: string): string => graphPath`/users/${userId}?$select=id,assignedLicenses,licenseAssignmentStates`;

interface AssignmentState {
  skuId?: string;
  assignedByGroup?: string | null;
}

/**
 * A user's licences and where each comes from: `licenseAssignmentStates` has one entry per way a
 * licence is held, `assignedByGroup` null for a direct assignment
 * (https://learn.microsoft.com/graph/api/resources/licenseassignmentstate).
 */
export function assignedLicencesOf(user: unknown): AssignedLicence[] {
  const { assignedLicenses = [], licenseAssignmentStates } = user as { assignedLicenses?: AssignedLicence[]; licenseAssignmentStates?: AssignmentState[] | null };
  return assignedLicenses.map((l) => {
    const states = (licenseAssignmentStates ?? []).filter((s) => s.skuId === l.skuId);
    const viaGroups = states.map((s) => s.assignedByGroup).filter((g): g is string => typeof g === 'string');
    const direct = states.length === 0 || states.some((s) => !s.assignedByGroup);
    return { skuId: l.skuId, disabledPlans: l.disabledPlans ?? [], direct, ...(viaGroups.length ? { viaGroups } : {}) };
  });
}

export async function getAssignedLicences(client: Client, userId: string): Promise<AssignedLicence[]> {
  return assignedLicencesOf(await graphCall('read assigned licences', () => client.api(assignedLicencesUrl(userId)).get()));
}

/** One `assignLicense` call for all additions and removals (it is atomic in Graph). */
export async function assignLicences(client: Client, userId: string, add: AssignedLicence[], remove: string[]): Promise<void> {
  if (add.length === 0 && remove.length === 0) return;
  await graphCall('assign licences', () =>
    client.api(graphPath`/users/${userId}/assignLicense`).post({ addLicenses: add.map((l) => ({ skuId: l.skuId, disabledPlans: l.disabledPlans })), removeLicenses: remove }),
  );
}
