import fc from 'fast-check';
import { lifecycleEventSchema } from '../../shared/domain/events';
import { defaultCsvMapping, parseHrRequest, type IntakeResult } from '../../shared/intake';
import { parseTicketMessage } from '../../shared/intake/ticket-request';
import { anyJson, csvBody, hrRecord, MARKER, runs, scimBulk, ticket } from './arbitraries';

const options = { now: new Date('2026-11-22T10:00:00Z'), tenantId: 'default', maxRecords: 50, csvMapping: defaultCsvMapping, upnDomains: ['contoso.com'] };
const HR_TYPES = new Set(['joiner', 'mover', 'leaver', 'rehire']);

/** What every intake answer must be, whatever came in. */
function wellFormed(result: IntakeResult, from: 'hr' | 'ticket'): void {
  if (!result.ok) {
    expect(result.issues.length).toBeGreaterThan(0);
    for (const issue of result.issues) {
      expect(typeof issue.field).toBe('string');
      expect(typeof issue.message).toBe('string');
      // Issues name fields, never values.
      expect(issue.message).not.toContain(MARKER);
    }
    return;
  }
  expect(result.events.length).toBeGreaterThan(0);
  expect(new Set(result.events.map((e) => e.eventId)).size).toBe(result.events.length);
  for (const event of result.events) {
    expect(lifecycleEventSchema.safeParse(event).success).toBe(true);
    if (from === 'hr') expect(HR_TYPES.has(event.type)).toBe(true);
    // An undo of a leaver comes only from the manage route.
    expect(event.restore).toBeUndefined();
    expect(event.source).not.toBe('manage');
    expect(event.tenantId).toBe('default');
  }
}

describe('intake under fuzzing: every input gets an answer, never an exception', () => {
  it('when canonical HR JSON records are damaged in any way, then the answer is events or issues that echo no value', () => {
    fc.assert(
      fc.property(fc.array(hrRecord('FZ'), { minLength: 0, maxLength: 6 }), fc.boolean(), (records, single) => {
        const body = JSON.stringify(single && records.length === 1 ? records[0] : records);
        wellFormed(parseHrRequest(body, 'application/json', options), 'hr');
      }),
      runs(300),
    );
  });

  it('when a SCIM BulkRequest is damaged in any way, then the answer is events or issues', () => {
    fc.assert(
      fc.property(scimBulk('FZ'), (bulk) => wellFormed(parseHrRequest(JSON.stringify(bulk), 'application/scim+json', options), 'hr')),
      runs(200),
    );
  });

  it('when a CSV has any header and cells, then the answer is events or issues', () => {
    fc.assert(
      fc.property(csvBody('FZ'), (csv) => wellFormed(parseHrRequest(csv, 'text/csv', options), 'hr')),
      runs(200),
    );
  });

  it('when a body is any JSON value or any text, under any content type, then the answer is events or issues', () => {
    const contentType = fc.constantFrom('application/json', 'application/scim+json', 'text/csv', 'text/plain', '', 'application/json; charset=utf-8');
    fc.assert(
      fc.property(fc.oneof(anyJson.map((v) => JSON.stringify(v) ?? 'null'), fc.string(), fc.string({ unit: 'binary' })), contentType, (body, type) => {
        wellFormed(parseHrRequest(body, type || undefined, options), 'hr');
      }),
      runs(300),
    );
  });

  it('when a ticket is damaged in any way, or arrives as text or bytes, then the answer is one event or issues', () => {
    const encoded = ticket('FZ').chain((t) => fc.constantFrom<unknown>(t, JSON.stringify(t), Buffer.from(JSON.stringify(t))));
    fc.assert(
      fc.property(fc.oneof(encoded, anyJson), (body) => {
        const result = parseTicketMessage(body, { now: options.now, tenantId: 'default' });
        if (result.ok) {
          expect(result.events).toHaveLength(1);
          expect(lifecycleEventSchema.safeParse(result.events[0]).success).toBe(true);
        } else {
          for (const issue of result.issues) expect(issue.message).not.toContain(MARKER);
        }
      }),
      runs(300),
    );
  });
});
