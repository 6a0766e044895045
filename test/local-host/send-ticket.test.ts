import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestHost, type TestHost } from '../support/test-host';
import { tenant } from '../support/tenant';

const root = path.join(__dirname, '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'send-ticket-'));

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
}, 60_000);
afterAll(async () => {
  await host?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** `npm run send-ticket -- <file>` against the test host: the package.json script's own command, on this Node. */
function sendTicket(ticket: unknown): Promise<{ code: number | null; output: string }> {
  const file = path.join(work, `ticket-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof ticket === 'string' ? ticket : JSON.stringify(ticket));
  const script = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['send-ticket'] ?? '';
  const [command, ...args] = script.split(' ');
  expect(command).toBe('node');
  const child = spawn(process.execPath, [...args, file], { cwd: root, env: { ...process.env, LOCAL_HOST_URL: host.url } });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

const queueUrl = (queue: string) => `${host.url}/admin/queues/${encodeURIComponent(queue)}/messages`;

describe('npm run send-ticket', () => {
  it('when an onboard ticket is sent, then it goes through the ticket queue and becomes a joiner that succeeds', async () => {
    const sent = await sendTicket({
      requestId: 'INC0070001',
      action: 'onboard',
      requestedAt: '2026-11-22T09:00:00Z',
      employee: { employeeId: 'T7001', givenName: 'Ada', surname: 'Lovelace', department: 'Sales', country: 'GB' },
    });
    expect(sent.output).toMatch(/POST \/admin\/queues\/ticket-requests\/messages -> 201/);
    expect(sent.output).toMatch(/"eventId": "ticket-INC0070001"/);
    expect(sent.output).toMatch(/"status": "succeeded"/);
    expect(sent.code).toBe(0);
    expect(tenant(host).userByEmployeeId('T7001')).toHaveLength(1);
  }, 60_000);

  it('when the ticket is not valid, then it says it was dead-lettered, naming the field, and exits non-zero', async () => {
    const sent = await sendTicket({ requestId: 'INC0070002', action: 'onboard', employee: { employeeId: 'T7002' }, colour: 'blue' });
    expect(sent.output).toMatch(/dead-lettered.*InvalidTicketRequest/);
    expect(sent.output).toMatch(/colour/);
    expect(sent.code).toBe(1);
  }, 60_000);

  it('when the file is not JSON, then nothing is sent and it says so', async () => {
    const sent = await sendTicket('{ "requestId": ');
    expect(sent.output).toMatch(/is not JSON/);
    expect(sent.code).toBe(1);
    expect(host.bus.counts(host.settings.TICKET_QUEUE_NAME)).toMatchObject({ active: 0, scheduled: 0 });
  });
});

describe('POST /admin/queues/{queue}/messages (local host only)', () => {
  it('when the body is not JSON, then 400 and nothing is queued', async () => {
    const response = await fetch(queueUrl(host.settings.TICKET_QUEUE_NAME), { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'not json' });
    expect(response.status).toBe(400);
    expect(host.bus.counts(host.settings.TICKET_QUEUE_NAME).active).toBe(0);
  });

  it('when the queue does not exist, then 410, as Service Bus answers', async () => {
    const response = await fetch(queueUrl('no-such-queue'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(410);
  });

  it('when the queue needs sessions, then 400: a message without a SessionId cannot be sent to it', async () => {
    const response = await fetch(queueUrl(host.settings.PROCESSING_QUEUE_NAME), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/SessionId/);
  });

  it('when the message is over 256 KB, then 403 (message too large) and nothing is queued', async () => {
    const body = JSON.stringify({ requestId: 'big', padding: 'x'.repeat(256 * 1024) });
    const response = await fetch(queueUrl(host.settings.TICKET_QUEUE_NAME), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(403);
    expect(host.bus.counts(host.settings.TICKET_QUEUE_NAME).active).toBe(0);
  });
});
