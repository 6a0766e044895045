import { employeeKey, type LifecycleEvent } from '../domain/events';
import { MemoryLedger } from '../ledger/memory-ledger';
import type { Ledger, StepRecord } from '../ledger/types';
import { readOnly } from '../graph/read-only';
import type { ProcessingDeps } from './deps';
import { processEvent } from './process-event';

export interface EventPlan {
  eventId: string;
  type: LifecycleEvent['type'];
  employeeId: string;
  /** `ready`: it would run; `blocked`: it would stop (protected account, bad rules…); `later`: scheduled. */
  verdict: 'ready' | 'blocked' | 'later';
  steps: StepRecord[];
  problem?: string;
}

/**
 * Dry run: each event is planned against the current tenant — every read happens, no write
 * does, nothing is queued and nothing reaches the durable ledger (`durable` is only read).
 */
export async function planEvents(events: readonly LifecycleEvent[], deps: Omit<ProcessingDeps, 'ledger' | 'mode'>, durable?: Pick<Ledger, 'getPendingHire'>): Promise<EventPlan[]> {
  const plans: EventPlan[] = [];
  for (const event of events) {
    const ledger = new MemoryLedger();
    // The worker's future-dated hire, read from the durable ledger: a dry run of a mover, a joiner sent
    // again or a leaver then shows what it would do to that hire (its new dates, a cancellation).
    const hire = await durable?.getPendingHire(employeeKey(event));
    if (hire && hire.eventId !== event.eventId) await ledger.updatePendingHire(employeeKey(event), () => hire);
    const outcome = await readOnly('a dry run', () => processEvent(event, { ...deps, ledger, mode: 'plan' }));
    const steps = outcome.record?.steps ?? [];
    const base = { eventId: event.eventId, type: event.type, employeeId: event.employee.employeeId, steps };
    switch (outcome.kind) {
      case 'succeeded':
      case 'skipped':
        plans.push({ ...base, verdict: 'ready' });
        break;
      case 'scheduled':
        plans.push({ ...base, verdict: 'later', problem: outcome.reason });
        break;
      case 'retry':
        plans.push({ ...base, verdict: 'blocked', problem: outcome.reason });
        break;
      case 'dead-letter':
        plans.push({ ...base, verdict: 'blocked', problem: outcome.description });
        break;
    }
  }
  return plans;
}
