import { employeeKey, type LifecycleEvent } from '../domain/events';
import { MemoryLeaverSnapshots, type LeaverSnapshots } from './leaver-snapshots';
import { newEventRecord, type EmployeeLane, type EventRecord, type Ledger, type PendingHire } from './types';

/**
 * A ledger that lives for one request. Dry runs record their planned steps here, so planning
 * uses the same step runner as processing without writing anything durable.
 */
export class MemoryLedger implements Ledger {
  private readonly records = new Map<string, EventRecord>();
  private readonly leavers = new Map<string, { tenantId: string; at: number }>();
  private readonly lanes = new Map<string, EmployeeLane>();
  private readonly pendingHires = new Map<string, PendingHire>();
  readonly snapshots: LeaverSnapshots = new MemoryLeaverSnapshots();

  async recordAccepted(event: LifecycleEvent, acceptedAt: Date): Promise<void> {
    if (!this.records.has(event.eventId)) this.records.set(event.eventId, newEventRecord(event, acceptedAt, employeeKey(event)));
  }

  async get(eventId: string): Promise<EventRecord | undefined> {
    const record = this.records.get(eventId);
    return record ? structuredClone(record) : undefined;
  }

  async update(event: LifecycleEvent, change: (record: EventRecord) => EventRecord): Promise<EventRecord> {
    const current = this.records.get(event.eventId) ?? newEventRecord(event, new Date(), employeeKey(event));
    const updated = change(structuredClone(current));
    this.records.set(event.eventId, updated);
    return structuredClone(updated);
  }

  async recordLeaverApplied(tenantId: string, eventId: string, at: Date): Promise<void> {
    if (!this.leavers.has(eventId)) this.leavers.set(eventId, { tenantId, at: at.getTime() });
  }

  async countLeaversSince(tenantId: string, since: Date, exceptEventId?: string): Promise<number> {
    return [...this.leavers].filter(([id, l]) => id !== exceptEventId && l.tenantId === tenantId && l.at >= since.getTime()).length;
  }

  async admitLeaver(tenantId: string, eventId: string, since: Date, threshold: number, at: Date, force = false): Promise<{ admitted: boolean; others: number }> {
    const others = await this.countLeaversSince(tenantId, since, eventId);
    if (this.leavers.has(eventId)) return { admitted: true, others };
    if (!force && others + 1 > threshold) return { admitted: false, others };
    await this.recordLeaverApplied(tenantId, eventId, at);
    return { admitted: true, others };
  }

  async getLane(employeeKey: string): Promise<EmployeeLane> {
    return structuredClone(this.lanes.get(employeeKey) ?? { order: [] });
  }

  async updateLane(employeeKey: string, change: (lane: EmployeeLane) => EmployeeLane): Promise<EmployeeLane> {
    const updated = change(await this.getLane(employeeKey));
    this.lanes.set(employeeKey, updated);
    return structuredClone(updated);
  }

  async getPendingHire(employeeKey: string): Promise<PendingHire | undefined> {
    const hire = this.pendingHires.get(employeeKey);
    return hire ? structuredClone(hire) : undefined;
  }

  async updatePendingHire(employeeKey: string, change: (hire: PendingHire | undefined) => PendingHire | undefined): Promise<PendingHire | undefined> {
    const current = await this.getPendingHire(employeeKey);
    const updated = change(current);
    if (!updated) return current;
    this.pendingHires.set(employeeKey, updated);
    return structuredClone(updated);
  }
}
