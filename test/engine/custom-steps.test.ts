import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toEventMessage } from '../../shared/messaging/event-messages';
import { services } from '../../shared/runtime/services';
import { callBack, freePort, heldBy as held, leaverAccount, startReceiver, type Receiver } from '../support/custom-steps';
import { TEST_HR_SECRET, startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait, stepsOf, tenant } from '../support/tenant';

const SECRETS = {
  CUSTOM_TICKET_SECRET: 'ticket-step-secret-0123456789abcdef-0001',
  CUSTOM_MAILBOX_SECRET: 'mailbox-step-secret-0123456789abcdef-002',
  CUSTOM_PHONE_SECRET: 'phone-step-secret-0123456789abcdef-00003',
};
/** The receiver's own credential in its URL (as a Logic App trigger's `sig`): kept in an app setting, never shown. */
const MAILBOX_PATH = '/mailbox?sig=receivers-own-url-credential';

let host: TestHost;
let sim: ReturnType<typeof tenant>;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver({ '/ticket': SECRETS.CUSTOM_TICKET_SECRET, [MAILBOX_PATH]: SECRETS.CUSTOM_MAILBOX_SECRET, '/phone': SECRETS.CUSTOM_PHONE_SECRET, '/welcome': SECRETS.CUSTOM_TICKET_SECRET });
  const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'rules-')), 'rules.json');
  writeFileSync(
    rulesFile,
    JSON.stringify({
      groupRules: [{ name: 'everyone', groups: ['SG-All-Staff'] }],
      licenceRules: [{ name: 'staff', licences: [{ sku: 'SPE_E3' }] }],
      leaver: {
        customSteps: [
          { name: 'open-ticket', at: 'access-closed', url: `${receiver.url}/ticket`, secretSetting: 'CUSTOM_TICKET_SECRET' },
          { name: 'convert-mailbox', at: 'before-licences', urlSetting: 'CUSTOM_MAILBOX_URL', secretSetting: 'CUSTOM_MAILBOX_SECRET', wait: { timeoutMinutes: 60 } },
        ],
      },
      joiner: {
        customSteps: [
          { name: 'provision-phone', at: 'account-created', url: `${receiver.url}/phone`, secretSetting: 'CUSTOM_PHONE_SECRET', wait: { timeoutMinutes: 30 } },
          { name: 'welcome', at: 'onboarded', url: `${receiver.url}/welcome`, secretSetting: 'CUSTOM_TICKET_SECRET' },
        ],
      },
    }),
  );
  const port = await freePort();
  host = await startTestHost({
    port,
    env: { RULES_FILE: rulesFile, CALLBACK_BASE_URL: `http://localhost:${port}`, CUSTOM_MAILBOX_URL: `${receiver.url}${MAILBOX_PATH}`, ...SECRETS },
  });
  sim = tenant(host);
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await receiver?.close();
});

