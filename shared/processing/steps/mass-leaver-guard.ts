import type { LifecycleEvent } from '../../domain/events';
import type { ProcessingDeps } from '../deps';
import { StepFailure, type HoldName } from '../outcome';
import type { StepRunner } from '../step-runner';

/**
 * Entra's "accidental deletions prevention", for leavers: when more leavers than the threshold
 * arrive within the window (an HR export that marks everyone terminated), the excess are held
 * before any change and dead-lettered with a reason; an operator releases them by replaying with
 * `release: mass-leaver`. Counted per tenant, once per event, so redelivery does not inflate it.
 * Decisions are taken one at a time across instances (Ledger.admitLeaver), so a burst of leavers
 * arriving at once lets exactly the threshold through.
 */
export async function guardMassLeavers(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps, release: ReadonlySet<HoldName> = new Set()): Promise<void> {
  const guard = deps.policy.massLeaver;
  if (!guard) return;
  await runner.run('mass-leaver-guard', async () => {
    // Passed in an earlier attempt: the leaver has changed the account since (or waits for a custom
    // step's callback), and is finished, not held half-way when others arrive meanwhile.
    if (runner.completedEarlier('mass-leaver-guard')) return { outcome: 'already-done', detail: 'passed the guard in an earlier attempt' };
    const now = deps.now();
    const since = new Date(now.getTime() - guard.windowMinutes * 60_000);
    if (release.has('mass-leaver')) {
      // Released, it counts against the leavers after it as any admitted one does.
      if (deps.mode === 'apply') await deps.ledger.admitLeaver(event.tenantId, event.eventId, since, guard.threshold, now, true);
      return { outcome: 'done', detail: 'released by an operator' };
    }
    // Applied for real, the count and the note are one decision across instances (a dry run only counts).
    const { admitted, others } =
      deps.mode === 'apply'
        ? await deps.ledger.admitLeaver(event.tenantId, event.eventId, since, guard.threshold, now)
        : await deps.ledger.countLeaversSince(event.tenantId, since, event.eventId).then((n) => ({ admitted: n + 1 <= guard.threshold, others: n }));
    if (!admitted) {
      throw new StepFailure(
        'mass-leaver-guard',
        false,
        'MassLeaverHold',
        `held: ${others} other leaver(s) in the last ${guard.windowMinutes} minutes and this one exceed the threshold of ${guard.threshold}; nothing was changed`,
        'Check the HR feed. If these leavers are genuine, release them: npm run replay -- resubmit --all --release mass-leaver (or POST /api/manage/dead-letters/replay {"all":true,"release":"mass-leaver"}).',
      );
    }
    return { outcome: 'done', detail: `${others + 1} leaver(s) in the last ${guard.windowMinutes} minutes (threshold ${guard.threshold})` };
  });
}
