import { toStepFailure } from './failures';
import type { LifecycleEvent } from '../domain/events';
import type { EventRecord, Ledger, StepOutcome, StepRecord } from '../ledger/types';

export interface StepResult {
  outcome: Exclude<StepOutcome, 'failed'>;
  detail?: string;
  /** A dated step's time (shared/ledger/service-durations). */
  dueAt?: Date;
}

/**
 * Runs named steps and records each in the ledger as it finishes, so a redelivered or replayed
 * event can see what was already done and an operator can see where it stopped.
 */
export class StepRunner {
  constructor(
    private readonly event: LifecycleEvent,
    private readonly ledger: Ledger,
    private current: EventRecord,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get record(): EventRecord {
    return this.current;
  }

  /** The outcome this step had in an earlier attempt, if it completed then. */
  completedEarlier(name: string): StepRecord | undefined {
    return this.current.steps.find((s) => s.name === name && (s.outcome === 'done' || s.outcome === 'already-done'));
  }

  async run(name: string, step: () => Promise<StepResult>): Promise<StepResult> {
    const started = this.now();
    try {
      const result = await step();
      await this.recordStep(name, started, result.outcome, result.detail, undefined, result.dueAt);
      return result;
    } catch (error) {
      // The same classification the settlement uses, so the step and the dead letter agree.
      const { code, message } = toStepFailure(name, error);
      await this.recordStep(name, started, 'failed', undefined, { code, message });
      throw error;
    }
  }

  /** Persists other record fields (userId, status) together with the steps. */
  async patch(change: (record: EventRecord) => EventRecord): Promise<EventRecord> {
    this.current = await this.ledger.update(this.event, (stored) => change(mergeSteps(stored, this.current)));
    return this.current;
  }

  private async recordStep(name: string, started: Date, outcome: StepOutcome, detail?: string, error?: StepRecord['error'], dueAt?: Date): Promise<void> {
    const step: StepRecord = {
      name,
      outcome,
      startedAt: started.toISOString(),
      durationMs: this.now().getTime() - started.getTime(),
      ...(detail ? { detail } : {}),
      ...(dueAt ? { dueAt: dueAt.toISOString() } : {}),
      ...(error ? { error } : {}),
    };
    await this.patch((record) => ({
      ...record,
      updatedAt: this.now().toISOString(),
      steps: [...record.steps.filter((s) => s.name !== name), step],
    }));
  }
}

/** Keeps whichever of two copies knows more steps; the stored one wins on conflicts. */
function mergeSteps(stored: EventRecord, local: EventRecord): EventRecord {
  const names = new Set(stored.steps.map((s) => s.name));
  return { ...stored, steps: [...stored.steps, ...local.steps.filter((s) => !names.has(s.name))] };
}

