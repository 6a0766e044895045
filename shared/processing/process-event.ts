import type { LifecycleEvent } from '../domain/events';
import type { EventRecord } from '../ledger/types';
import type { ProcessingDeps } from './deps';
import { toStepFailure } from './failures';
import type { FlowResult } from './flows/flow-result';
import { runAccessChange } from './flows/access';
import { runJoiner } from './flows/joiner';
import { runLeaver } from './flows/leaver';
import { runMover } from './flows/mover';
import { runRehire } from './flows/rehire';
import type { EventPhase, HoldName, ProcessOutcome } from './outcome';
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
  const existing = await deps.ledger.get(event.eventId);
  const replayable = options.replay && existing?.status === 'dead-lettered';
  if (!phase && existing && isTerminal(existing) && !replayable) {
    return { kind: 'skipped', record: existing, reason: `already ${existing.status}` };
  }

  if (!phase && deps.mode === 'apply') {
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
    if (result.schedule) {
      const { at, reason } = result.schedule;
      const record = await runner.patch((r) => ({ ...r, status: 'queued', updatedAt: deps.now().toISOString() }));
      return { kind: 'scheduled', record, at, reason, ...(result.schedule.phase ? { phase: result.schedule.phase } : {}), ...(result.schedule.key ? { key: result.schedule.key } : {}) };
    }
    const record = await runner.patch((r) => finished(r, deps.now()));
    return { kind: 'succeeded', record };
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

async function runFlow(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps, options: ProcessOptions): Promise<FlowResult> {
  switch (event.type) {
    case 'joiner':
      return runJoiner(event, runner, deps);
    case 'mover':
      await runMover(event, runner, deps);
      return {};
    case 'leaver':
      return runLeaver(event, runner, deps, options.phase, options.release);
    case 'rehire':
      await runRehire(event, runner, deps);
      return {};
    case 'access':
      await runAccessChange(event, runner, deps);
      return {};
  }
}

function finished(record: EventRecord, now: Date): EventRecord {
  const { error: _cleared, ...rest } = record;
  return { ...rest, status: 'succeeded', updatedAt: now.toISOString() };
}
