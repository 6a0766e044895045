import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { TableEventIndex } from '../../shared/console/event-index';
import type { EventRecord } from '../../shared/ledger/types';

function record(eventId: string, over: Partial<EventRecord> = {}): EventRecord {
  return {
    eventId,
    tenantId: 'default',
    type: 'joiner',
    employeeKey: `default:${eventId}-worker`,
    status: 'queued',
    occurredAt: '2026-11-30T08:00:00.000Z',
    acceptedAt: '2026-11-30T08:00:00.000Z',
    updatedAt: '2026-11-30T08:00:00.000Z',
    attempts: 0,
    steps: [],
    ...over,
  };
}


describe('console event index (Table Storage, Azurite)', () => {
  const table = TableClient.fromConnectionString(process.env.TEST_STORAGE_CONNECTION_STRING as string, `idx${randomBytes(6).toString('hex')}`, { allowInsecureConnection: true });
  const index = new TableEventIndex(table);
  const range = { fromDay: '2026-11-29', toDay: '2026-12-01' };

  afterAll(() => table.deleteTable().catch(() => undefined));

  it('when an older write lands after a newer one, then the newer state stays', async () => {
    await index.put(record('e-late', { status: 'succeeded', updatedAt: '2026-11-30T08:05:00.000Z' }), 'hr-json');
    await index.put(record('e-late', { status: 'processing', updatedAt: '2026-11-30T08:01:00.000Z' }), 'hr-json');
    const { events } = await index.query({ ...range, employeeId: 'e-late-worker' }, 10);
    expect(events.map((e) => [e.eventId, e.status])).toEqual([['e-late', 'succeeded']]);
  });

  it('when events span days, then they come newest first and a cursor continues without repeats', async () => {
    await index.put(record('e-day1', { tenantId: 'pager', employeeKey: 'pager:p', acceptedAt: '2026-11-29T10:00:00.000Z', updatedAt: '2026-11-29T10:00:00.000Z' }), 'hr-json');
    await index.put(record('e-day2a', { tenantId: 'pager', employeeKey: 'pager:p', acceptedAt: '2026-12-01T09:00:00.000Z', updatedAt: '2026-12-01T09:00:00.000Z' }), 'hr-json');
    await index.put(record('e-day2b', { tenantId: 'pager', employeeKey: 'pager:p', acceptedAt: '2026-12-01T11:00:00.000Z', updatedAt: '2026-12-01T11:00:00.000Z' }), 'hr-json');
    const first = await index.query({ ...range, tenantId: 'pager' }, 2);
    expect(first.events.map((e) => e.eventId)).toEqual(['e-day2b', 'e-day2a']);
    const second = await index.query({ ...range, tenantId: 'pager' }, 2, first.next);
    expect(second.events.map((e) => e.eventId)).toEqual(['e-day1']);
    expect(second.next).toBeUndefined();
    expect((await index.eventsOfWorker('pager:p', 10)).sort()).toEqual(['e-day1', 'e-day2a', 'e-day2b']);
  });

  it('when a filter value carries OData syntax, then it is matched as text, not run as a filter', async () => {
    await index.put(record('e-hostile', { employeeKey: "default:x' or 'a' eq 'a" }), 'hr-json');
    const { events } = await index.query({ ...range, employeeId: "' or 'a' eq 'a" }, 50);
    expect(events).toEqual([]);
    const exact = await index.query({ ...range, employeeId: "x' or 'a' eq 'a" }, 50);
    expect(exact.events.map((e) => e.eventId)).toEqual(['e-hostile']);
  });
});
