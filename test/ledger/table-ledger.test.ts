import { parseSettings } from '../../shared/config/settings';
import type { LifecycleEvent } from '../../shared/domain/events';
import { TableLedger } from '../../shared/ledger/table-ledger';

let ledger: TableLedger;

const event: LifecycleEvent = {
  eventId: 'evt-ledger-1',
  type: 'joiner',
  tenantId: 'default',
  source: 'hr-json',
  occurredAt: '2026-11-20T09:00:00Z',
  employee: { employeeId: 'L001', givenName: 'Ada', surname: 'Lovelace' },
};

beforeAll(() => {
  const settings = parseSettings({
    LIFECYCLE_RUNTIME: 'local',
    HR_WEBHOOK_SECRET: 'x'.repeat(32),
    AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION_STRING,
    LEDGER_TABLE_NAME: 'ledgerTest',
  });
  ledger = TableLedger.fromSettings(settings);
});

describe('the run ledger in Table Storage (Azurite)', () => {
  it('when an event is accepted, then it reads back as queued with no steps', async () => {
    await ledger.recordAccepted(event, new Date('2026-11-20T09:00:01Z'));
    expect(await ledger.get(event.eventId)).toMatchObject({ eventId: event.eventId, status: 'queued', employeeKey: 'default:L001', steps: [], attempts: 0 });
  });

  it('when the same event is accepted again after progress, then the progress is kept', async () => {
    await ledger.update(event, (r) => ({ ...r, status: 'succeeded', steps: [{ name: 'create-user', outcome: 'done', startedAt: r.acceptedAt, durationMs: 5 }] }));
    await ledger.recordAccepted(event, new Date());
    expect(await ledger.get(event.eventId)).toMatchObject({ status: 'succeeded', steps: [{ name: 'create-user' }] });
  });

  it('when two workers update one record at once, then neither change is lost', async () => {
    const other = { ...event, eventId: 'evt-ledger-2' };
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        ledger.update(other, (r) => ({ ...r, attempts: r.attempts + 1, steps: [...r.steps, { name: `step-${i}`, outcome: 'done' as const, startedAt: r.acceptedAt, durationMs: 1 }] })),
      ),
    );
    const record = await ledger.get(other.eventId);
    expect(record?.attempts).toBe(8);
    expect(record?.steps.map((s) => s.name).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `step-${i}`).sort());
  });

  it('when an event is unknown, then get answers undefined', async () => {
    expect(await ledger.get('evt-never-seen')).toBeUndefined();
  });

  it('when leavers are noted, then each counts once per tenant within the window, and the asking event is not counted', async () => {
    const t0 = new Date('2026-11-20T10:00:00Z');
    await ledger.recordLeaverApplied('tenant-a', 'evt-l1', t0);
    await ledger.recordLeaverApplied('tenant-a', 'evt-l1', new Date('2026-11-20T10:30:00Z')); // redelivery: counted once, first time kept
    await ledger.recordLeaverApplied('tenant-a', 'evt-l2', new Date('2026-11-20T10:10:00Z'));
    await ledger.recordLeaverApplied('tenant-b', 'evt-l3', new Date('2026-11-20T10:10:00Z'));
    expect(await ledger.countLeaversSince('tenant-a', new Date('2026-11-20T09:59:00Z'))).toBe(2);
    expect(await ledger.countLeaversSince('tenant-a', new Date('2026-11-20T10:05:00Z'))).toBe(1);
    expect(await ledger.countLeaversSince('tenant-a', new Date('2026-11-20T09:59:00Z'), 'evt-l2')).toBe(1);
    expect(await ledger.countLeaversSince('tenant-c', t0)).toBe(0);
  });
});