async function until<T>(what: string, read: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${host.logs.slice(-15).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const statusOf = async (eventId: string) => (await (await fetch(`${host.url}/api/events/${encodeURIComponent(eventId)}`)).json()) as Record<string, unknown>;

/** Posts a leaver and waits until it pauses at the mailbox step, settled (queued until the deadline). */
async function pausedLeaver(employeeId: string): Promise<{ eventId: string; userId: string; status: Record<string, unknown>; callbackUrl: string }> {
  const userId = await account(employeeId);
  const eventId = `leaver-${employeeId}`;
  await postAndWait(host, hrEvent('leaver', { employeeId }, { eventId }), 'custom:convert-mailbox');
  const status = await until('the pause to settle', async () => {
    const s = await statusOf(eventId);
    return s.status === 'queued' && s.nextAttemptAt ? s : undefined;
  });
  const call = receiver.callsTo(MAILBOX_PATH).find((c) => c.body.eventId === eventId);
  return { eventId, userId, status, callbackUrl: String(call?.body.callbackUrl) };
}

const heldBy = (userId: string) => held(sim, userId);
const account = (employeeId: string) => leaverAccount(sim, employeeId);

describe('custom steps of a leaver', () => {
  it('when a leaver reaches a waiting custom step, then it pauses there until the deadline: the steps before are done, the ones after wait', async () => {
    const { eventId, userId, status } = await pausedLeaver('CS100');
    const steps = stepsOf(status);
    expect(steps['disable-sign-in']?.outcome).toBe('done');
    expect(steps['custom:open-ticket']).toMatchObject({ outcome: 'done' });
    expect(steps['custom:convert-mailbox']?.outcome).toBe('pending');
    expect(steps['remove-groups']).toBeUndefined();
    expect(heldBy(userId)).toEqual({ groups: ['SG-All-Staff'], licences: ['SPE_E3'] });

    const [ticket] = receiver.callsTo('/ticket').filter((c) => c.body.eventId === eventId);
    const [mailbox] = receiver.callsTo(MAILBOX_PATH).filter((c) => c.body.eventId === eventId);
    expect(ticket).toMatchObject({ signatureValid: true, body: { eventType: 'leaver', employeeId: 'CS100', step: 'open-ticket', point: 'access-closed', tenant: 'default' } });
    expect(ticket!.body.callbackUrl).toBeUndefined();
    expect(mailbox).toMatchObject({ signatureValid: true, body: { step: 'convert-mailbox', point: 'before-licences', userPrincipalName: 'leaver.cs100@contoso.com', subject: { id: userId } } });
    expect(String(mailbox!.body.callbackUrl)).toMatch(new RegExp(`^${host.url}/api/callbacks/v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$`));
    // Queued until the deadline the receiver was given.
    expect(status.nextAttemptAt).toBe(mailbox!.body.callbackDeadline);
    expect(new Date(String(status.nextAttemptAt)).getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
  });

  it('when the event is delivered again while it waits, then neither endpoint is called again and it still waits', async () => {
    const { eventId } = await pausedLeaver('CS200');
    const wait = (await services().ledger.get(eventId))?.customStepWait;
    expect(wait?.event?.eventId).toBe(eventId);
    const calls = () => receiver.calls.filter((c) => c.body.eventId === eventId).length;
    expect(calls()).toBe(2);

    const copy = toEventMessage(wait!.event!);
    await host.bus.createSender(host.settings.PROCESSING_QUEUE_NAME).sendMessages({ ...copy, messageId: `${eventId}~redelivered` });
    await until('the redelivery to run', async () => ((await statusOf(eventId)).attempts === 2 && (await statusOf(eventId)).status === 'queued' ? true : undefined));
    await host.bus.waitForIdle();
    expect(calls()).toBe(2);
    expect(stepsOf(await statusOf(eventId))['custom:convert-mailbox']?.outcome).toBe('pending');
  });

  it('when the receiver calls back succeeded, then the leaver resumes at once and finishes: groups and licences go only now; a repeated callback is one resume', async () => {
    const { eventId, userId, callbackUrl } = await pausedLeaver('CS300');
    expect(heldBy(userId)).toEqual({ groups: ['SG-All-Staff'], licences: ['SPE_E3'] });

    const first = await callBack(callbackUrl, SECRETS.CUSTOM_MAILBOX_SECRET, { outcome: 'succeeded', message: 'converted to a shared mailbox; manager has Full Access' });
    expect(first.status).toBe(204);
    const again = await callBack(callbackUrl, SECRETS.CUSTOM_MAILBOX_SECRET, { outcome: 'succeeded' });
    expect(again.status).toBe(204);
    const done = await host.waitForStatus(eventId);
    expect(done.status).toBe('succeeded');
    const steps = stepsOf(done);
    expect(steps['custom:convert-mailbox']).toMatchObject({ outcome: 'done' });
    expect(steps['custom:convert-mailbox']?.detail).toContain('succeeded: converted to a shared mailbox; manager has Full Access');
    expect(steps['remove-groups']?.outcome).toBe('done');
    expect(heldBy(userId)).toEqual({ groups: [], licences: [] });

    await host.bus.waitForIdle();
    const runs = host.logs.filter((l) => l.includes('[process-event]') && l.includes(`"eventId":"${eventId}"`));
    expect(runs.map((l) => /"outcome":"([a-z-]+)"/.exec(l)?.[1])).toEqual(['scheduled', 'succeeded']);
    expect(receiver.calls.filter((c) => c.body.eventId === eventId)).toHaveLength(2);

    // Later still, the same outcome is answered alike and runs nothing; a contradicting one is refused.
    expect((await callBack(callbackUrl, SECRETS.CUSTOM_MAILBOX_SECRET, { outcome: 'succeeded' })).status).toBe(204);
    const contradicting = await callBack(callbackUrl, SECRETS.CUSTOM_MAILBOX_SECRET, { outcome: 'failed' });
    expect(contradicting.status).toBe(409);
    expect(((await contradicting.json()) as { error: string }).error).toContain("already called back with 'succeeded'");
    await host.bus.waitForIdle();
    expect(host.logs.filter((l) => l.includes('[process-event]') && l.includes(`"eventId":"${eventId}"`))).toHaveLength(2);
  });

  it('when a callback is signed with another secret, names a token we did not issue, or is malformed, then it is refused and nothing changes', async () => {
    const { eventId, callbackUrl } = await pausedLeaver('CS400');
    const before = await statusOf(eventId);
    const wrongSecret = await callBack(callbackUrl, 'another-secret-0123456789abcdef-0123456', { outcome: 'succeeded' });
    expect(wrongSecret.status).toBe(401);
    const stale = await callBack(callbackUrl, SECRETS.CUSTOM_MAILBOX_SECRET, { outcome: 'succeeded' }, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale.status).toBe(401);
    const tampered = callbackUrl.replace(/\.([A-Za-z0-9_-])([A-Za-z0-9_-]{42})$/, (_m, first: string, rest: string) => `.${first === 'A' ? 'B' : 'A'}${rest}`);
    expect((await callBack(tampered, SECRETS.CUSTOM_MAILBOX_SECRET, { outcome: 'succeeded' })).status).toBe(404);
    for (const token of ['nonsense', 'v1.e30.AAAA', '%2e%2e', 'v1.' + 'A'.repeat(2000) + '.x']) {
      const response = await callBack(`${host.url}/api/callbacks/${token}`, SECRETS.CUSTOM_MAILBOX_SECRET, { outcome: 'succeeded' });
      expect({ token, status: response.status }).toEqual({ token, status: 404 });
    }
    const badBody = await callBack(callbackUrl, SECRETS.CUSTOM_MAILBOX_SECRET, { outcome: 'done', extra: 1 });
    expect(badBody.status).toBe(400);
    expect(((await badBody.json()) as { issues: { field: string }[] }).issues.map((i) => i.field).sort()).toEqual(['(body)', 'outcome']);

    await host.bus.waitForIdle();
    const after = await statusOf(eventId);
    expect({ status: after.status, attempts: after.attempts, steps: after.steps }).toEqual({ status: before.status, attempts: before.attempts, steps: before.steps });
    expect((await services().ledger.get(eventId))?.customStepWait?.callback).toBeUndefined();
  });

  it('when the receiver calls back failed, then the event is dead-lettered with its reason and the licences stay', async () => {
    const { eventId, userId, callbackUrl } = await pausedLeaver('CS500');
    const refused = await callBack(callbackUrl, SECRETS.CUSTOM_MAILBOX_SECRET, { outcome: 'failed', message: 'mailbox is on litigation hold' });
    expect(refused.status).toBe(204);
    const status = await host.waitForStatus(eventId);
    expect(status).toMatchObject({ status: 'dead-lettered', error: { code: 'custom:convert-mailbox: CallbackRefused' } });
    const letter = host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).find((m) => (m.body as { eventId: string }).eventId === eventId);
    expect(letter?.deadLetterReason).toBe('custom:convert-mailbox: CallbackRefused');
    expect(letter?.deadLetterErrorDescription).toContain('failed: mailbox is on litigation hold');
    expect(heldBy(userId)).toEqual({ groups: ['SG-All-Staff'], licences: ['SPE_E3'] });
    // The wait is over: the event's copy is gone from the ledger; what the receiver said stays.
    expect((await services().ledger.get(eventId))?.customStepWait).toMatchObject({ callback: { outcome: 'failed' }, endedAt: expect.any(String) });
    expect((await services().ledger.get(eventId))?.customStepWait?.event).toBeUndefined();
  });

  it('when a refused event is replayed, then the endpoint is called again under a new call id, and the old callback URL is refused', async () => {
    const { eventId, callbackUrl } = await pausedLeaver('CS550');
    expect((await callBack(callbackUrl, SECRETS.CUSTOM_MAILBOX_SECRET, { outcome: 'failed', message: 'not yet' })).status).toBe(204);
    expect((await host.waitForStatus(eventId)).status).toBe('dead-lettered');
    const letter = host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).find((m) => (m.body as { eventId: string }).eventId === eventId)!;
    await host.bus.createSender(host.settings.PROCESSING_QUEUE_NAME).sendMessages({
      body: letter.body,
      messageId: `${String(letter.messageId)}~replay-1`,
      sessionId: letter.sessionId!,
      applicationProperties: { ...letter.applicationProperties, replay: true },
    });
    const calls = await until('the second call', () => {
      const made = receiver.callsTo(MAILBOX_PATH).filter((c) => c.body.eventId === eventId);
      return made.length === 2 ? made : undefined;
    });
    expect(calls[1]!.body.callId).not.toBe(calls[0]!.body.callId);
    await until('the new pause', async () => ((await statusOf(eventId)).status === 'queued' ? true : undefined));
    const old = await callBack(callbackUrl, SECRETS.CUSTOM_MAILBOX_SECRET, { outcome: 'succeeded' });
    expect(old.status).toBe(409);
    expect((await callBack(String(calls[1]!.body.callbackUrl), SECRETS.CUSTOM_MAILBOX_SECRET, { outcome: 'succeeded' })).status).toBe(204);
    expect((await host.waitForStatus(eventId)).status).toBe('succeeded');
  });

  it('when an endpoint refuses the call (4xx), then the event is dead-lettered with its answer; when it is down (5xx), the event is retried', async () => {
    receiver.answer('/ticket', 400, 'ticket queue LEAVERS is closed');
    try {
      await account('CS600');
      const refused = await postAndWait(host, hrEvent('leaver', { employeeId: 'CS600' }, { eventId: 'leaver-CS600' }));
      expect(refused).toMatchObject({ status: 'dead-lettered', error: { code: 'custom:open-ticket: EndpointRefused' } });
      expect(String((refused.error as { message: string }).message)).toContain('answered 400: ticket queue LEAVERS is closed');

      receiver.answer('/ticket', 503);
      await account('CS601');
      const retrying = await postAndWait(host, hrEvent('leaver', { employeeId: 'CS601' }, { eventId: 'leaver-CS601' }), 'custom:open-ticket');
      const settled = await until('the retry to be scheduled', async () => {
        const s = await statusOf('leaver-CS601');
        return s.status === 'queued' && s.nextAttemptAt ? s : undefined;
      });
      expect(stepsOf(retrying)['custom:open-ticket']?.outcome).toBe('failed');
      expect(settled.error).toMatchObject({ step: 'custom:open-ticket', code: 'RetryScheduled' });
    } finally {
      receiver.answer('/ticket', 202);
    }
  });

  it('when a leaver is planned, then its custom steps are shown and no endpoint is called', async () => {
    await account('CS700');
    const before = receiver.calls.length;
    const response = await host.postHr(JSON.stringify(hrEvent('leaver', { employeeId: 'CS700' })), { query: '?dryRun=true' });
    expect(response.status).toBe(200);
    const [plan] = ((await response.json()) as { events: { steps: { name: string; outcome: string; detail?: string }[] }[] }).events;
    const steps = Object.fromEntries(plan!.steps.map((s) => [s.name, s]));
    expect(steps['custom:open-ticket']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining('and continue') });
    expect(steps['custom:convert-mailbox']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining('wait up to 60 minute(s)') });
    expect(receiver.calls.length).toBe(before);
  });
});

