import { readFileSync } from 'node:fs';
import { startHttps, type RunningHttps, type SimRequest } from '../../dev/hr-simulators/https-server';
import { verifySignature } from '../../shared/security/hmac-signature';
import { startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait } from '../support/tenant';
import { documentedSample, documentedBlock, DOCS_FILE, type DocumentedPost } from './docs-samples';

/**
 * docs/tickets.md shows receivers (ServiceNow, Jira Service Management, HaloPSA) the exact post a
 * ticket's result arrives as. These specs read those blocks and hold them against what the app
 * really sends, through the local host to an HTTPS receiver on loopback, so the page cannot drift.
 */

/** The secret the documented sample is signed with (docs/tickets.md says so beside it). */
const DOCS_SECRET = 'example-write-back-secret-0123456789abcdef';

let receiver: RunningHttps;
let host: TestHost;
const received: SimRequest[] = [];

beforeAll(async () => {
  const tls = { cert: readFileSync(process.env.DEV_TLS_CERT_FILE!, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE!, 'utf8') };
  receiver = await startHttps(tls, 0, (request) => {
    received.push(request);
    return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
  });
  host = await startTestHost({ env: { TICKET_WRITE_BACK_URL: `${receiver.url}/api/x_lifecycle/ticket_result`, TICKET_WRITE_BACK_SECRET: DOCS_SECRET } });
  await postAndWait(host, hrEvent('joiner', { employeeId: 'E1042', givenName: 'Ada', surname: 'Lovelace', department: 'Sales', country: 'GB' }));
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await receiver?.close();
});

/** Sends the ticket the docs describe and returns the one post its result came as. */
async function postFor(requestId: string, ticket: Record<string, unknown>): Promise<SimRequest> {
  await host.bus.createSender(host.settings.TICKET_QUEUE_NAME).sendMessages({ messageId: requestId, body: { requestId, employee: { employeeId: 'E1042' }, ...ticket } });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const post = received.find((r) => (JSON.parse(r.body.toString('utf8')) as { requestId: string }).requestId === requestId);
    if (post) return post;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no write-back for ${requestId}\n${host.logs.slice(-20).join('\n')}`);
}

/** As a post reads on the page: the request line's method, our headers, the raw body. */
function asDocumented(post: SimRequest): string {
  const ours = ['content-type', 'content-length', 'x-signature-timestamp', 'x-signature'];
  return [`${post.method} ${post.path} HTTP/1.1`, ...ours.map((h) => `${h}: ${String(post.headers[h])}`), '', post.body.toString('utf8')].join('\n');
}

/** The value with what differs from run to run (times, durations) replaced by its type. */
function stable(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => stable(v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stable(v, k)]));
  return ['startedAt', 'durationMs', 'acceptedAt', 'endedAt'].includes(key) ? typeof value : value;
}

function withShown<T>(read: () => T, shown: string): T {
  try {
    return read();
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${shown}`);
  }
}

function expectSameResult(documented: DocumentedPost, post: SimRequest): void {
  const actual = JSON.parse(post.body.toString('utf8')) as unknown;
  expect({ documented: stable(documented.result) }).toEqual({ documented: stable(actual) });
}

describe(`the write-back samples in ${DOCS_FILE}`, () => {
  it('when a ticket’s add-group succeeds, then the documented post is the one the app sends: same headers, same fields and values but times, and the same signature scheme', async () => {
    const post = await postFor('INC0010042', { action: 'add-group', group: 'SG-Engineering' });
    // On a mismatch the failure shows the live post, ready to paste into the page.
    const shown = `--- what the app sent ---\n${asDocumented(post)}`;
    const documented = withShown(() => documentedSample('succeeded'), shown);

    expect({ headers: Object.keys(documented.headers).sort(), shown }).toEqual({ headers: ['content-length', 'content-type', 'x-signature', 'x-signature-timestamp'], shown });
    expect(Object.keys(post.headers).filter((h) => !['host', 'connection'].includes(h)).sort()).toEqual(Object.keys(documented.headers).sort());
    expect(documented.method).toBe(post.method);
    expect(documented.headers['content-type']).toBe(post.headers['content-type']);
    expectSameResult(documented, post);

    // The page's own post verifies as a receiver would check it: HMAC over "<timestamp>.<raw body>" with the documented secret.
    expect(Number(documented.headers['content-length'])).toBe(Buffer.byteLength(documented.rawBody));
    const timestamp = Number(documented.headers['x-signature-timestamp']);
    expect(verifySignature(DOCS_SECRET, { signature: documented.headers['x-signature']!, timestamp: String(timestamp) }, Buffer.from(documented.rawBody), timestamp)).toEqual({ valid: true });
    // … and so does the live one, which proves the page describes the scheme the code signs with.
    const live = verifySignature(DOCS_SECRET, { signature: String(post.headers['x-signature']), timestamp: String(post.headers['x-signature-timestamp']) }, post.body, Math.floor(Date.now() / 1000));
    expect(live).toEqual({ valid: true });
    // The body is sent compact, as JSON.stringify writes it: the page shows those bytes, not a re-indented copy.
    expect(documented.rawBody).toBe(JSON.stringify(JSON.parse(documented.rawBody)));
  });

  it('when a ticket’s event is dead-lettered, then the documented result (with its reason) is the one the app sends', async () => {
    const post = await postFor('INC0010043', { action: 'add-group', group: 'SG-Nope' });
    const documented = withShown(() => documentedBlock('dead-lettered'), JSON.stringify(JSON.parse(post.body.toString('utf8')), null, 2));
    expect(JSON.parse(post.body.toString('utf8'))).toMatchObject({ status: 'dead-lettered', reason: { code: 'groups: GroupNotFound' } });
    expectSameResult({ method: 'POST', headers: {}, rawBody: '', result: JSON.parse(documented) as unknown }, post);
  });

  it('when the page shows the succeeded body indented for reading, then it is the same result as the raw post above it', () => {
    expect(JSON.parse(documentedBlock('succeeded-indented'))).toEqual(documentedSample('succeeded').result);
  });
});
