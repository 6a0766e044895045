import { createHmac } from 'node:crypto';
import { parseBambooHr, verifyBambooHr } from '../../shared/connectors/bamboohr';
import { hiBobFieldOf, parseHiBob, verifyHiBob } from '../../shared/connectors/hibob';

/**
 * Reading and checking notices exactly as the HR systems' documentation shows them: the payloads
 * below are the documentation's own examples (docs/connectors.md has the pages).
 */

const KEY = 'a-private-key-the-hr-system-generated';
const header = (headers: Record<string, string>) => (name: string) => headers[name.toLowerCase()] ?? null;

describe('BambooHR notices', () => {
  // documentation.bamboohr.com/docs/event-based-webhooks, "JSON Format".
  const eventBased = '{\n  "type": "employee.updated",\n  "timestamp": "2026-01-31T18:42:00+0000",\n  "data": {\n    "companyId": "12345",\n    "employeeId": "67890",\n    "changedFields": [\n      "firstName"\n    ]\n  }\n}';
  // documentation.bamboohr.com/docs/field-based-webhooks, "JSON Format".
  const fieldBased = '{"employees":[{"action":"Updated","changedFields":["First Name"],"fields":{"First Name":"Bryony"},"id":"12345","timestamp":"2026-01-31T18:42:00+0000"}]}';
  const now = new Date('2026-01-31T18:42:30Z');
  const signed = (body: string, timestamp: string, key = KEY) => ({
    raw: Buffer.from(body),
    now,
    header: header({ 'x-bamboohr-timestamp': timestamp, 'x-bamboohr-signature': createHmac('sha256', key).update(body + timestamp).digest('hex') }),
  });

  it('when a notice is signed as BambooHR signs it (HMAC-SHA256 of the body followed by the timestamp), then it is verified', () => {
    expect(verifyBambooHr(signed(eventBased, String(now.getTime() / 1000 - 20)), KEY)).toEqual({ valid: true });
  });

  it('when the signature was made with another key, over another body, or the headers are missing, then it is refused, saying which', () => {
    const ts = String(now.getTime() / 1000);
    expect(verifyBambooHr(signed(eventBased, ts, 'another-private-key-entirely-000'), KEY)).toMatchObject({ valid: false, reason: expect.stringContaining('does not match') });
    expect(verifyBambooHr({ ...signed(eventBased, ts), raw: Buffer.from(eventBased.replace('67890', '67891')) }, KEY)).toMatchObject({ valid: false });
    expect(verifyBambooHr({ raw: Buffer.from(eventBased), now, header: header({}) }, KEY)).toMatchObject({ valid: false, reason: expect.stringContaining('missing') });
  });

  it('when a correctly signed notice was signed more than five minutes ago (a replay), then it is refused', () => {
    const reason = verifyBambooHr(signed(eventBased, String(now.getTime() / 1000 - 301)), KEY);
    expect(reason).toMatchObject({ valid: false, reason: expect.stringContaining('300 s from now') });
  });

  it('when the event-based example is read, then it is one update of employee 67890 at its timestamp', () => {
    const notice = parseBambooHr(eventBased);
    expect(notice).toMatchObject({ kind: 'changes', ignored: 0, changes: [{ sourceId: '67890', kind: 'updated', occurredAt: '2026-01-31T18:42:00.000Z' }] });
  });

  it('when the field-based example is read, then it is one update of employee 12345', () => {
    expect(parseBambooHr(fieldBased)).toMatchObject({ kind: 'changes', changes: [{ sourceId: '12345', kind: 'updated' }] });
  });

  it('when two notices differ only in the fields they say changed, then they are two changes; the same notice twice is one', () => {
    const key = (body: string) => (parseBambooHr(body) as { changes: { key: string }[] }).changes[0]!.key;
    expect(key(eventBased)).toBe(key(eventBased));
    expect(key(eventBased)).not.toBe(key(eventBased.replace('"firstName"', '"department"')));
  });

  it('when a notice is form-encoded or names no employee, then it is refused naming the field', () => {
    expect(parseBambooHr('type=employee.updated&data[employeeId]=67890')).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('not JSON') });
    expect(parseBambooHr('{"type":"employee.created","timestamp":"2026-01-31T18:42:00+0000","data":{"companyId":"1"}}')).toMatchObject({ kind: 'invalid', problem: expect.stringMatching(/^data\.employeeId:/) });
  });

  it('when a notice is about the company, not an employee, then it is acknowledged and ignored', () => {
    expect(parseBambooHr('{"type":"company.updated","timestamp":"2025-02-18T15:30:00Z","data":{"companyId":"12345"}}')).toEqual({ kind: 'changes', changes: [], ignored: 1 });
  });
});

describe('HiBob notices', () => {
  // apidocs.hibob.com/reference/api-calls-for-webhook-events, "employee.created".
  const created = '{"companyId": 637323, "type": "employee.created", "triggeredBy": "3332883804594373380", "triggeredAt": "2024-12-26T11:29:14.399997", "data": {"employeeId": "3332883894235038486"}}';
  const signed = (body: string, key = KEY) => ({ raw: Buffer.from(body), now: new Date(), header: header({ 'bob-signature': createHmac('sha512', key).update(body).digest('base64') }) });

  it('when a notice carries Bob-Signature, the base64 HMAC-SHA512 of the body under the webhook secret, then it is verified; under another secret it is not', () => {
    expect(verifyHiBob(signed(created), KEY)).toEqual({ valid: true });
    expect(verifyHiBob(signed(created, 'another-webhook-secret-entirely-00'), KEY)).toMatchObject({ valid: false });
    expect(verifyHiBob({ raw: Buffer.from(created), now: new Date(), header: header({}) }, KEY)).toMatchObject({ valid: false, reason: expect.stringContaining('missing') });
  });

  it("when the documentation's employee.created example is read, then it is the creation of that employee, its time read as UTC", () => {
    expect(parseHiBob(created)).toMatchObject({ kind: 'changes', changes: [{ sourceId: '3332883894235038486', kind: 'created', occurredAt: '2024-12-26T11:29:14.399Z' }] });
  });

  it('when Bob tests a new webhook with "Ping test", as text or as JSON, then it is a ping', () => {
    expect(parseHiBob('Ping test')).toEqual({ kind: 'ping' });
    expect(parseHiBob('{"text":"Ping test"}')).toEqual({ kind: 'ping' });
  });

  it('when a termination or a deletion is notified, then they are a left and a deleted change; a table event is ignored', () => {
    expect(parseHiBob(created.replace('employee.created', 'employee.left'))).toMatchObject({ changes: [{ kind: 'left' }] });
    expect(parseHiBob(created.replace('employee.created', 'employee.deleted'))).toMatchObject({ changes: [{ kind: 'deleted' }] });
    expect(parseHiBob(created.replace('employee.created', 'table.entry.created'))).toEqual({ kind: 'changes', changes: [], ignored: 1 });
  });

  it('when the mapping reads a path, then the field asked of Bob is its field id', () => {
    expect(['firstName', 'work.department', 'humanReadable.work.site', 'work.reportsTo.employeeIdInCompany', 'webhook.change'].map(hiBobFieldOf)).toEqual(['root.firstName', 'work.department', 'work.site', 'work.reportsTo', undefined]);
  });
});
