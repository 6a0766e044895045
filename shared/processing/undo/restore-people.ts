import { listDirectReports, type UserRef } from '../../graph/leaver-state';
import { getManagerId, setManager } from '../../graph/manager';
import { findUserByUpn, updateUser, type UserPatch } from '../../graph/users';
import { graphRoot } from '../deps';
import type { SnapshotAttributes, SnapshotManager } from '../offboarding/snapshot-parts';
import { changedAttributes } from '../steps/attributes';
import { itemRefusal, restoreResult, type Restorer } from './restore-context';

/** Sign-in and the leave date have steps of their own (enable-sign-in, clear-leave-date). */
const SET_BY_THEIR_OWN_STEPS = new Set(['accountEnabled', 'employeeLeaveDateTime']);

/** HR's attributes as they were; a value that was empty stays as it is now (Graph refuses to empty some, displayName among them). */
export const restoreAttributes: Restorer = async (value, ctx) => {
  if (ctx.besideRules) return { outcome: 'skipped', detail: "a rehire writes HR's attributes (update-attributes)" };
  const was = Object.entries(value as SnapshotAttributes).filter(([name, v]) => !SET_BY_THEIR_OWN_STEPS.has(name) && typeof v === 'string');
  const patch = changedAttributes(ctx.user, Object.fromEntries(was) as UserPatch);
  const names = Object.keys(patch);
  if (names.length === 0) return { outcome: 'already-done', detail: 'the attributes are as they were' };
  if (ctx.deps.mode === 'plan') return { outcome: 'planned', detail: `would restore ${names.join(', ')}` };
  await updateUser(ctx.deps.graph, ctx.user.id, patch);
  Object.assign(ctx.user, patch);
  return { outcome: 'done', detail: `restored ${names.join(', ')}` };
};

export const restoreManager: Restorer = async (value, ctx) => {
  const was = value as SnapshotManager;
  if (!was) return { outcome: 'already-done', detail: 'the worker had no manager' };
  if (ctx.besideRules && ctx.event.employee.managerEmployeeId) return { outcome: 'skipped', detail: 'HR names the manager (set-manager)' };
  if ((await ctx.reads.managerId()) === was.id) return { outcome: 'already-done', detail: 'the manager is the one it had' };
  const manager = await findUserByUpn(ctx.deps.graph, was.id);
  if (!manager) return { outcome: 'skipped', detail: `not restored: the manager's account (${was.id}) no longer exists` };
  if (ctx.deps.mode === 'plan') return { outcome: 'planned', detail: `would set the manager back to ${manager.userPrincipalName}` };
  await setManager(ctx.deps.graph, ctx.user.id, manager.id, graphRoot(ctx.deps));
  return { outcome: 'done', detail: `manager set back to ${manager.userPrincipalName}` };
};

/**
 * Reports moved away from the leaver come back: those that now have no manager or the leaver's
 * own manager (where a leaver moves them). One that HR or someone else gave another manager since
 * is left alone and named; each report changed is named too, being another worker's account.
 */
export const restoreDirectReports: Restorer = async (value, ctx) => {
  const was = value as UserRef[];
  const now = new Set((await listDirectReports(ctx.deps.graph, ctx.user.id)).map((r) => r.id));
  const missing = was.filter((r) => !now.has(r.id));
  const nothing = was.length === 0 ? 'the worker had no direct reports' : `all ${was.length} direct report(s) still report to the worker`;
  const managerPart = ctx.snapshot.parts.manager;
  const leaversManager = managerPart?.read ? (managerPart.value as SnapshotManager)?.id : undefined;
  const name = (r: UserRef) => r.userPrincipalName ?? r.id;
  const notRestored: string[] = [];
  const toMove: UserRef[] = [];
  for (const report of missing) {
    if (!(await findUserByUpn(ctx.deps.graph, report.id))) {
      notRestored.push(`${name(report)} (no longer exists)`);
      continue;
    }
    const current = await getManagerId(ctx.deps.graph, report.id);
    if (current && current !== leaversManager) notRestored.push(`${name(report)} (has had another manager since; left alone)`);
    else toMove.push(report);
  }
  if (ctx.deps.mode === 'plan') return restoreResult(ctx, toMove.map(name), notRestored, nothing);
  const restored: string[] = [];
  for (const report of toMove) {
    try {
      await setManager(ctx.deps.graph, report.id, ctx.user.id, graphRoot(ctx.deps));
      restored.push(`${name(report)} reports to the worker again`);
    } catch (error) {
      notRestored.push(`${name(report)} (${itemRefusal(error)})`);
    }
  }
  return restoreResult(ctx, restored, notRestored, nothing);
};
