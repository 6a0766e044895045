import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHttps, type RunningHttps, type SimRequest } from '../../dev/hr-simulators/https-server';
import { PRINCIPAL_HEADER } from '../../shared/console/principal';
import { startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait, stepsOf, tenant } from '../support/tenant';

const OPERATOR_OID = '0f6c1b2a-0000-4000-8000-0000000000aa';

/** The header as App Service writes it after its default claim mapping (base64 JSON). */
function principal(roles: string[], name = 'approver@contoso.com'): string {
  const claims = [{ typ: 'name', val: name }, { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: OPERATOR_OID }, ...roles.map((val) => ({ typ: 'roles', val }))];
  return Buffer.from(JSON.stringify({ auth_typ: 'aad', claims, name_typ: 'name', role_typ: 'roles' }), 'utf8').toString('base64');
}

let host: TestHost;
let sim: ReturnType<typeof tenant>;
let receiver: RunningHttps;
const posted: SimRequest[] = [];
/** Event ids: the leaver that passed, the two HR leavers held, the ticket's leaver held, and an unrelated dead letter. */
const ids = { passed: '', heldB: '', heldC: '', heldTicket: 'ticket-OFF-1', other: '' };

const worker = (employeeId: string) => ({ employeeId, givenName: 'Held', surname: `Leaver${employeeId}`, department: 'Sales', country: 'GB' });

beforeAll(async () => {
  const tls = { cert: readFileSync(process.env.DEV_TLS_CERT_FILE!, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE!, 'utf8') };
  receiver = await startHttps(tls, 0, (request) => {
    posted.push(request);
    return { status: 204 };
  });
  const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'rules-approvals-')), 'rules.json');
  writeFileSync(rulesFile, JSON.stringify({ groupRules: [{ groups: ['SG-All-Staff'] }], massLeaver: { threshold: 1, windowMinutes: 60 } }));
  host = await startTestHost({
    env: { RULES_FILE: rulesFile, WEBSITE_AUTH_ENABLED: 'true', TICKET_WRITE_BACK_URL: `${receiver.url}/psa`, TICKET_WRITE_BACK_SECRET: 'ticket-write-back-secret-0123456789abcdef' },
  });
  sim = tenant(host);
  for (const id of ['AP1', 'AP2', 'AP3', 'AP4']) await postAndWait(host, hrEvent('joiner', worker(id)));
  const passed = await postAndWait(host, hrEvent('leaver', worker('AP1')));
  const heldB = await postAndWait(host, hrEvent('leaver', worker('AP2')));
  const heldC = await postAndWait(host, hrEvent('leaver', worker('AP3')));
  await host.bus.createSender(host.settings.TICKET_QUEUE_NAME).sendMessages({ messageId: 'OFF-1', body: { requestId: 'OFF-1', action: 'offboard', employee: worker('AP4') } });
  const heldTicket = await host.waitForStatus(ids.heldTicket);
  const other = await postAndWait(host, hrEvent('mover', { employeeId: 'AP-NOBODY', department: 'Sales' }));
  expect([passed.status, heldB.status, heldC.status, heldTicket.status, other.status]).toEqual(['succeeded', 'dead-lettered', 'dead-lettered', 'dead-lettered', 'dead-lettered']);
  Object.assign(ids, { passed: String(passed.eventId), heldB: String(heldB.eventId), heldC: String(heldC.eventId), other: String(other.eventId) });
  await host.bus.waitForIdle();
}, 120_000);
afterAll(async () => {
  await host?.stop();
  await receiver?.close();
});

const asRoles = (roles: string[] | null): Record<string, string> => (roles ? { [PRINCIPAL_HEADER]: principal(roles) } : {});

async function held(roles: string[] = ['Reader']): Promise<{ eventId: string; employeeId: string; tenantId: string; reason: string; heldAt: string; messageId: string }[]> {
  const response = await fetch(`${host.url}/api/console/approvals`, { headers: asRoles(roles) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { held: Awaited<ReturnType<typeof held>> }).held;
}

function decide(eventId: string, body: unknown, roles: string[] | null = ['Operator']): Promise<Response> {
  return fetch(`${host.url}/api/console/approvals/${encodeURIComponent(eventId)}`, { method: 'POST', headers: { 'content-type': 'application/json', ...asRoles(roles) }, body: JSON.stringify(body) });
}

const status = async (eventId: string) => (await (await fetch(`${host.url}/api/events/${eventId}`)).json()) as Record<string, unknown>;
const deadLetterOf = (eventId: string) => host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).filter((m) => (m.body as { eventId?: string }).eventId === eventId && m.applicationProperties?.kind === undefined);
const enabled = (employeeId: string) => sim.userByEmployeeId(employeeId)[0]?.accountEnabled;

