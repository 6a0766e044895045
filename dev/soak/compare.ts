import type { RunningGraphSimulator } from '../graph-simulator';
import type { ExpectedWorker } from './workload';

export interface TenantComparison {
  /** Extra accounts for one employeeId. Must be 0. */
  duplicates: number;
  /** Workers with no account, or whose account lacks what their events asked for. Must be 0. */
  lost: number;
  /** Leavers without an account because their joiner was superseded before it made one: no access, as required. */
  leftWithoutAccount: number;
  mismatches: string[];
}

interface SnapshotUser {
  id: string;
  employeeId?: string | null;
  department?: string | null;
  accountEnabled?: boolean;
  managerId?: string | null;
  assignedLicenses?: { skuId: string }[];
}

/** The simulated tenant against the expected one: exact accounts, attributes, managers, groups, licences. */
export function compareTenant(expected: Map<string, ExpectedWorker>, simulator: RunningGraphSimulator): TenantComparison {
  const snapshot = simulator.snapshot() as unknown as {
    users: SnapshotUser[];
    groups: { id: string; displayName: string; memberIds: string[] }[];
    subscribedSkus: { skuId: string; skuPartNumber: string }[];
  };
  const byEmployee = new Map<string, SnapshotUser[]>();
  for (const user of snapshot.users) {
    if (!user.employeeId) continue;
    byEmployee.set(user.employeeId, [...(byEmployee.get(user.employeeId) ?? []), user]);
  }
  const skuName = new Map(snapshot.subscribedSkus.map((s) => [s.skuId, s.skuPartNumber]));
  const mismatches: string[] = [];
  let duplicates = 0;
  let lost = 0;
  let leftWithoutAccount = 0;
  for (const want of expected.values()) {
    const accounts = byEmployee.get(want.employeeId) ?? [];
    duplicates += Math.max(0, accounts.length - 1);
    const user = accounts[0];
    if (!user && want.mayHaveNoAccount) {
      leftWithoutAccount++;
      continue;
    }
    if (!user) {
      lost++;
      mismatches.push(`${want.employeeId}: no account`);
      continue;
    }
    const problems: string[] = [];
    if (user.department !== want.department) problems.push(`department ${user.department} ≠ ${want.department}`);
    if (user.accountEnabled !== want.accountEnabled) problems.push(`accountEnabled ${user.accountEnabled} ≠ ${want.accountEnabled}`);
    const managerId = want.managerEmployeeId ? byEmployee.get(want.managerEmployeeId)?.[0]?.id : undefined;
    if ((user.managerId ?? undefined) !== managerId) problems.push(`manager ${user.managerId ?? 'none'} ≠ ${managerId ?? 'none'}`);
    const groups = snapshot.groups.filter((g) => g.memberIds.includes(user.id)).map((g) => g.displayName).sort();
    if (groups.join() !== want.groups.join()) problems.push(`groups [${groups}] ≠ [${want.groups}]`);
    const skus = (user.assignedLicenses ?? []).map((l) => skuName.get(l.skuId) ?? l.skuId).sort();
    if (skus.join() !== want.skus.join()) problems.push(`licences [${skus}] ≠ [${want.skus}]`);
    if (problems.length > 0) {
      lost++;
      mismatches.push(`${want.employeeId}: ${problems.join('; ')}`);
    }
  }
  return { duplicates, lost, leftWithoutAccount, mismatches };
}
