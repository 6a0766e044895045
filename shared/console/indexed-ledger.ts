import type { LifecycleEvent } from '../domain/events';
import type { EmployeeLane, EventRecord, Ledger, PendingHire } from '../ledger/types';
import { serviceDurations } from '../ledger/service-durations';
import { summaryOf, type EventIndex } from './event-index';

/** What the console's lists show of a record: when none of it changed, the index is not written. */
function listed(record: EventRecord): string {
  const { updatedAt: _changes, ...summary } = summaryOf(record);
  return JSON.stringify([summary, serviceDurations(record)]);
}

/**
 * The ledger, keeping the console's event index (event-index.ts) in step: after an event is
 * accepted, and after a change to what the console lists of it (status, attempts, error, next
 * attempt, a service-level step). A step's progress alone does not write the index: the timeline
 * reads steps from the record itself. Everything else passes through unchanged.
 */
export class IndexedLedger implements Ledger {
  constructor(
    private readonly inner: Ledger,
    private readonly index: EventIndex,
  ) {}

  get snapshots(): Ledger['snapshots'] {
    return this.inner.snapshots;
  }

  async recordAccepted(event: LifecycleEvent, acceptedAt: Date): Promise<void> {
    await this.inner.recordAccepted(event, acceptedAt);
    // Read back: a re-posted event keeps its first record, and its index row is that record's.
    const record = await this.inner.get(event.eventId);
    if (record) await this.index.put(record, event.source);
  }

  get(eventId: string): Promise<EventRecord | undefined> {
    return this.inner.get(eventId);
  }

  async update(event: LifecycleEvent, change: (record: EventRecord) => EventRecord): Promise<EventRecord> {
    let before: string | undefined;
    const updated = await this.inner.update(event, (record) => {
      before = listed(record);
      return change(record);
    });
    if (before !== listed(updated)) await this.index.put(updated, event.source);
    return updated;
  }

  recordLeaverApplied(tenantId: string, eventId: string, at: Date): Promise<void> {
    return this.inner.recordLeaverApplied(tenantId, eventId, at);
  }

  countLeaversSince(tenantId: string, since: Date, exceptEventId?: string): Promise<number> {
    return this.inner.countLeaversSince(tenantId, since, exceptEventId);
  }

  admitLeaver(tenantId: string, eventId: string, since: Date, threshold: number, at: Date, force?: boolean): Promise<{ admitted: boolean; others: number }> {
    return this.inner.admitLeaver(tenantId, eventId, since, threshold, at, force);
  }

  getLane(employeeKey: string): Promise<EmployeeLane> {
    return this.inner.getLane(employeeKey);
  }

  updateLane(employeeKey: string, change: (lane: EmployeeLane) => EmployeeLane): Promise<EmployeeLane> {
    return this.inner.updateLane(employeeKey, change);
  }

  getPendingHire(employeeKey: string): Promise<PendingHire | undefined> {
    return this.inner.getPendingHire(employeeKey);
  }

  updatePendingHire(employeeKey: string, change: (hire: PendingHire | undefined) => PendingHire | undefined): Promise<PendingHire | undefined> {
    return this.inner.updatePendingHire(employeeKey, change);
  }
}