describe('approvals: the mass-leaver hold', () => {
  it('when a Reader lists approvals, then exactly the held leavers are there, each with why, and no other dead letter', async () => {
    const list = await held(['Reader']);
    expect(list.map((h) => h.eventId).sort()).toEqual([ids.heldB, ids.heldC, ids.heldTicket].sort());
    const b = list.find((h) => h.eventId === ids.heldB)!;
    expect(b).toMatchObject({ employeeId: 'AP2', tenantId: 'default', messageId: ids.heldB });
    expect(b.reason).toContain('threshold of 1');
    expect(Number.isNaN(Date.parse(b.heldAt))).toBe(false);
  });

  it('when nobody is signed in, then the list is 401; when a Reader decides, then 403 and the leaver stays held', async () => {
    expect((await fetch(`${host.url}/api/console/approvals`)).status).toBe(401);
    const response = await decide(ids.heldB, { decision: 'approve', comment: 'genuine' }, ['Reader']);
    expect(response.status).toBe(403);
    expect((await decide(ids.heldB, { decision: 'reject', comment: 'no' }, null)).status).toBe(401);
    expect((await held()).map((h) => h.eventId)).toContain(ids.heldB);
    expect(deadLetterOf(ids.heldB)).toHaveLength(1);
    expect(await status(ids.heldB)).not.toHaveProperty('approvals');
  });

  it('when the decision is not approve or reject, or has no comment, then 400 naming the field', async () => {
    const bad = await decide(ids.heldB, { decision: 'maybe', comment: '' });
    expect(bad.status).toBe(400);
    const { issues } = (await bad.json()) as { issues: { field: string }[] };
    expect(issues.map((i) => i.field).sort()).toEqual(['comment', 'decision']);
    expect((await decide(ids.heldB, { decision: 'approve', comment: 'x'.repeat(501) })).status).toBe(400);
    expect((await decide(ids.heldB, { decision: 'approve', comment: 'ok', also: 1 })).status).toBe(400);
  });

  it('when an Operator approves one held leaver, then exactly that leaver is released and offboarded, with the decision and who made it in the ledger', async () => {
    const response = await decide(ids.heldB, { decision: 'approve', comment: 'Genuine: the Sales reorganisation (HR-4711).' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ eventId: ids.heldB, decision: { decision: 'approve', by: { name: 'approver@contoso.com', oid: OPERATOR_OID } } });
    const released = await host.waitForStatus(ids.heldB, ['succeeded']);
    expect(stepsOf(released)['mass-leaver-guard']?.detail).toBe('released by an operator');
    expect(released.approvals).toEqual([{ kind: 'mass-leaver', decision: 'approve', by: { name: 'approver@contoso.com', oid: OPERATOR_OID }, at: expect.any(String), comment: 'Genuine: the Sales reorganisation (HR-4711).' }]);
    expect(enabled('AP2')).toBe(false);

    await host.bus.waitForIdle();
    // The others are as they were: still held, still dead-lettered, their accounts untouched.
    expect(enabled('AP3')).toBe(true);
    expect(enabled('AP4')).toBe(true);
    expect((await held()).map((h) => h.eventId).sort()).toEqual([ids.heldC, ids.heldTicket].sort());
    expect(deadLetterOf(ids.heldC)).toHaveLength(1);
    expect(deadLetterOf(ids.heldTicket)).toHaveLength(1);
    expect(deadLetterOf(ids.other)).toHaveLength(1);
    expect((await status(ids.other)).status).toBe('dead-lettered');
  });

  it('when a second decision comes for the same event, then 409 and the first stands', async () => {
    const again = await decide(ids.heldB, { decision: 'reject', comment: 'changed my mind' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toContain('already approved by approver@contoso.com');
    const record = await status(ids.heldB);
    expect(record.status).toBe('succeeded');
    expect((record.approvals as unknown[]).length).toBe(1);
  });

  it('when an Operator rejects a held ticket leaver, then it ends rejected without changing the account, leaves the queue, and the ticket hears who rejected it and why', async () => {
    const response = await decide(ids.heldTicket, { decision: 'reject', comment: 'Not leaving: ticket raised in error.' });
    expect(response.status).toBe(200);
    const ended = await host.waitForStatus(ids.heldTicket, ['skipped']);
    expect(ended.error).toMatchObject({ code: 'MassLeaverRejected' });
    expect(ended.approvals).toMatchObject([{ decision: 'reject', by: { name: 'approver@contoso.com', oid: OPERATOR_OID }, comment: 'Not leaving: ticket raised in error.' }]);
    await host.bus.waitForIdle();
    expect(enabled('AP4')).toBe(true);
    expect(stepsOf(await status(ids.heldTicket))['disable-sign-in']).toBeUndefined();
    expect(deadLetterOf(ids.heldTicket)).toHaveLength(0);
    expect((await held()).map((h) => h.eventId)).toEqual([ids.heldC]);

    const results = posted.map((p) => JSON.parse(p.body.toString('utf8')) as { requestId: string; status: string; approvals?: unknown[] }).filter((r) => r.requestId === 'OFF-1');
    // Held first (dead-lettered), then rejected: two ends, two results.
    expect(results.map((r) => r.status)).toEqual(['dead-lettered', 'skipped']);
    expect(results[1]!.approvals).toEqual([{ decision: 'reject', by: 'approver@contoso.com', at: expect.any(String), comment: 'Not leaving: ticket raised in error.' }]);
  });

  it('when the event is unknown, then 404; when it is not held, then 409 and nothing changes', async () => {
    expect((await decide('evt-nope', { decision: 'approve', comment: 'x' })).status).toBe(404);
    const notHeld = await decide(ids.passed, { decision: 'approve', comment: 'x' });
    expect(notHeld.status).toBe(409);
    expect(await status(ids.passed)).not.toHaveProperty('approvals');
    const otherLetter = await decide(ids.other, { decision: 'approve', comment: 'x' });
    expect(otherLetter.status).toBe(409);
    expect(deadLetterOf(ids.other)).toHaveLength(1);
  });
});

function release(body: unknown, roles: string[] | null = ['Operator']): Promise<Response> {
  return fetch(`${host.url}/api/console/dead-letters/release`, { method: 'POST', headers: { 'content-type': 'application/json', ...asRoles(roles) }, body: JSON.stringify(body) });
}

describe('release from the stuck view: the same hold, approved in bulk', () => {
  it('when an Operator releases without a comment, then 400 naming the comment, and the leaver stays held and undecided', async () => {
    const response = await release({ messageIds: [ids.heldC] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { field: string }[] }).issues.map((i) => i.field)).toEqual(['comment']);
    expect((await release({ messageIds: [ids.heldC], comment: '   ' })).status).toBe(400);
    expect(deadLetterOf(ids.heldC)).toHaveLength(1);
    expect(await status(ids.heldC)).not.toHaveProperty('approvals');
  });

  it('when an Operator releases a selection of a held leaver and an unrelated dead letter, then only the leaver is released, and its ledger record says who released it and why', async () => {
    const otherMessage = deadLetterOf(ids.other)[0]!.messageId as string;
    const response = await release({ messageIds: [ids.heldC, otherMessage], comment: 'Genuine: HR confirmed the Sales leavers (HR-4712).' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      released: 1,
      messageIds: [ids.heldC],
      approvals: [{ eventId: ids.heldC, by: { name: 'approver@contoso.com', oid: OPERATOR_OID } }],
      notReleased: [{ messageId: otherMessage, why: expect.stringContaining('not a mass-leaver hold') }],
    });
    const released = await host.waitForStatus(ids.heldC, ['succeeded']);
    expect(released.approvals).toEqual([{ kind: 'mass-leaver', decision: 'approve', by: { name: 'approver@contoso.com', oid: OPERATOR_OID }, at: expect.any(String), comment: 'Genuine: HR confirmed the Sales leavers (HR-4712).' }]);
    expect(enabled('AP3')).toBe(false);

    await host.bus.waitForIdle();
    expect(deadLetterOf(ids.other)).toHaveLength(1);
    expect(await status(ids.other)).not.toHaveProperty('approvals');
    expect(await held()).toEqual([]);
    // Released is approved: the approvals route will not decide it again.
    const again = await decide(ids.heldC, { decision: 'reject', comment: 'too late' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toContain('already approved by approver@contoso.com');
  });
});
