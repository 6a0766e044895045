import type { Employee, LifecycleEvent } from '../../domain/events';
import { GraphRequestError } from '../../graph/errors';
import { groupsIn, removeGroupMember, unmanageableReason, type DirectoryGroup } from '../../graph/groups';
import { assignLicences, availableUnits, type AssignedLicence, type SubscribedSku } from '../../graph/licences';
import type { DirectoryUser } from '../../graph/users';
import type { AccountReads } from '../account-reads';
import type { ProcessingDeps } from '../deps';
import { StepFailure } from '../outcome';
import type { AccessPolicy, LicenceNeed } from '../../rules/access-policy';
import type { StepRunner } from '../step-runner';

export interface AccessOptions {
  /** Movers lose rule-managed groups and licences the rules no longer give them; joiners only gain. */
  removeUnwanted: boolean;
  /** What the account holds now (`newAccountReads` for one this attempt created). */
  reads: AccountReads;
}

/** The groups the group step looks at for a worker: what the rules want and, when it removes, what they manage. None: the step is skipped. */
export function groupsInScope(policy: AccessPolicy, employee: Employee, removeUnwanted: boolean): { wanted: string[]; managed: string[] } {
  // A licence rule's licensing group is a membership like a group rule's: joined in the same shared
  // write, left by a mover the rules no longer give it (the licence goes with it), never assigned.
  const wanted = [...new Set([...policy.desiredGroups(employee), ...policy.desiredLicensingGroups(employee)])];
  return { wanted, managed: removeUnwanted ? [...policy.ruleManagedGroups(), ...policy.ruleManagedLicensingGroups()] : [] };
}

/** The licences the licence step looks at for a worker, like `groupsInScope`. */
export function licencesInScope(policy: AccessPolicy, employee: Employee, removeUnwanted: boolean): { wanted: LicenceNeed[]; managed: ReadonlySet<string> } {
  return { wanted: policy.desiredLicences(employee), managed: removeUnwanted ? policy.ruleManagedSkus() : new Set<string>() };
}

/** Rule-based group memberships: add what the rules want, remove (movers) what they no longer want. */
export async function reconcileGroups(event: LifecycleEvent, user: DirectoryUser, runner: StepRunner, deps: ProcessingDeps, options: AccessOptions): Promise<void> {
  await runner.run('groups', async () => {
    const { wanted, managed } = groupsInScope(deps.policy, event.employee, options.removeUnwanted);
    if (wanted.length === 0 && managed.length === 0) return { outcome: 'skipped', detail: 'no group rules apply' };
    const resolved = await deps.directory.resolveGroups([...new Set([...wanted, ...managed])]);
    const missing = wanted.filter((ref) => !resolved.has(ref));
    if (missing.length > 0) {
      throw new StepFailure('groups', false, 'GroupNotFound', `rules name group(s) that do not exist: ${missing.join(', ')}`, 'Create the group(s) or correct the rules file, then replay.');
    }
    const memberOf = new Set(groupsIn(await options.reads.memberships()).map((g) => g.id));
    const wantedGroups = uniqueGroups(wanted.map((ref) => resolved.get(ref) as DirectoryGroup));
    const wantedIds = new Set(wantedGroups.map((g) => g.id));
    const toAdd = wantedGroups.filter((g) => !memberOf.has(g.id));
    const toRemove = uniqueGroups(managed.map((ref) => resolved.get(ref)).filter((g): g is DirectoryGroup => !!g)).filter(
      (g) => memberOf.has(g.id) && !wantedIds.has(g.id),
    );
    const changed = await applyMembershipChanges(user, toAdd, toRemove, deps);
    return { ...changed, detail: `${changed.detail}${licensingNote([...toAdd, ...toRemove], licensingIds(deps.policy, resolved))}` };
  });
}

/** The ids of the rules' licensing groups among resolved references. */
export function licensingIds(policy: AccessPolicy, resolved: ReadonlyMap<string, DirectoryGroup>): Set<string> {
  return new Set([...policy.ruleManagedLicensingGroups()].map((ref) => resolved.get(ref)?.id).filter((id): id is string => !!id));
}

