import type { LifecycleEvent } from '../../domain/events';
import { findUserByEmployeeId, findUserByUpn, type DirectoryUser } from '../../graph/users';
import type { ProcessingDeps } from '../deps';
import type { StepRunner } from '../step-runner';

/** Matches the worker's account by employeeId first, then by an explicit UPN from HR. */
export async function findUser(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<DirectoryUser | undefined> {
  let user: DirectoryUser | undefined;
  await runner.run('find-user', async () => {
    user = await findUserByEmployeeId(deps.graph, event.employee.employeeId);
    if (user) return { outcome: 'done', detail: `found ${user.userPrincipalName} by employeeId` };
    const upn = event.employee.userPrincipalName;
    if (upn) {
      user = await findUserByUpn(deps.graph, upn);
      if (user) return { outcome: 'done', detail: `found ${user.userPrincipalName} by userPrincipalName` };
    }
    return { outcome: 'done', detail: 'no account for this worker' };
  });
  return user;
}
