import { graphRoot } from '../deps';
import { listDirectReports, type UserRef } from '../../graph/leaver-state';
import { setManager } from '../../graph/manager';
import type { OffboardingStage } from './index';

export const DIRECT_REPORTS_STEP = 'move-direct-reports';
/** The detail names this many reports at most (a leaver may lead hundreds). */
const MAX_NAMED = 50;

const nameOf = (report: UserRef): string => report.userPrincipalName ?? report.id;
const listed = (items: string[]): string => (items.length > MAX_NAMED ? `${items.slice(0, MAX_NAMED).join(', ')} and ${items.length - MAX_NAMED} more` : items.join(', '));

/**
 * `directReports: 'to-leavers-manager'`: each user whose manager is the leaver gets the leaver's
 * manager instead (`PUT /users/{id}/manager/$ref`, https://learn.microsoft.com/graph/api/user-post-manager),
 * each change named in the detail. The check is the list itself: a report already moved is no
 * longer the leaver's, so a redelivery finds nobody left to move. Without a manager for the leaver
 * the reports stay as they are and are named, for a person to decide. Organisational contacts
 * among the reports are never changed (listDirectReports leaves them out).
 */
export const moveDirectReports: OffboardingStage = async (ctx) => {
  if (ctx.policy.directReports !== 'to-leavers-manager') return;
  const { deps, user } = ctx;
  await ctx.runner.run(DIRECT_REPORTS_STEP, async () => {
    const reports = await listDirectReports(deps.graph, user.id);
    const manager = await ctx.manager();
    if (reports.length === 0) {
      // Moved by an earlier attempt: the summary still says where they went.
      if (manager && ctx.runner.completedEarlier(DIRECT_REPORTS_STEP)) ctx.handover.reportsMovedTo = manager.userPrincipalName;
      return { outcome: 'already-done', detail: 'the leaver has no direct reports' };
    }
    const names = listed(reports.map(nameOf));
    if (!manager) return { outcome: 'skipped', detail: `the leaver has no manager: ${reports.length} direct report(s) keep the leaver as manager (${names})` };
    const movable = reports.filter((r) => r.id !== manager.id);
    // The leaver's manager reporting to the leaver: a loop only a person can untangle.
    const loop = movable.length < reports.length ? `; ${manager.userPrincipalName} reports to the leaver and cannot become their own manager: left as is` : '';
    const to = manager.userPrincipalName;
    const changes = listed(movable.map((r) => `${nameOf(r)} → ${to}`));
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would move ${movable.length} direct report(s): ${changes}${loop}` };
    for (const report of movable) await setManager(deps.graph, report.id, manager.id, graphRoot(deps));
    ctx.handover.reportsMovedTo = to;
    return { outcome: movable.length > 0 ? 'done' : 'skipped', detail: `moved ${movable.length} direct report(s): ${changes}${loop}` };
  });
};