function licensingNote(changed: DirectoryGroup[], licensing: ReadonlySet<string>): string {
  const among = uniqueGroups(changed.filter((g) => licensing.has(g.id)));
  // Entra applies a group's licences in the background; a failure shows as an Error state on the user, not here.
  return among.length ? `; licensing group(s) ${names(among)}: the licence comes and goes with the membership (group-based licensing)` : '';
}

/** Adds and removes memberships; groups Graph cannot change are reported, never silently skipped. */
export async function applyMembershipChanges(
  user: DirectoryUser,
  toAdd: DirectoryGroup[],
  toRemove: DirectoryGroup[],
  deps: ProcessingDeps,
): Promise<{ outcome: 'done' | 'already-done' | 'planned'; detail: string }> {
  const reason = (g: DirectoryGroup) => unmanageableReason(g, deps.policy.roleAssignableGroups);
  const refused = [...toAdd, ...toRemove].filter((g) => reason(g)).map((g) => `${g.displayName} (${reason(g)})`);
  const adds = toAdd.filter((g) => !reason(g));
  const removes = toRemove.filter((g) => !reason(g));
  const notes = refused.length ? `; not changeable through Graph, change by hand: ${refused.join(', ')}` : '';
  if (adds.length === 0 && removes.length === 0) return { outcome: 'already-done', detail: `memberships already as the rules want${notes}` };
  const summary = [adds.length ? `add ${names(adds)}` : '', removes.length ? `remove ${names(removes)}` : ''].filter(Boolean).join('; ');
  if (deps.mode === 'plan') return { outcome: 'planned', detail: `would ${summary}${notes}` };
  // Concurrently: each add joins its group's shared write, so waiting for one would hold the rest.
  const added = await Promise.allSettled(adds.map((group) => deps.directory.addMember(group, user.id)));
  const failed = added.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  for (const group of removes) await removeGroupMember(deps.graph, group.id, user.id);
  return { outcome: 'done', detail: `${summary}${notes}` };
}

