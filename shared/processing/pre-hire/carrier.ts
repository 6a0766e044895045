import type { LifecycleEvent } from '../../domain/events';
import type { PendingHire } from '../../ledger/types';
import type { DirectoryUser } from '../../graph/users';
import type { ProcessingDeps } from '../deps';
import type { FlowResult } from '../flows/flow-result';
import type { WakeCopy } from '../outcome';
import type { StepRunner } from '../step-runner';
import { findUser } from '../steps/find-user';
import { markHire } from './pending-hire';
import { START_STEP, WAIT_STEP, copyKey, noteDated, reachDated } from './plan-steps';
import { hireStart } from './start-time';

/**
 * How far a joiner takes the account in this run: `now` as any joiner (enabled, its pass, `onboarded`);
 * `prepare` made or kept with sign-in off, groups, licences and manager, nothing that lets anyone in;
 * `start` as `now`, enabling first the account the hire made with sign-in off.
 */
export type OnboardStage = 'now' | 'prepare' | 'start';
export type Onboard = (event: LifecycleEvent, existing: DirectoryUser | undefined, stage: OnboardStage) => Promise<FlowResult>;

/** A joiner's run may also end the event `skipped` (its hire cancelled), or ask for a copy of another event. */
export type HireResult = FlowResult & { skip?: { code: string; reason: string }; wake?: WakeCopy };

/**
 * One run of the joiner that carries a future-dated hire: its first, or any copy of it (a pre-hire or
 * start copy, a custom step's callback, a redelivery). What is due is decided from the pending hire —
 * as later events left it — and the clock, never from which copy this is: a copy for a time that
 * moved later puts itself off, one whose hire was cancelled stops, and work already done is found
 * done in the ledger and the tenant. `found`: the account lookup the first run already made.
 */
export async function runCarrier(hire: PendingHire, runner: StepRunner, deps: ProcessingDeps, onboard: Onboard, found?: { user: DirectoryUser | undefined }): Promise<HireResult> {
  if (hire.stage === 'cancelled') return { skip: { code: 'HireCancelled', reason: `the hire was cancelled by leaver ${hire.cancelledBy ?? '(unknown)'} before its start: the account is not enabled` } };
  if (hire.stage === 'started') return {};
  const event = hire.event;
  const now = deps.now();
  const start = hireStart(event, deps.settings);
  if (start && start.preHireAt.getTime() > now.getTime()) {
    await noteDated(WAIT_STEP, start, runner, deps);
    // A dry run also shows the account the pre-hire day would make, as the tenant is now (its UPN may be taken by then).
    if (deps.mode === 'plan' && found) await onboard(event, found.user, 'prepare');
    await noteDated(START_STEP, start, runner, deps);
    await markHire(hire, { nextCopyAt: start.preHireAt }, deps.ledger, now);
    return { schedule: { at: start.preHireAt, phase: 'pre-hire', key: copyKey('pre-hire', start.preHireAt), reason: `the account is made ${deps.settings.PRE_HIRE_DAYS} day(s) before the start, at ${start.preHireAt.toISOString()}` } };
  }
  await reachDated(WAIT_STEP, `the pre-hire day came (${now.toISOString()})`, runner);
  const beforeStart = start !== undefined && start.startAt.getTime() > now.getTime();
  const user = found ? found.user : await findUser(event, runner, deps);
  const ours = !user || !!runner.completedEarlier('create-user');
  if (!ours) {
    // An account this hire did not make (made by hand meanwhile, or claimed by UPN): reconciled as any existing one, never enabled by the hire.
    await runner.run('pre-hire-account', async () => ({ outcome: 'skipped', detail: `${(user as DirectoryUser).userPrincipalName} was not made by this hire: reconciled as an existing account; the hire neither enables it nor issues a pass` }));
    const result = await onboard(event, user, beforeStart ? 'prepare' : 'now');
    if (!result.schedule) await markHire(hire, { stage: 'started', nextCopyAt: null }, deps.ledger, now);
    return result;
  }
  if (!user && hire.stage === 'created' && deps.mode === 'apply') {
    return { skip: { code: 'PreHireAccountGone', reason: 'the account this hire made is gone (deleted in the tenant): a second one is not made; send a joiner again to start over' } };
  }
  if (!beforeStart && user && hasLeft(user, now)) {
    return { skip: { code: 'WorkerLeft', reason: `${user.userPrincipalName} has a leave date that has passed: a leaver came before the start, so sign-in stays off` } };
  }
  const result = await onboard(event, user, beforeStart ? 'prepare' : 'start');
  // A custom step waits for its callback: the callback's copy runs this again, and finds this far done.
  if (result.schedule) return result;
  if (beforeStart && start) {
    await noteDated(START_STEP, start, runner, deps);
    await markHire(hire, { stage: 'created', nextCopyAt: start.startAt }, deps.ledger, now);
    return { schedule: { at: start.startAt, phase: 'start', key: copyKey('start', start.startAt), reason: `sign-in is enabled at the start, ${start.startAt.toISOString()} (${start.local})` } };
  }
  await reachDated(START_STEP, `started ${now.toISOString()}${start ? ` (the start was ${start.local})` : ''}`, runner);
  await markHire(hire, { stage: 'started', nextCopyAt: null }, deps.ledger, now);
  return result;
}

/** Sign-in stays off for an account whose leave date has passed: only a leaver sets one on an account a hire made. */
function hasLeft(user: DirectoryUser, now: Date): boolean {
  const leave = user.employeeLeaveDateTime ? new Date(user.employeeLeaveDateTime).getTime() : NaN;
  return !Number.isNaN(leave) && leave <= now.getTime();
}
