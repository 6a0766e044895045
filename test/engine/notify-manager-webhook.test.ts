import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lifecycleEventSchema, type LifecycleEvent } from '../../shared/domain/events';
import { TableLedger } from '../../shared/ledger/table-ledger';
import { toEventMessage } from '../../shared/messaging/event-messages';
import { verifySignature } from '../../shared/security/hmac-signature';
import { startTestHost, TEST_HR_SECRET, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait, stepsOf, tenant } from '../support/tenant';

const SECRET = 'manager-webhook-secret-0123456789abcdef';
const DAY_MS = 24 * 3600_000;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let receiver: Server;
let host: TestHost;
const received: Received[] = [];
/** Per leaver's employeeId, the statuses the receiver answers in turn (then 202). */
const answers = new Map<string, { status: number; text?: string }[]>();

beforeAll(async () => {
  receiver = createServer({ cert: readFileSync(process.env.DEV_TLS_CERT_FILE!, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE!, 'utf8') }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const employeeId = (JSON.parse(body) as { leaver: { employeeId: string } }).leaver.employeeId;
      const next = answers.get(employeeId)?.shift() ?? { status: 202 };
      res.writeHead(next.status).end(next.text);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'rules-notify-')), 'rules.json');
  writeFileSync(rulesFile, JSON.stringify({
    groupRules: [{ name: 'everyone', groups: ['SG-All-Staff'] }],
    licenceRules: [{ name: 'staff', licences: [{ sku: 'SPE_E3' }] }],
    leaver: {
      licenceGraceDays: 7,
      deleteAfterDays: 30,
      mail: { forwardToManager: true },
      notifyManager: { channel: 'webhook', url: `https://localhost:${(receiver.address() as AddressInfo).port}/leavers`, secretSetting: 'MANAGER_WEBHOOK_SECRET' },
    },
  }));
  host = await startTestHost({ env: { RULES_FILE: rulesFile, OFFBOARD_MAIL: 'on', MANAGER_WEBHOOK_SECRET: SECRET } });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await new Promise<void>((r) => receiver.close(() => r()));
});

const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({ employeeId, givenName: 'Told', surname: `Leaver${employeeId}`, department: 'Sales', country: 'GB', managerEmployeeId: 'M001', ...extra });
const receivedFor = (employeeId: string) => received.filter((r) => r.body.includes(`"employeeId":"${employeeId}"`));

/** The immediate stage is done when the manager's step is recorded (the licences go a week later). */
async function leave(employeeId: string, extra: Record<string, unknown> = {}, event: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  await postAndWait(host, hrEvent('joiner', worker(employeeId, extra)));
  return postAndWait(host, hrEvent('leaver', worker(employeeId, extra), event), 'notify-manager');
}