/** Licences from the rules, checked for availability first; one atomic assignLicense call. */
export async function reconcileLicences(event: LifecycleEvent, user: DirectoryUser, runner: StepRunner, deps: ProcessingDeps, options: AccessOptions): Promise<void> {
  await runner.run('licences', async () => {
    const { wanted, managed } = licencesInScope(deps.policy, event.employee, options.removeUnwanted);
    const viaLicensingGroups = deps.policy.desiredLicensingGroups(event.employee);
    // Licences through a licensing group come with its membership (the groups step): no assignLicense for them.
    const licensingNote = viaLicensingGroups.length ? `; through licensing group(s) ${viaLicensingGroups.join(', ')}, with the membership` : '';
    if (wanted.length === 0 && managed.size === 0) {
      return { outcome: 'skipped', detail: viaLicensingGroups.length ? `no licence to assign${licensingNote}` : 'no licence rules apply' };
    }
    let skus = new Map((await deps.directory.subscribedSkus()).map((s) => [s.skuPartNumber, s]));
    const unknown = wanted.filter((w) => !skus.has(w.skuPartNumber)).map((w) => w.skuPartNumber);
    if (unknown.length > 0) {
      throw new StepFailure('licences', false, 'SkuNotSubscribed', `the tenant has no subscription for ${unknown.join(', ')}`, 'Buy the product or correct the rules file, then replay.');
    }
    const held = await options.reads.licences();
    const current = new Map(held.map((l) => [l.skuId, l]));
    // Licences that come through a group are the group's to give and take: held, never assigned or removed here.
    const viaGroup = held.filter((l) => l.direct === false);
    const add: AssignedLicence[] = [];
    const newlyAssigned: SubscribedSku[] = [];
    for (const need of wanted) {
      const sku = skus.get(need.skuPartNumber) as SubscribedSku;
      const disabledPlans = planIds(sku, need.disabledPlans);
      const holding = current.get(sku.skuId);
      if (!holding) newlyAssigned.push(sku);
      if (holding?.direct === false) continue;
      if (!holding || !sameSet(holding.disabledPlans, disabledPlans)) add.push({ skuId: sku.skuId, disabledPlans });
    }
    const wantedIds = new Set(wanted.map((w) => (skus.get(w.skuPartNumber) as SubscribedSku).skuId));
    const remove = [...skus.values()].filter((s) => managed.has(s.skuPartNumber) && current.get(s.skuId)?.direct !== false && current.has(s.skuId) && !wantedIds.has(s.skuId));
    const groupNote = `${viaGroup.length ? `; through a group, left to it: ${viaGroup.map((l) => partNumber(skus, l.skuId)).join(', ')}` : ''}${licensingNote}`;
    if (add.length === 0 && remove.length === 0) return { outcome: 'already-done', detail: `licences already as the rules want${groupNote}` };
    if (add.length > 0 && !user.usageLocation && !event.employee.usageLocation && !event.employee.country) {
      throw new StepFailure('licences', false, 'UsageLocationMissing', 'a licence needs a usage location and the worker has none', 'Send the worker\'s country or usageLocation from HR, then replay.');
    }
    if (newlyAssigned.some((sku) => availableUnits(sku) < 1)) {
      // The stock is cached: before calling it short, look at today's.
      skus = new Map((await deps.directory.subscribedSkus({ fresh: true })).map((s) => [s.skuPartNumber, s]));
    }
    for (const sku of newlyAssigned.map((n) => skus.get(n.skuPartNumber) ?? n)) {
      if (availableUnits(sku) < 1) {
        throw new StepFailure('licences', true, 'NoFreeLicences', `no free ${sku.skuPartNumber} licences (${sku.consumedUnits} of ${sku.prepaidUnits.enabled} in use)`, 'Buy more licences or free some; the event retries by itself.');
      }
    }
    const summary = [
      add.length ? `assign ${add.map((a) => partNumber(skus, a.skuId)).join(', ')}` : '',
      remove.length ? `remove ${remove.map((s) => s.skuPartNumber).join(', ')}` : '',
    ].filter(Boolean).join('; ');
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would ${summary}${groupNote}` };
    try {
      await assignLicences(deps.graph, user.id, add, remove.map((s) => s.skuId));
    } catch (error) {
      throw noFreeLicencesOr(error, newlyAssigned, deps);
    }
    for (const sku of newlyAssigned) deps.directory.noteLicenceChange(sku.skuId, 1);
    for (const sku of remove) deps.directory.noteLicenceChange(sku.skuId, -1);
    return { outcome: 'done', detail: `${summary}${groupNote}` };
  });
}

const noAvailableLicences = /does not have any available licenses/i;

/**
 * The stock we checked is cached for a minute, so Graph may be the one to find it exhausted:
 * that is the same retryable shortage as our own check, after a fresh read of the stock.
 */
function noFreeLicencesOr(error: unknown, assigning: SubscribedSku[], deps: ProcessingDeps): unknown {
  if (!(error instanceof GraphRequestError) || !noAvailableLicences.test(error.failure.message)) return error;
  deps.directory.forgetGroupsAndSkus();
  const names = assigning.map((s) => s.skuPartNumber).join(', ');
  return new StepFailure('licences', true, 'NoFreeLicences', `no free ${names} licences (Graph: ${error.failure.message})`, 'Buy more licences or free some; the event retries by itself.');
}

function planIds(sku: SubscribedSku, planNames: string[]): string[] {
  const unknown = planNames.filter((n) => !sku.servicePlans.some((p) => p.servicePlanName === n));
  if (unknown.length > 0) {
    throw new StepFailure('licences', false, 'UnknownServicePlan', `${sku.skuPartNumber} has no service plan(s) ${unknown.join(', ')}`, 'Correct disabledPlans in the rules file, then replay.');
  }
  return sku.servicePlans.filter((p) => planNames.includes(p.servicePlanName)).map((p) => p.servicePlanId);
}

function partNumber(skus: Map<string, SubscribedSku>, skuId: string): string {
  return [...skus.values()].find((s) => s.skuId === skuId)?.skuPartNumber ?? skuId;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function uniqueGroups(groups: DirectoryGroup[]): DirectoryGroup[] {
  return [...new Map(groups.map((g) => [g.id, g])).values()];
}

function names(groups: DirectoryGroup[]): string {
  return groups.map((g) => g.displayName).join(', ');
}
