import type { LifecycleEvent } from '../../domain/events';
import { GraphRequestError } from '../../graph/errors';
import type { DirectoryUser } from '../../graph/users';
import type { LeaverSnapshot } from '../../ledger/leaver-snapshots';
import type { AccountReads } from '../account-reads';
import type { ProcessingDeps } from '../deps';
import type { StepResult } from '../step-runner';
import type { StepRunner } from '../step-runner';

/** What a restorer gets: the account as it is now, the snapshot of it as it was, and the flow's shared reads. */
export interface RestoreContext {
  event: LifecycleEvent;
  user: DirectoryUser;
  snapshot: LeaverSnapshot;
  runner: StepRunner;
  deps: ProcessingDeps;
  reads: AccountReads;
  /**
   * A rehire's: its rules decide the rule-managed groups and licences (and HR the manager), so the
   * snapshot brings back only the rest. An undo's: false, everything as it was.
   */
  besideRules: boolean;
}

/** Puts one part of the snapshot back, checking first; says item by item what it restored and what it could not. */
export type Restorer = (value: unknown, ctx: RestoreContext) => Promise<StepResult>;

/** One restore's outcome from what it put back and what it could not: "restored: …; not restored: …". */
export function restoreResult(ctx: RestoreContext, restored: string[], notRestored: string[], nothingToDo: string): StepResult {
  const not = notRestored.length ? `not restored: ${notRestored.join('; ')}` : '';
  if (restored.length === 0) return notRestored.length ? { outcome: 'skipped', detail: not } : { outcome: 'already-done', detail: nothingToDo };
  const verb = ctx.deps.mode === 'plan' ? 'would restore' : 'restored';
  return { outcome: ctx.deps.mode === 'plan' ? 'planned' : 'done', detail: [`${verb}: ${restored.join(', ')}`, not].filter(Boolean).join('; ') };
}

/**
 * A refusal of one item (a group that is gone, a licence Graph will not give) is reported and the
 * rest goes on; anything worth retrying fails the step, so the event tries again.
 */
export function itemRefusal(error: unknown): string {
  if (error instanceof GraphRequestError && error.failure.kind !== 'transient' && error.failure.kind !== 'replicating') {
    return error.failure.kind === 'not-found' ? 'no longer exists' : `Graph refused: ${error.failure.status} ${error.failure.code}`;
  }
  throw error;
}
