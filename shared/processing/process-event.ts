import type { LifecycleEvent } from '../domain/events';
import type { EventRecord } from '../ledger/types';
import type { ProcessingDeps } from './deps';
import { toStepFailure } from './failures';
import type { FlowResult } from './flows/flow-result';
import { runAccessChange } from './flows/access';
import { followWaitingHire, runJoiner } from './flows/joiner';
import { runLeaver } from './flows/leaver';
import { runMover } from './flows/mover';
import { runRehire } from './flows/rehire';
import { isLeaverPhase, isPreHirePhase, type EventPhase, type HoldName, type ProcessOutcome } from './outcome';
import type { HireResult } from './pre-hire/carrier';
import { cancelPendingHire, followAsMover } from './pre-hire/later-events';
import { StepRunner } from './step-runner';
import { checkLane, isTerminal } from './worker-lane';

/**
 * Reconciles one event against the tenant. Safe to run any number of times for one event:
 * a finished event is not redone, and every step checks before it acts.
 */
export interface ProcessOptions {
  /** A later phase of a scheduled event (a leaver's licence removal or deletion). */
  phase?: EventPhase;
  /** An operator resubmitted this event from the dead-letter queue: a dead-lettered event runs again. */
  replay?: boolean;
  /** Holds the operator released with the replay (the mass-leaver guard). */
  release?: ReadonlySet<HoldName>;
}

export async function processEvent(event: LifecycleEvent, deps: ProcessingDeps, options: ProcessOptions = {}): Promise<ProcessOutcome> {
  const { phase } = options;
  // A pre-hire phase is the joiner itself at a later time: a finished joiner (started, cancelled) stops at the door, and it keeps its place among the worker's events.
  const asEvent = !phase || isPreHirePhase(phase);
  const existing = await deps.ledger.get(event.eventId);
  const replayable = options.replay && existing?.status === 'dead-lettered';
  if (asEvent && existing && isTerminal(existing) && !replayable) {
    return { kind: 'skipped', record: existing, reason: `already ${existing.status}` };
  }

  if (asEvent && deps.mode === 'apply') {
    const lane = await checkLane(event, deps);
    if ('waiting' in lane) return lane.waiting;
    return { ...(await runAttempt(event, deps, options, lane.superseded)), inLane: lane.inLane };
  }
  return runAttempt(event, deps, options, []);
}

/** One attempt at the event's flow, recorded step by step, turned into an outcome. */
async function runAttempt(event: LifecycleEvent, deps: ProcessingDeps, options: ProcessOptions, superseded: readonly string[]): Promise<ProcessOutcome> {
  const started = await deps.ledger.update(event, ({ nextAttemptAt: _due, ...r }) => ({
    ...r,
    status: 'processing',
    attempts: r.attempts + 1,
    updatedAt: deps.now().toISOString(),
  }));
  const runner = new StepRunner(event, deps.ledger, started, deps.now);

  try {
    if (superseded.length > 0) {
      await runner.run('supersede-earlier-events', async () => ({ outcome: 'done', detail: `superseded ${superseded.join(', ')}: a leaver does not wait behind them` }));
    }
    const result = await runFlow(event, runner, deps, options);
    const wake = result.wake ? { wake: result.wake } : {};
    if (result.skip) {
      const { code, reason } = result.skip;
      const record = await runner.patch(({ nextAttemptAt: _due, ...r }) => ({ ...r, status: 'skipped', updatedAt: deps.now().toISOString(), error: { code, message: reason } }));
      return { kind: 'skipped', record, reason, ...wake };
    }
    if (result.schedule) {
      const { at, reason } = result.schedule;
      const record = await runner.patch((r) => ({ ...r, status: 'queued', updatedAt: deps.now().toISOString() }));
      return { kind: 'scheduled', record, at, reason, ...(result.schedule.phase ? { phase: result.schedule.phase } : {}), ...(result.schedule.key ? { key: result.schedule.key } : {}), ...wake };
    }
    const record = await runner.patch((r) => finished(r, deps.now()));
    return { kind: 'succeeded', record, ...wake };
  } catch (error) {
    const failure = toStepFailure(runner.record.steps.at(-1)?.name ?? 'plan', error);
    if (failure.retryable) {
      return {
        kind: 'retry',
        record: runner.record,
        step: failure.step,
        reason: failure.message,
        ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
      };
    }
    const remedy = failure.remedy ? ` ${failure.remedy}` : '';
    return {
      kind: 'dead-letter',
      record: runner.record,
      reason: `${failure.step}: ${failure.code}`.slice(0, 200),
      description: `Event ${event.eventId} (${event.type}, employee ${event.employee.employeeId}) stopped at step ${failure.step}: ${failure.message}.${remedy}`,
    };
  }
}

async function runFlow(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps, options: ProcessOptions): Promise<FlowResult & HireResult> {
  switch (event.type) {
    case 'joiner':
      return runJoiner(event, runner, deps);
    case 'mover': {
      // A worker whose future-dated hire waits: the mover's changes go into it, and before its account exists there is nothing else to move.
      const followed = await followAsMover(event, runner, deps);
      if (!followed || followed.accountExists) await runMover(event, runner, deps);
      return followed?.result ?? {};
    }
    case 'leaver': {
      const phase = isLeaverPhase(options.phase) ? options.phase : undefined;
      // A leaver before a future-dated hire's start wins: the hire is cancelled before anything of the leaver runs.
      if (!phase) await cancelPendingHire(event, runner, deps);
      return runLeaver(event, runner, deps, phase, options.release);
    }
    case 'rehire': {
      // A rehire while a future-dated hire of the worker waits is HR sending them again: it goes into the hire, so nothing is enabled before the start.
      const followed = event.restore ? undefined : await followWaitingHire(event, runner, deps);
      if (followed) return followed;
      await runRehire(event, runner, deps);
      return {};
    }
    case 'access':
      await runAccessChange(event, runner, deps);
      return {};
  }
}

function finished(record: EventRecord, now: Date): EventRecord {
  const { error: _cleared, ...rest } = record;
  return { ...rest, status: 'succeeded', updatedAt: now.toISOString() };
}
