import type { LifecycleEvent } from '../../domain/events';
import type { ProcessingDeps } from '../deps';
import type { StepRunner } from '../step-runner';
import { updateAttributes } from '../steps/account';
import { reconcileGroups, reconcileLicences } from '../steps/access';
import { requireAccount } from '../steps/find-user';
import { linkManager } from '../steps/manager';

/** Mover: changed attributes only, manager change, and the delta of rule-based groups and licences. */
export async function runMover(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  const change = { removeUnwanted: true, linksManager: true };
  const { user, reads } = await requireAccount(event, runner, deps, change, 'Send a joiner (or rehire) for this worker first, then replay.');
  await updateAttributes(event, user, runner, deps);
  await linkManager(event, user, reads, runner, deps);
  await reconcileGroups(event, user, runner, deps, { removeUnwanted: true, reads });
  await reconcileLicences(event, user, runner, deps, { removeUnwanted: true, reads });
}
