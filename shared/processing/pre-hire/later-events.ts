import type { LifecycleEvent } from '../../domain/events';
import type { PendingHire } from '../../ledger/types';
import type { ProcessingDeps } from '../deps';
import { leaveTime } from '../flows/leaver';
import type { StepRunner } from '../step-runner';
import { findUser } from '../steps/find-user';
import { isTerminal } from '../worker-lane';
import type { HireResult, Onboard } from './carrier';
import { awaitsStart, cancelHire, followLaterEvent, readPendingHire, type FollowedHire } from './pending-hire';
import { datedSteps } from './plan-steps';

const FOLLOW_STEP = 'follow-pending-hire';

/**
 * What the worker's other events do to a future-dated hire that waits for its account or its start.
 * Their changes go into the pending hire the carrier's copies read; a change that makes the hire due
 * sooner than the carrier's next copy sends one for then (the copy already scheduled cannot be
 * moved); a leaver before the start cancels it.
 */

/**
 * A mover while a hire waits: its changes go into the hire. Before the account exists there is
 * nothing else to move (`accountExists` false: the mover's own steps are not run, where they would
 * find no account and stop); after, the mover moves the account as any mover does.
 */
export async function followAsMover(mover: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<{ accountExists: boolean; result: HireResult } | undefined> {
  const pending = await readPendingHire(mover, deps.ledger);
  if (!awaitsStart(pending)) return undefined;
  const followed = await follow(mover, runner, deps);
  if (!followed) return undefined;
  return { accountExists: pending.stage === 'created', result: followed.wake ? { wake: followed.wake } : {} };
}

/**
 * A joiner for a worker whose hire (carried by another joiner) waits: HR sent the worker again, with
 * a new date or data. Its changes go into the hire, and an account the hire made already is
 * reconciled with them — sign-in stays off until the start. If the carrier can no longer act (it
 * was dead-lettered or ended), this joiner carries the hire itself (undefined: go on as a first run).
 */
export async function followAsLaterJoiner(joiner: LifecycleEvent, pending: PendingHire, runner: StepRunner, deps: ProcessingDeps, onboard: Onboard): Promise<HireResult | undefined> {
  if (deps.mode === 'apply' && isTerminal(await deps.ledger.get(pending.eventId))) return undefined;
  const followed = await follow(joiner, runner, deps);
  if (!followed) return undefined;
  const wake = followed.wake ? { wake: followed.wake } : {};
  if (pending.stage !== 'created') return wake;
  const user = await findUser(joiner, runner, deps);
  if (!user) return wake;
  const result = await onboard(joiner, user, 'prepare');
  return { ...result, ...wake };
}

/**
 * A leaver that is effective (now, or its dated copy came) before the hire's start: the hire is
 * cancelled, its carrier ends `skipped`, and the account — if the hire made one — keeps sign-in off;
 * the leaver then offboards it as any other (deleted per the leaver policy). A leaver dated after the
 * start (a fixed-term hire sent at once) cancels nothing: it comes at its date.
 */
export async function cancelPendingHire(leaver: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  if (leaveTime(leaver).getTime() > deps.now().getTime()) return;
  const pending = await readPendingHire(leaver, deps.ledger);
  if (!awaitsStart(pending)) return;
  await runner.run('cancel-pending-hire', async () => {
    const account = pending.stage === 'created' ? 'its account, made with sign-in off, stays off and is offboarded by this leaver' : 'no account had been made yet, and none will be';
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would cancel the hire carried by ${pending.eventId} before its start: ${account}` };
    const cancelled = await cancelHire(leaver, deps.ledger, deps.now());
    if (!cancelled) return { outcome: 'already-done', detail: 'the hire had already started or been cancelled' };
    return { outcome: 'done', detail: `cancelled the hire carried by ${pending.eventId} before its start: ${account}` };
  });
}

/** Applies the event to the hire, records what it did, and shows the carrier's new plan. */
async function follow(later: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<FollowedHire | undefined> {
  let followed: FollowedHire | undefined;
  await runner.run(FOLLOW_STEP, async () => {
    followed = await followLaterEvent(later, deps.ledger, deps.settings, deps.now());
    if (!followed) return { outcome: 'skipped', detail: 'the hire started or was cancelled meanwhile' };
    const { hire, start } = followed;
    if (!followed.changed) return { outcome: 'skipped', detail: `older than the change ${hire.changedBy} made to the hire carried by ${hire.eventId}: left as it is` };
    const plan = start ? datedSteps(start, deps) : {};
    await showPlan(followed, plan, deps);
    const when = (hire.stage === 'waiting' ? [plan['wait-until-pre-hire'], plan['enable-at-start']] : [plan['enable-at-start']]).filter(Boolean).join('; ');
    const woken = followed.wake ? `; its copy comes sooner, at ${followed.wake.at.toISOString()}` : '';
    const follows = deps.mode === 'plan' ? 'would follow' : 'follows';
    return { outcome: deps.mode === 'plan' ? 'planned' : 'done', detail: `the hire carried by ${hire.eventId} ${follows} this ${later.type}: ${when || 'it starts now'}${woken}` };
  });
  return followed;
}

/** The carrier's status, as an operator reads it: its dated steps with the new times, and when its next copy comes. */
async function showPlan(followed: FollowedHire, plan: Record<string, string>, deps: ProcessingDeps): Promise<void> {
  const { hire } = followed;
  await deps.ledger.update(hire.event, (record) => {
    if (isTerminal(record)) return record;
    const steps = record.steps.map((s) => (s.outcome === 'pending' && plan[s.name] ? { ...s, detail: plan[s.name] as string } : s));
    return { ...record, steps, ...(hire.nextCopyAt ? { nextAttemptAt: hire.nextCopyAt } : {}) };
  });
}
