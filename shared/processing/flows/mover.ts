import type { LifecycleEvent } from '../../domain/events';
import type { ProcessingDeps } from '../deps';
import { StepFailure } from '../outcome';
import type { StepRunner } from '../step-runner';
import { updateAttributes } from '../steps/account';
import { reconcileGroups, reconcileLicences } from '../steps/access';
import { findUser } from '../steps/find-user';
import { linkManager } from '../steps/manager';
import { assertNotProtected } from '../steps/protection';

/** Mover: changed attributes only, manager change, and the delta of rule-based groups and licences. */
export async function runMover(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  const user = await findUser(event, runner, deps);
  if (!user) {
    throw new StepFailure('find-user', false, 'UserNotFound', `no account has employeeId ${event.employee.employeeId}`, 'Send a joiner (or rehire) for this worker first, then replay.');
  }
  await runner.patch((r) => ({ ...r, userId: user.id }));
  await runner.run('check-protection', async () => {
    await assertNotProtected(deps.graph, user, deps.policy.protection);
    return { outcome: 'done', detail: 'not a protected account' };
  });
  await updateAttributes(event, user, runner, deps);
  await linkManager(event, user, runner, deps);
  await reconcileGroups(event, user, runner, deps, { removeUnwanted: true });
  await reconcileLicences(event, user, runner, deps, { removeUnwanted: true });
}