describe('custom steps of a joiner', () => {
  it('when a joiner has a waiting step at account-created, then it pauses with only the account made, and the callback brings the groups, the licence and the onboarded step', async () => {
    const eventId = 'joiner-CS800';
    const paused = await postAndWait(host, hrEvent('joiner', { employeeId: 'CS800', givenName: 'Ada', surname: 'Custom', country: 'GB' }, { eventId }), 'custom:provision-phone');
    expect(stepsOf(paused)['create-user']?.outcome).toBe('done');
    expect(stepsOf(paused)['custom:provision-phone']?.outcome).toBe('pending');
    const [user] = sim.userByEmployeeId('CS800');
    expect(heldBy(user!.id)).toEqual({ groups: [], licences: [] });
    const [phone] = receiver.callsTo('/phone').filter((c) => c.body.eventId === eventId);
    expect(phone).toMatchObject({ signatureValid: true, body: { eventType: 'joiner', point: 'account-created', userPrincipalName: 'ada.custom@contoso.com', subject: { id: user!.id } } });
    expect(receiver.callsTo('/welcome').filter((c) => c.body.eventId === eventId)).toHaveLength(0);
    await until('the pause to settle', async () => ((await statusOf(eventId)).nextAttemptAt ? true : undefined));

    expect((await callBack(String(phone!.body.callbackUrl), SECRETS.CUSTOM_PHONE_SECRET, { outcome: 'succeeded', message: 'extension 4711' })).status).toBe(204);
    const done = await host.waitForStatus(eventId);
    expect(done.status).toBe('succeeded');
    expect(heldBy(user!.id)).toEqual({ groups: ['SG-All-Staff'], licences: ['SPE_E3'] });
    expect(stepsOf(done)['custom:welcome']).toMatchObject({ outcome: 'done' });
    const welcome = receiver.callsTo('/welcome').filter((c) => c.body.eventId === eventId);
    expect(welcome).toHaveLength(1);
    expect(welcome[0]).toMatchObject({ signatureValid: true, body: { point: 'onboarded', userPrincipalName: 'ada.custom@contoso.com' } });
    expect(sim.userByEmployeeId('CS800')).toHaveLength(1);
  });

  it('when a joiner is re-posted for a worker who has an account, then no joiner custom step is called', async () => {
    const before = receiver.calls.length;
    const status = await postAndWait(host, hrEvent('joiner', { employeeId: 'CS800', givenName: 'Ada', surname: 'Custom', country: 'GB', department: 'Sales' }));
    expect(status.status).toBe('succeeded');
    expect(stepsOf(status)['custom:provision-phone']).toBeUndefined();
    expect(receiver.calls.length).toBe(before);
  });
});

