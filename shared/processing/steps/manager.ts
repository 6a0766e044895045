import type { LifecycleEvent } from '../../domain/events';
import { setManager } from '../../graph/manager';
import { GraphRequestError } from '../../graph/errors';
import type { DirectoryUser } from '../../graph/users';
import type { AccountReads } from '../account-reads';
import { graphRoot, type ProcessingDeps } from '../deps';
import type { StepRunner } from '../step-runner';

/**
 * Links the worker to their manager by the manager's employeeId. A manager without an account
 * yet never fails the event: the link waits (pending) and is made when the manager's account
 * appears. A worker named as their own manager is reported, not linked.
 */
export async function linkManager(event: LifecycleEvent, user: DirectoryUser, reads: AccountReads, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  const managerEmployeeId = event.employee.managerEmployeeId;
  await runner.run('set-manager', async () => {
    if (!managerEmployeeId) return { outcome: 'skipped', detail: 'no manager in the HR record' };
    if (managerEmployeeId === event.employee.employeeId) {
      return { outcome: 'skipped', detail: 'the worker is listed as their own manager; not linked — correct the manager in HR' };
    }
    // Many reports share a manager: an account found minutes ago is still that manager's.
    let manager = await deps.directory.findByEmployeeId(managerEmployeeId, { reuse: true });
    if (!manager) {
      if (deps.mode === 'plan') return { outcome: 'planned', detail: `manager ${managerEmployeeId} has no account yet; the link would wait for it` };
      await deps.pendingLinks.add({
        tenantId: event.tenantId,
        managerEmployeeId,
        reportUserId: user.id,
        reportEmployeeId: event.employee.employeeId,
        eventId: event.eventId,
        since: deps.now().toISOString(),
      });
      // Look again after recording the wait: if the manager's joiner ran in between, its
      // sweep of waiting reports may have missed this one.
      manager = await deps.directory.findByEmployeeId(managerEmployeeId);
      if (!manager) return { outcome: 'pending', detail: `manager ${managerEmployeeId} has no account yet; linked when it appears` };
      await deps.pendingLinks.remove({ tenantId: event.tenantId, managerEmployeeId, reportUserId: user.id });
    }
    if (manager.id === user.id) return { outcome: 'skipped', detail: 'the manager resolves to the worker themself; not linked' };
    const current = await reads.managerId();
    if (current === manager.id) return { outcome: 'already-done', detail: `manager is already ${manager.userPrincipalName}` };
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would set manager to ${manager.userPrincipalName}` };
    try {
      await setManager(deps.graph, user.id, manager.id, graphRoot(deps));
    } catch (error) {
      // The reused manager may be gone since: ask Graph afresh on the retry.
      if (error instanceof GraphRequestError && error.failure.kind === 'not-found') deps.directory.forgetEmployee(managerEmployeeId);
      throw error;
    }
    return { outcome: 'done', detail: `manager set to ${manager.userPrincipalName}` };
  });
}

/** Links reports that were waiting for this worker's account. */
export async function linkWaitingReports(event: LifecycleEvent, manager: DirectoryUser, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  await runner.run('link-waiting-reports', async () => {
    const waiting = await deps.pendingLinks.forManager(event.tenantId, event.employee.employeeId);
    if (waiting.length === 0) return { outcome: 'skipped', detail: 'no reports were waiting' };
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would link ${waiting.length} waiting report(s)` };
    for (const link of waiting) {
      // PUT replaces the manager (the same one again included), so no read first: one write a report.
      if (link.reportUserId !== manager.id) await setManager(deps.graph, link.reportUserId, manager.id, graphRoot(deps));
      await deps.pendingLinks.remove(link);
    }
    return { outcome: 'done', detail: `linked ${waiting.length} waiting report(s): ${waiting.map((w) => w.reportEmployeeId).join(', ')}` };
  });
}