describe('the manager is told, by signed webhook', () => {
  it("when a leaver's immediate stage completes, then the manager gets one signed summary: what was closed, where mail went, when licences and the account go — and no secret", async () => {
    const left = await leave('NW100', {}, { effectiveAt: new Date(Date.now() - 60_000).toISOString() });
    expect(left.status).toBe('queued'); // the licences go in a week
    expect(stepsOf(left)['notify-manager']).toMatchObject({ outcome: 'done', detail: expect.stringMatching(/^told Marie Curie <marie\.curie@contoso\.com> by a signed webhook to localhost:\d+$/) });
    const [delivery, ...more] = receivedFor('NW100');
    expect(more).toEqual([]);
    const check = verifySignature(SECRET, { signature: String(delivery!.headers['x-signature']), timestamp: String(delivery!.headers['x-signature-timestamp']) }, Buffer.from(delivery!.body), Math.floor(Date.now() / 1000));
    expect(check).toEqual({ valid: true });
    const summary = JSON.parse(delivery!.body) as Record<string, unknown> & { leftAt: string };
    const leftAt = Date.parse(summary.leftAt);
    expect(summary).toMatchObject({
      kind: 'leaver-offboarded',
      notificationId: `${String(left.eventId)}/notify-manager`,
      leaver: { displayName: 'Told LeaverNW100', userPrincipalName: 'told.leavernw100@contoso.com', employeeId: 'NW100' },
      manager: { displayName: 'Marie Curie', mail: 'marie.curie@contoso.com' },
      closed: expect.arrayContaining(['sign-in disabled', 'sessions revoked']),
      mail: { forwardedTo: 'marie.curie@contoso.com' },
      licencesRemovedAt: new Date(leftAt + 7 * DAY_MS).toISOString(),
      deletedAt: new Date(leftAt + 30 * DAY_MS).toISOString(),
    });
    for (const secret of [SECRET, TEST_HR_SECRET, 'local-simulator-token']) expect({ secret, found: delivery!.body.includes(secret) }).toEqual({ secret, found: false });
    expect(JSON.stringify(await (await fetch(`${host.url}/api/events/${String(left.eventId)}`)).json())).not.toContain(SECRET);
  });

  it('when the event runs again after the manager was told (its last ledger write lost), then they are not told twice', async () => {
    const occurredAt = new Date().toISOString();
    const employee = worker('NW200');
    const left = await leave('NW200', {}, { eventId: 'notify-twice-NW200', occurredAt });
    expect(stepsOf(left)['notify-manager']?.outcome).toBe('done');
    // As a crash between telling the manager and settling would leave it: still processing.
    const ledger = TableLedger.fromSettings(host.settings);
    const event: LifecycleEvent = lifecycleEventSchema.parse({ eventId: 'notify-twice-NW200', type: 'leaver', source: 'hr-json', occurredAt, employee });
    await ledger.update(event, (r) => ({ ...r, status: 'processing' }));
    await host.bus.createSender(host.settings.PROCESSING_QUEUE_NAME).sendMessages({ ...toEventMessage(event), messageId: 'notify-twice-NW200~again' });
    await host.bus.waitForIdle();
    const again = await host.waitForStatus('notify-twice-NW200', ['queued', 'dead-lettered']);
    expect(again).toMatchObject({ status: 'queued', attempts: Number(left.attempts) + 1 });
    expect(receivedFor('NW200')).toHaveLength(1);
  }, 30_000);

  it('when the receiver is down at first (503), then the delivery is retried and succeeds once', async () => {
    answers.set('NW300', [{ status: 503 }]);
    const first = await leave('NW300');
    expect(stepsOf(first)['notify-manager']).toMatchObject({ outcome: 'failed', error: { code: 'ManagerNotificationFailed', message: 'manager webhook answered 503' } });
    const left = await host.waitFor(String(first.eventId), (r) => stepsOf(r)['notify-manager']?.outcome === 'done');
    expect(Number(left.attempts)).toBeGreaterThanOrEqual(2);
    expect(receivedFor('NW300').length).toBe(2);
  }, 30_000);

  it('when the receiver refuses (4xx), then the event is dead-lettered at notify-manager saying what it answered — the leaver itself is done', async () => {
    answers.set('NW400', [{ status: 422, text: 'no such manager in the ticketing system' }]);
    const left = await leave('NW400');
    expect(left.status).toBe('dead-lettered');
    const letter = host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).find((m) => (m.body as { employee: { employeeId: string } }).employee.employeeId === 'NW400');
    expect(letter?.deadLetterReason).toBe('notify-manager: ManagerNotificationFailed');
    expect(letter?.deadLetterErrorDescription).toContain('manager webhook answered 422: no such manager in the ticketing system');
    expect(letter?.deadLetterErrorDescription).not.toContain(SECRET);
    expect(receivedFor('NW400')).toHaveLength(1);
    expect(tenant(host).userByEmployeeId('NW400')[0]?.accountEnabled).toBe(false);
  });

  it('when the leaver has no manager, then nobody is told and the step says why', async () => {
    const left = await leave('NW500', { managerEmployeeId: undefined });
    expect(stepsOf(left)['notify-manager']).toMatchObject({ outcome: 'skipped', detail: 'the leaver has no manager to tell' });
    expect(receivedFor('NW500')).toEqual([]);
  });

  it('when a leaver is dry-run, then telling the manager is planned, naming the channel, and nothing is sent', async () => {
    await postAndWait(host, hrEvent('joiner', worker('NW600')));
    const response = await host.postHr(JSON.stringify(hrEvent('leaver', worker('NW600'))), { query: '?dryRun=true' });
    const plan = (await response.json()) as { events: { steps: { name: string; outcome: string; detail?: string }[] }[] };
    const steps = Object.fromEntries(plan.events[0]!.steps.map((s) => [s.name, s]));
    expect(steps['notify-manager']).toMatchObject({ outcome: 'planned', detail: expect.stringMatching(/^would tell Marie Curie <marie\.curie@contoso\.com> by a signed webhook to localhost:\d+$/) });
    expect(steps['mail-forward-to-manager']?.outcome).toBe('planned');
    expect(receivedFor('NW600')).toEqual([]);
  });
});
