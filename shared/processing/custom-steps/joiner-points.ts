import type { LifecycleEvent } from '../../domain/events';
import type { DirectoryUser } from '../../graph/users';
import type { ProcessingDeps } from '../deps';
import type { FlowResult } from '../flows/flow-result';
import type { StepRunner } from '../step-runner';
import { runCustomStepsAt } from './run-custom-steps';

/**
 * A joiner's custom steps at `account-created` (the account exists, nothing else yet) or
 * `onboarded` (everything done, the pass delivered). `user` is undefined only in a dry run of an
 * account not yet made, where the steps are planned. The manager is the one HR names, when their
 * account exists (the lookup the manager link made a moment ago, reused).
 */
export async function joinerCustomSteps(point: 'account-created' | 'onboarded', event: LifecycleEvent, user: DirectoryUser | undefined, runner: StepRunner, deps: ProcessingDeps): Promise<FlowResult | undefined> {
  const managerEmployeeId = event.employee.managerEmployeeId;
  const manager = async () => (managerEmployeeId && managerEmployeeId !== event.employee.employeeId ? deps.directory.findByEmployeeId(managerEmployeeId, { reuse: true }) : undefined);
  const schedule = await runCustomStepsAt(point, { event, ...(user ? { user } : {}), manager }, runner, deps);
  return schedule ? { schedule } : undefined;
}
