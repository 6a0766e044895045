import type { Client } from '@microsoft/microsoft-graph-client';
import type { Employee } from '../domain/events';
import { groupMemberIds, scanLicensedUsers, type AuditUser } from '../graph/audit-users';
import { resolveGroups } from '../graph/groups';
import { availableUnits, listSubscribedSkus, type SubscribedSku } from '../graph/licences';
import type { AccessPolicy } from '../rules/access-policy';
import { FindingTally, round } from './findings';
import { DRIFT_KINDS, WASTE_REASONS, type DriftKind, type LicenceAuditReport, type SkuLine, type WasteReason } from './report';
import { OVERLAPS, productName } from './sku-catalog';

export interface AuditDeps {
  graph: Client;
  policy: AccessPolicy;
  now: () => Date;
  tenantId: string;
  /** Part number → monthly price per user. */
  prices: Readonly<Record<string, number>>;
  lowStockThreshold: number;
  inactiveDays: number;
}

/**
 * Licence waste, shortage and drift for one tenant. Users are streamed a page at a time and only
 * counters and capped samples are kept, so memory does not grow with the tenant.
 */
export async function runLicenceAudit(deps: AuditDeps, id: string): Promise<LicenceAuditReport> {
  const started = deps.now();
  const notes: string[] = [];
  const subscribed = await listSubscribedSkus(deps.graph);
  const skus = new Map(subscribed.map((s) => [s.skuId, s]));
  const partOf = (skuId: string) => skus.get(skuId)?.skuPartNumber ?? skuId;
  const price = (part: string) => deps.prices[part] ?? 0;
  const unpriced = new Set<string>();

  const groupMembers = await ruleGroupMembers(deps, notes);
  const waste = new FindingTally<WasteReason>(WASTE_REASONS);
  const drift = new FindingTally<DriftKind>(DRIFT_KINDS);
  let wasteMonthlyCost = 0;
  let usersScanned = 0;
  const inactiveBefore = deps.now().getTime() - deps.inactiveDays * 86_400_000;

  const scan = scanLicensedUsers(deps.graph, { withSignInActivity: true });
  for await (const page of scan.pages) {
    for (const user of page) {
      usersScanned++;
      const held = (user.assignedLicenses ?? []).map((l) => partOf(l.skuId));
      if (user.accountEnabled !== false && user.employeeId) checkDrift(user, held, deps.policy, groupMembers, drift);
      if (held.length === 0) continue;
      for (const part of held) if (!(part in deps.prices)) unpriced.add(part);
      const cost = held.reduce((sum, part) => sum + price(part), 0);
      const reason = wasteReasonOf(user, deps.now(), inactiveBefore, scan.signInActivity().available);
      if (reason) {
        waste.add(reason.reason, { userPrincipalName: user.userPrincipalName, items: held, detail: reason.detail }, held.length, cost);
        wasteMonthlyCost += cost;
      }
      const redundant = OVERLAPS.filter(([includes, extra]) => held.includes(includes) && held.includes(extra)).map(([includes, extra]) => ({ includes, extra }));
      if (redundant.length > 0) {
        const extras = [...new Set(redundant.map((r) => r.extra))];
        const extraCost = extras.reduce((sum, part) => sum + price(part), 0);
        waste.add('overlapping', { userPrincipalName: user.userPrincipalName, items: extras, detail: redundant.map((r) => `${r.extra} is included in ${r.includes}`).join('; ') }, extras.length, extraCost);
        if (!reason) wasteMonthlyCost += extraCost;
      }
    }
  }
  // Workers with no licence at all can still be missing one the rules give: a second, small pass.
  if (scan.filteredToLicensed()) {
    const unlicensed = scanLicensedUsers(deps.graph, { withSignInActivity: false, unlicensed: true });
    for await (const page of unlicensed.pages) {
      for (const user of page) {
        usersScanned++;
        if (user.accountEnabled !== false && user.employeeId) checkDrift(user, [], deps.policy, groupMembers, drift);
      }
    }
  }
  const signIn = scan.signInActivity();
  if (!signIn.available) notes.push(`Inactive users were not checked: ${signIn.reason ?? 'sign-in activity unavailable'}.`);
  if (!scan.filteredToLicensed()) notes.push('Graph refused the licensed-users filter; every user was read.');
  if (unpriced.size > 0) notes.push(`No price for ${[...unpriced].sort().join(', ')}: their waste is counted but costed at 0 (set LICENCE_PRICES_FILE).`);

  return {
    id,
    tenantId: deps.tenantId,
    generatedAt: deps.now().toISOString(),
    durationMs: deps.now().getTime() - started.getTime(),
    usersScanned,
    skus: subscribed.map((sku) => skuLine(sku, deps)),
    waste: waste.waste(),
    wasteMonthlyCost: round(wasteMonthlyCost),
    drift: drift.drift(),
    signInActivity: signIn.available ? 'available' : 'unavailable',
    notes,
  };
}

