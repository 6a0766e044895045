import { lifecycleEventSchema } from '../../shared/domain/events';
import { defaultCsvMapping, parseHrRequest } from '../../shared/intake';
import { parseTicketMessage } from '../../shared/intake/ticket-request';

const options = { now: new Date('2026-11-22T10:00:00Z'), tenantId: 'default', maxRecords: 50, csvMapping: defaultCsvMapping, upnDomains: ['contoso.com'] };
const rehire = { type: 'rehire', occurredAt: '2026-11-22T09:00:00Z', employee: { employeeId: 'U1', givenName: 'Ada', surname: 'Lovelace' } };

describe('an undo of a leaver comes only from the manage route', () => {
  it('when an HR feed sends a rehire that asks to restore a snapshot, then the record is refused at restore and nothing is queued', () => {
    const result = parseHrRequest(JSON.stringify({ ...rehire, restore: { snapshotOf: 'evt-1' } }), 'application/json', options);
    expect(result).toEqual({ ok: false, issues: [expect.objectContaining({ record: 0, field: 'restore' })] });
  });

  it("when an HR feed claims the manage source, then the record is refused at source", () => {
    const result = parseHrRequest(JSON.stringify({ ...rehire, source: 'manage', restore: { snapshotOf: 'evt-1' } }), 'application/json', options);
    expect(result).toMatchObject({ ok: false, issues: [expect.objectContaining({ field: 'source' })] });
  });

  it('when a ticket carries restore, then it is refused', () => {
    const result = parseTicketMessage({ requestId: 'INC1', action: 'onboard', employee: { employeeId: 'U1', givenName: 'Ada', surname: 'L' }, restore: { snapshotOf: 'evt-1' } }, { now: options.now, tenantId: 'default' });
    expect(result.ok).toBe(false);
  });

  it('when the manage route builds an undo, then only a rehire with restore from the manage source is a valid event', () => {
    const base = { eventId: 'undo-evt-1', tenantId: 'default', occurredAt: '2026-11-22T09:00:00Z', employee: { employeeId: 'U1' } };
    expect(lifecycleEventSchema.safeParse({ ...base, type: 'rehire', source: 'manage', restore: { snapshotOf: 'evt-1' } }).success).toBe(true);
    expect(lifecycleEventSchema.safeParse({ ...base, type: 'leaver', source: 'manage', restore: { snapshotOf: 'evt-1' } }).success).toBe(false);
    expect(lifecycleEventSchema.safeParse({ ...base, type: 'rehire', source: 'manage' }).success).toBe(false);
    expect(lifecycleEventSchema.safeParse({ ...base, type: 'rehire', source: 'manage', restore: { snapshotOf: '..' } }).success).toBe(false);
    expect(lifecycleEventSchema.safeParse({ ...base, type: 'rehire', source: 'manage', restore: { snapshotOf: 'evt-1', extra: 1 } }).success).toBe(false);
  });
});
