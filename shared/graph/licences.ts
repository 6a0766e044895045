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
}

export async function listSubscribedSkus(client: Client): Promise<SubscribedSku[]> {
  const page = await graphCall('list subscribed SKUs', () => client.api('/subscribedSkus').get());
  return page.value as SubscribedSku[];
}

export function availableUnits(sku: SubscribedSku): number {
  return sku.prepaidUnits.enabled - sku.consumedUnits;
}

/** Relative, so a `$batch` item can carry it too. */
export const assignedLicencesUrl = (userId: string): string => graphPath`/users/${userId}?$select=id,assignedLicenses`;

export function assignedLicencesOf(user: unknown): AssignedLicence[] {
  const held = ((user as { assignedLicenses?: AssignedLicence[] }).assignedLicenses ?? []);
  return held.map((l) => ({ skuId: l.skuId, disabledPlans: l.disabledPlans ?? [] }));
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
