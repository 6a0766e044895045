import { readFileSync } from 'node:fs';
import { startHttps, type RunningHttps, type SimReply, type SimRequest } from '../../dev/hr-simulators/https-server';
import { verifySignature } from '../../shared/security/hmac-signature';
import { startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait } from '../support/tenant';

const SECRET = 'ticket-write-back-secret-0123456789abcdef';

let receiver: RunningHttps;
let host: TestHost;
/** Every POST the receiver got, in order. */
const received: SimRequest[] = [];
/** Per requestId, the statuses the PSA answers in turn (then 200). */
const answers = new Map<string, SimReply[]>();
const passes: string[] = [];

function handle(request: SimRequest): SimReply {
  if (request.path === '/credentials') {
    passes.push((JSON.parse(request.body.toString('utf8')) as { temporaryAccessPass: string }).temporaryAccessPass);
    return { status: 204 };
  }
  received.push(request);
  const requestId = (JSON.parse(request.body.toString('utf8')) as { requestId: string }).requestId;
  return answers.get(requestId)?.shift() ?? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
}

beforeAll(async () => {
  const tls = { cert: readFileSync(process.env.DEV_TLS_CERT_FILE!, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE!, 'utf8') };
  receiver = await startHttps(tls, 0, handle);
  host = await startTestHost({
    env: {
      TICKET_WRITE_BACK_URL: `${receiver.url}/psa`,
      TICKET_WRITE_BACK_SECRET: SECRET,
      CREDENTIAL_DELIVERY: 'webhook',
      CREDENTIAL_WEBHOOK_URL: `${receiver.url}/credentials`,
      CREDENTIAL_WEBHOOK_SECRET: 'credential-webhook-secret-0123456789abcdef',
    },
  });
  await postAndWait(host, hrEvent('joiner', { employeeId: 'WB100', givenName: 'Write', surname: 'Back', department: 'Sales', country: 'GB' }));
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await receiver?.close();
});

async function ticket(requestId: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  await host.bus.createSender(host.settings.TICKET_QUEUE_NAME).sendMessages({ messageId: requestId, body: { requestId, employee: { employeeId: 'WB100' }, ...body } });
  return host.waitForStatus(`ticket-${requestId}`);
}

/** The event's status once its write-back stands as one of `statuses`. */
async function writeBackOf(eventId: string, statuses: string[], timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    last = (await (await fetch(`${host.url}/api/events/${eventId}`)).json()) as Record<string, unknown>;
    const writeBack = last.ticketWriteBack as { status?: string } | undefined;
    if (writeBack?.status && statuses.includes(writeBack.status)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`write-back of ${eventId} did not reach ${statuses.join('/')}; last: ${JSON.stringify(last)}\n${host.logs.slice(-15).join('\n')}`);
}

const postsFor = (requestId: string) => received.filter((r) => (JSON.parse(r.body.toString('utf8')) as { requestId: string }).requestId === requestId);

