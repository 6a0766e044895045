import { groupsIn, unmanageableReason, type DirectoryGroup } from '../../graph/groups';
import { assignLicences, availableUnits, type AssignedLicence, type SubscribedSku } from '../../graph/licences';
import type { SnapshotGroup } from '../offboarding/snapshot-parts';
import { itemRefusal, restoreResult, type Restorer, type RestoreContext } from './restore-context';

/** Rule-managed groups a rehire's rules decide: left to them. */
async function ruleGroupIds(ctx: RestoreContext): Promise<Set<string>> {
  if (!ctx.besideRules) return new Set();
  const refs = [...ctx.deps.policy.ruleManagedGroups()];
  return new Set([...(await ctx.deps.directory.resolveGroups(refs)).values()].map((g) => g.id));
}

/**
 * Direct memberships back: each group checked first (still there, still changeable through Graph),
 * "already a member" is done; a group that is gone, dynamic, synced or role-assignable is named.
 */
export const restoreGroups: Restorer = async (value, ctx) => {
  const wanted = value as SnapshotGroup[];
  const member = new Set(groupsIn(await ctx.reads.memberships()).map((g) => g.id));
  const leftToRules = await ruleGroupIds(ctx);
  const missing = wanted.filter((g) => !member.has(g.id) && !leftToRules.has(g.id));
  const nothing = wanted.length === 0 ? 'it was in no groups' : `already a member of every group it had${ctx.besideRules ? ' beside the rules' : ''}`;
  if (missing.length === 0) return restoreResult(ctx, [], [], nothing);
  const found = await ctx.deps.directory.resolveGroups(missing.map((g) => g.id));
  const notRestored: string[] = [];
  const toAdd: DirectoryGroup[] = [];
  for (const g of missing) {
    const group = found.get(g.id);
    const why = group ? unmanageableReason(group, ctx.deps.policy.roleAssignableGroups) : 'no longer exists';
    if (why) notRestored.push(`${g.displayName} (${why})`);
    else toAdd.push(group as DirectoryGroup);
  }
  if (ctx.deps.mode === 'plan') return restoreResult(ctx, toAdd.map((g) => g.displayName), notRestored, nothing);
  const added = await Promise.allSettled(toAdd.map((group) => ctx.deps.directory.addMember(group, ctx.user.id)));
  const restored: string[] = [];
  added.forEach((result, i) => {
    const name = (toAdd[i] as DirectoryGroup).displayName;
    if (result.status === 'fulfilled') restored.push(name);
    else notRestored.push(`${name} (${itemRefusal(result.reason)})`);
  });
  return restoreResult(ctx, restored, notRestored, nothing);
};

/**
 * Licences back with the service plans that were off, one assignment each so one short SKU does
 * not hold back the others. Only direct assignments: a group's licence comes back with the group.
 */
export const restoreLicences: Restorer = async (value, ctx) => {
  const snapshot = value as AssignedLicence[];
  const wanted = snapshot.filter((l) => l.direct !== false);
  const held = new Map((await ctx.reads.licences()).map((l) => [l.skuId, l]));
  const skus = new Map((await ctx.deps.directory.subscribedSkus({ fresh: true })).map((s) => [s.skuId, s]));
  const ruleSkus = ctx.besideRules ? ctx.deps.policy.ruleManagedSkus() : new Set<string>();
  const name = (skuId: string) => skus.get(skuId)?.skuPartNumber ?? skuId;
  const notRestored: string[] = [];
  const toAssign: { licence: AssignedLicence; sku: SubscribedSku; isNew: boolean }[] = [];
  for (const licence of wanted) {
    const sku = skus.get(licence.skuId);
    if (sku && ruleSkus.has(sku.skuPartNumber)) continue;
    const holding = held.get(licence.skuId);
    if (holding && sameSet(holding.disabledPlans, licence.disabledPlans)) continue;
    if (!sku) notRestored.push(`${licence.skuId} (the tenant no longer subscribes to it)`);
    else if (!holding && availableUnits(sku) < 1) notRestored.push(`${sku.skuPartNumber} (no free units: ${sku.consumedUnits} of ${sku.prepaidUnits.enabled} in use)`);
    else toAssign.push({ licence, sku, isNew: !holding });
  }
  const viaGroups = snapshot.filter((l) => l.direct === false).map((l) => name(l.skuId));
  const groupNote = viaGroups.length ? `; through a group, back with it: ${viaGroups.join(', ')}` : '';
  const nothing = `the licences it had${ctx.besideRules ? ' beside the rules' : ''} are assigned${groupNote}`;
  if (toAssign.length > 0 && !ctx.user.usageLocation) {
    notRestored.push(...toAssign.map((a) => `${a.sku.skuPartNumber} (the account has no usage location)`));
    toAssign.length = 0;
  }
  const label = ({ licence, sku }: { licence: AssignedLicence; sku: SubscribedSku }) => `${sku.skuPartNumber}${licence.disabledPlans.length ? ` (${licence.disabledPlans.length} plan(s) off)` : ''}`;
  if (ctx.deps.mode === 'plan') return withNote(restoreResult(ctx, toAssign.map(label), notRestored, nothing), groupNote);
  const restored: string[] = [];
  for (const item of toAssign) {
    try {
      await assignLicences(ctx.deps.graph, ctx.user.id, [{ skuId: item.sku.skuId, disabledPlans: item.licence.disabledPlans }], []);
      if (item.isNew) ctx.deps.directory.noteLicenceChange(item.sku.skuId, 1);
      restored.push(label(item));
    } catch (error) {
      notRestored.push(`${item.sku.skuPartNumber} (${itemRefusal(error)})`);
    }
  }
  return withNote(restoreResult(ctx, restored, notRestored, nothing), groupNote);
};

function withNote(result: Awaited<ReturnType<Restorer>>, note: string): Awaited<ReturnType<Restorer>> {
  return result.outcome === 'already-done' || !note ? result : { ...result, detail: `${result.detail ?? ''}${note}` };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