function skuLine(sku: SubscribedSku, deps: AuditDeps): SkuLine {
  const enabled = sku.prepaidUnits.enabled;
  const available = availableUnits(sku);
  const price = deps.prices[sku.skuPartNumber];
  return {
    skuId: sku.skuId,
    skuPartNumber: sku.skuPartNumber,
    productName: productName(sku.skuPartNumber),
    enabled,
    suspended: sku.prepaidUnits.suspended ?? 0,
    warning: sku.prepaidUnits.warning ?? 0,
    consumed: sku.consumedUnits,
    available,
    utilisationPercent: enabled > 0 ? round((sku.consumedUnits / enabled) * 100) : 0,
    lowStock: enabled > 0 && available < deps.lowStockThreshold,
    ...(price !== undefined ? { monthlyPrice: price } : {}),
  };
}

/** The first reason that makes a user's licences waste: disabled, past their leave date, or inactive. */
function wasteReasonOf(user: AuditUser, now: Date, inactiveBefore: number, signInKnown: boolean): { reason: WasteReason; detail: string } | undefined {
  if (user.accountEnabled === false) return { reason: 'disabled-account', detail: 'sign-in is disabled' };
  if (user.employeeLeaveDateTime && new Date(user.employeeLeaveDateTime).getTime() < now.getTime()) {
    return { reason: 'past-leave-date', detail: `left ${user.employeeLeaveDateTime.slice(0, 10)}` };
  }
  if (!signInKnown) return undefined;
  const last = user.signInActivity?.lastSuccessfulSignInDateTime ?? user.signInActivity?.lastSignInDateTime;
  if (last) return new Date(last).getTime() < inactiveBefore ? { reason: 'inactive', detail: `last sign-in ${last.slice(0, 10)}` } : undefined;
  const created = user.createdDateTime ? new Date(user.createdDateTime).getTime() : undefined;
  return created !== undefined && created < inactiveBefore ? { reason: 'inactive', detail: 'never signed in' } : undefined;
}

/** Members of every rule-managed group, read once (not memberOf per user). */
async function ruleGroupMembers(deps: AuditDeps, notes: string[]): Promise<Map<string, Set<string>>> {
  const refs = [...deps.policy.ruleManagedGroups()];
  const resolved = refs.length ? await resolveGroups(deps.graph, refs) : new Map();
  const members = new Map<string, Set<string>>();
  for (const ref of refs) {
    const group = resolved.get(ref);
    if (!group) {
      notes.push(`Rules name group ${ref}, which does not exist: drift for it was not checked.`);
      continue;
    }
    members.set(ref, await groupMemberIds(deps.graph, group.id));
  }
  return members;
}

function employeeOf(user: AuditUser): Employee {
  const text = (v: string | null | undefined) => (v ? v : undefined);
  const fields = {
    department: text(user.department), jobTitle: text(user.jobTitle), employeeType: text(user.employeeType), companyName: text(user.companyName),
    officeLocation: text(user.officeLocation), city: text(user.city), country: text(user.country), usageLocation: text(user.usageLocation),
  };
  return { employeeId: user.employeeId as string, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) };
}

/** What the rules say this worker should hold, against what they hold: both directions. */
function checkDrift(user: AuditUser, held: string[], policy: AccessPolicy, groupMembers: Map<string, Set<string>>, drift: FindingTally<DriftKind>): void {
  const employee = employeeOf(user);
  const wantedSkus = policy.desiredLicences(employee).map((l) => l.skuPartNumber);
  const missingSkus = wantedSkus.filter((s) => !held.includes(s));
  const extraSkus = held.filter((s) => policy.ruleManagedSkus().has(s) && !wantedSkus.includes(s));
  if (missingSkus.length) drift.add('missing-licence', { userPrincipalName: user.userPrincipalName, items: missingSkus });
  if (extraSkus.length) drift.add('extra-licence', { userPrincipalName: user.userPrincipalName, items: extraSkus });
  const wantedGroups = new Set(policy.desiredGroups(employee));
  const missingGroups = [...wantedGroups].filter((g) => groupMembers.has(g) && !groupMembers.get(g)!.has(user.id));
  const extraGroups = [...groupMembers].filter(([g, ids]) => !wantedGroups.has(g) && ids.has(user.id)).map(([g]) => g);
  if (missingGroups.length) drift.add('missing-group', { userPrincipalName: user.userPrincipalName, items: missingGroups });
  if (extraGroups.length) drift.add('extra-group', { userPrincipalName: user.userPrincipalName, items: extraGroups });
}
