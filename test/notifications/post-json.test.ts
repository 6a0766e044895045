import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { NotificationDeliveryError, postJson } from '../../shared/notifications/post-json';

let server: Server;
let base: string;
let answer: { status: number; text?: string } = { status: 202 };
const bodies: string[] = [];

beforeAll(async () => {
  server = createServer({ cert: readFileSync(process.env.DEV_TLS_CERT_FILE!, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE!, 'utf8') }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(answer.status, answer.status === 302 ? { location: 'http://169.254.169.254/' } : {}).end(answer.text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `https://localhost:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  answer = { status: 202 };
  bodies.length = 0;
});

const failure = (promise: Promise<void>) => promise.then(() => undefined, (e: unknown) => e as NotificationDeliveryError);

describe('posting a notification', () => {
  it('when the app runs in Azure, then a loopback or private receiver is refused before any connection, naming the rule and not the address', async () => {
    const error = await failure(postJson(`${base}/hook?sig=secret-in-url`, { a: 1 }, { label: 'Teams workflow', allowPrivate: false }));
    expect(error).toBeInstanceOf(NotificationDeliveryError);
    expect(error).toMatchObject({ retryable: false, message: 'Teams workflow address is a loopback host (allowed only in local development)' });
    const privateAddress = await failure(postJson('https://10.0.0.5/hook', {}, { label: 'manager webhook', allowPrivate: false }));
    expect(privateAddress?.message).toMatch(/manager webhook address is a loopback, private or link-local address/);
    expect(bodies).toEqual([]);
  });

  it('when the address is not https, then it is refused whatever the runtime', async () => {
    const error = await failure(postJson(base.replace('https', 'http'), {}, { label: 'manager webhook', allowPrivate: true }));
    expect(error).toMatchObject({ retryable: false, message: 'manager webhook address is not an https:// URL' });
  });

  it('when the receiver answers 5xx or 429, then the failure is retryable and says only the status', async () => {
    for (const status of [500, 503, 429, 408]) {
      answer = { status, text: 'echo of what you sent' };
      expect(await failure(postJson(base, { x: 1 }, { label: 'manager webhook', allowPrivate: true }))).toMatchObject({ retryable: true, message: `manager webhook answered ${status}` });
    }
  });

  it('when the receiver refuses (4xx) or redirects, then the failure is permanent and gives the first line of why; a redirect is never followed', async () => {
    answer = { status: 400, text: 'bad card:\n  "body" is required' };
    expect(await failure(postJson(base, {}, { label: 'Teams workflow', allowPrivate: true }))).toMatchObject({ retryable: false, message: 'Teams workflow answered 400: bad card: "body" is required' });
    answer = { status: 302 };
    expect(await failure(postJson(base, {}, { label: 'Teams workflow', allowPrivate: true }))).toMatchObject({ retryable: false, message: 'Teams workflow answered 302' });
    expect(bodies).toHaveLength(2);
  });

  it('when nothing listens, then the failure is retryable', async () => {
    expect(await failure(postJson('https://localhost:1/hook', {}, { label: 'manager webhook', allowPrivate: true }))).toMatchObject({ retryable: true, message: expect.stringMatching(/^manager webhook unreachable \(/) });
  });
});