describe('what custom steps reveal', () => {
  it("when endpoints are called and called back, then no payload holds a secret, and neither the status, the app's logs nor the dead letters hold a callback token or the URL credential", async () => {
    const secrets = [...Object.values(SECRETS), TEST_HR_SECRET];
    for (const call of receiver.calls) for (const secret of secrets) expect(call.raw).not.toContain(secret);
    const tokens = receiver.calls.map((c) => c.body.callbackUrl).filter((u): u is string => typeof u === 'string').map((u) => u.split('/').pop() as string);
    expect(tokens.length).toBeGreaterThan(3);
    const statuses = await Promise.all(['leaver-CS100', 'leaver-CS300', 'leaver-CS500', 'leaver-CS600', 'joiner-CS800'].map(async (id) => JSON.stringify(await statusOf(id))));
    // The host's request log records the callback's URL, as a Function App's request logs do: a token
    // there cannot forge a callback, whose body must be signed with the step's secret.
    const appLogs = host.logs.filter((l) => !l.startsWith('[local-host] POST /api/callbacks/'));
    const visible = [...statuses, appLogs.join('\n'), JSON.stringify(host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME))].join('\n');
    for (const token of tokens) expect(visible).not.toContain(token);
    expect(visible).not.toContain('receivers-own-url-credential');
    for (const secret of secrets) expect([visible, host.logs.join('\n')].some((text) => text.includes(secret))).toBe(false);
  });
});
