import type { ProcessingDeps } from '../deps';
import type { EventPhase } from '../outcome';
import type { StepResult, StepRunner } from '../step-runner';
import type { HireStart } from './start-time';

/** The carrier's two dated steps: recorded `pending` (planned in a dry run) with their times, done when they come. */
export const WAIT_STEP = 'wait-until-pre-hire';
export const START_STEP = 'enable-at-start';

/** What each dated step will do, and when: the status and the dry run show these. */
export function datedSteps(start: HireStart, deps: Pick<ProcessingDeps, 'settings' | 'mode'>): Record<string, string> {
  const would = deps.mode === 'plan' ? 'would be' : 'is';
  return {
    [WAIT_STEP]: `the account ${would} made, sign-in off, with its groups, licences and manager at ${start.preHireAt.toISOString()} (PRE_HIRE_DAYS ${deps.settings.PRE_HIRE_DAYS} before the start)`,
    [START_STEP]: `sign-in ${would} enabled and the Temporary Access Pass issued at ${start.startAt.toISOString()} (${start.local})`,
  };
}

/** Records a dated step as waiting for its time (planned in a dry run). */
export async function noteDated(name: string, start: HireStart, runner: StepRunner, deps: Pick<ProcessingDeps, 'settings' | 'mode'>): Promise<void> {
  const detail = datedSteps(start, deps)[name] as string;
  const dueAt = name === START_STEP ? start.startAt : start.preHireAt;
  await runner.run(name, async (): Promise<StepResult> => ({ outcome: deps.mode === 'plan' ? 'planned' : 'pending', detail, dueAt }));
}

/** A dated step whose time came; only one recorded as waiting is marked, so a hire that never waited shows no such step. */
export async function reachDated(name: string, detail: string, runner: StepRunner): Promise<void> {
  const waiting = runner.record.steps.find((s) => s.name === name && s.outcome === 'pending');
  if (!waiting) return;
  // Keeps the time it was due: the hire's service level counts from its start, not its acceptance.
  await runner.run(name, async () => ({ outcome: 'done', detail, ...(waiting.dueAt ? { dueAt: new Date(waiting.dueAt) } : {}) }));
}

/**
 * The key of the copy a carrier schedules for a time: one id per phase and minute, so a redelivered
 * copy that schedules again sends what duplicate detection drops, while a copy for another time (the
 * start moved) is another message. (A later event's wake-up copy is keyed by its revision instead.)
 */
export function copyKey(phase: EventPhase, at: Date): string {
  return `${phase}.${Math.floor(at.getTime() / 60_000).toString(36)}`;
}