describe('ticket write-back', () => {
  it('when a ticket’s event succeeds, then its result is posted once to the PSA webhook, signed, with its steps and an idempotency id', async () => {
    const status = await ticket('WB-1', { action: 'add-group', group: 'SG-Engineering' });
    expect(status.status).toBe('succeeded');
    const view = await writeBackOf('ticket-WB-1', ['posted']);
    await host.bus.waitForIdle();
    const [post, ...more] = postsFor('WB-1');
    expect(more).toHaveLength(0);
    expect(post!.path).toBe('/psa');
    const check = verifySignature(SECRET, { signature: String(post!.headers['x-signature']), timestamp: String(post!.headers['x-signature-timestamp']) }, post!.body, Math.floor(Date.now() / 1000));
    expect(check).toEqual({ valid: true });
    const result = JSON.parse(post!.body.toString('utf8')) as Record<string, unknown>;
    expect(result).toMatchObject({ kind: 'lifecycle-ticket-result', requestId: 'WB-1', eventId: 'ticket-WB-1', type: 'access', action: 'add-group', employeeId: 'WB100', status: 'succeeded' });
    expect(result.writeBackId).toBe(`ticket-WB-1#succeeded.${String(status.attempts)}`);
    expect((result.steps as { name: string }[]).map((s) => s.name)).toContain('groups');
    expect(view.ticketWriteBack).toMatchObject({ status: 'posted', host: new URL(receiver.url).host, attempts: 1 });
  });

  it('when a ticket resets a password, then the result says so and the Temporary Access Pass appears nowhere in what is posted', async () => {
    const before = passes.length;
    const status = await ticket('WB-RESET', { action: 'reset-password' });
    expect(status.status).toBe('succeeded');
    await writeBackOf('ticket-WB-RESET', ['posted']);
    expect(passes.length).toBe(before + 1);
    const pass = passes.at(-1)!;
    expect(pass.length).toBeGreaterThanOrEqual(8);
    const [post] = postsFor('WB-RESET');
    const text = post!.body.toString('utf8');
    expect(JSON.parse(text)).toMatchObject({ action: 'reset-credential', status: 'succeeded' });
    expect(text).not.toContain(pass);
    expect(JSON.stringify(post!.headers)).not.toContain(pass);
  });

  it('when a ticket names its own callbackUrl, then its result goes there and not to the PSA webhook', async () => {
    await ticket('WB-CB', { action: 'remove-group', group: 'SG-Engineering', callbackUrl: `${receiver.url}/tickets/WB-CB/result` });
    await writeBackOf('ticket-WB-CB', ['posted']);
    expect(postsFor('WB-CB').map((p) => p.path)).toEqual(['/tickets/WB-CB/result']);
  });

  it('when a ticket’s event is dead-lettered, then the ticket hears why', async () => {
    const status = await ticket('WB-BAD', { action: 'add-group', group: 'SG-Nope' });
    expect(status.status).toBe('dead-lettered');
    await writeBackOf('ticket-WB-BAD', ['posted']);
    const result = JSON.parse(postsFor('WB-BAD')[0]!.body.toString('utf8')) as { status: string; reason: { code: string; message: string } };
    expect(result.status).toBe('dead-lettered');
    expect(result.reason.code).toBe('groups: GroupNotFound');
    expect(result.reason.message).toContain('SG-Nope');
  });

  it('when a dead-lettered ticket event’s message comes again, then nothing more is posted; when an operator replays it and it ends again, then the ticket hears of that end too', async () => {
    const letter = host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).find((m) => m.messageId === 'ticket-WB-BAD')!;
    const sender = host.bus.createSender(host.settings.PROCESSING_QUEUE_NAME);
    await sender.sendMessages({ body: letter.body, messageId: 'ticket-WB-BAD~again', sessionId: letter.sessionId!, applicationProperties: { ...letter.applicationProperties } });
    await host.bus.waitForIdle();
    expect(postsFor('WB-BAD')).toHaveLength(1);

    await sender.sendMessages({ body: letter.body, messageId: 'ticket-WB-BAD~replay-1', sessionId: letter.sessionId!, applicationProperties: { ...letter.applicationProperties, replay: true } });
    await host.bus.waitForIdle();
    const view = await writeBackOf('ticket-WB-BAD', ['posted']);
    expect(view).toMatchObject({ status: 'dead-lettered', attempts: 2, ticketWriteBack: { end: 'dead-lettered.2' } });
    const ids = postsFor('WB-BAD').map((p) => (JSON.parse(p.body.toString('utf8')) as { writeBackId: string }).writeBackId);
    expect(ids).toEqual(['ticket-WB-BAD#dead-lettered.1', 'ticket-WB-BAD#dead-lettered.2']);
  });

  it('when the PSA answers 503, then the result is posted again later with the same writeBackId, and the event is not held up', async () => {
    answers.set('WB-503', [{ status: 503 }]);
    const status = await ticket('WB-503', { action: 'add-group', group: 'SG-Engineering' });
    expect(status.status).toBe('succeeded');
    const view = await writeBackOf('ticket-WB-503', ['posted']);
    const posts = postsFor('WB-503');
    expect(posts).toHaveLength(2);
    const ids = posts.map((p) => (JSON.parse(p.body.toString('utf8')) as { writeBackId: string }).writeBackId);
    expect(new Set(ids).size).toBe(1);
    expect(view).toMatchObject({ status: 'succeeded', ticketWriteBack: { status: 'posted', attempts: 2 } });
  });

  it('when the PSA refuses the result with a 4xx, then the write-back is dead-lettered saying what to fix, and the event stays as it ended', async () => {
    answers.set('WB-400', [{ status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":"unknown ticket WB-400"}' }]);
    const status = await ticket('WB-400', { action: 'add-group', group: 'SG-Engineering' });
    const view = await writeBackOf('ticket-WB-400', ['dead-lettered']);
    expect(postsFor('WB-400')).toHaveLength(1);
    expect(view).toMatchObject({ status: 'succeeded', attempts: status.attempts });
    const letter = host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).find((m) => (m.body as { eventId?: string }).eventId === 'ticket-WB-400');
    expect(letter?.deadLetterReason).toBe('ticket-write-back: Refused');
    expect(letter?.deadLetterErrorDescription).toContain('answered 400: {"error":"unknown ticket WB-400"}');
    expect(letter?.deadLetterErrorDescription).toContain('replay');
    expect(letter?.deadLetterErrorDescription).not.toContain(receiver.url);
  });

  it('when an HR event (not a ticket) ends, then nothing is posted', async () => {
    const before = received.length;
    await postAndWait(host, hrEvent('mover', { employeeId: 'WB100', givenName: 'Write', surname: 'Back', department: 'Engineering', country: 'GB' }));
    await host.bus.waitForIdle();
    expect(received.length).toBe(before);
  });
});
