import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookCredentialChannel, CredentialDeliveryError, type CredentialDelivery } from '../../shared/credentials/channel';
import { Secret } from '../../shared/domain/credentials';
import { verifySignature } from '../../shared/security/hmac-signature';

const SECRET = 'credential-webhook-secret-0123456789abcdef';
const PASS = 'TAP-Zq8#secret-value';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let url: string;
let received: Received[] = [];
let answer = 204;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(answer).end(answer >= 400 ? `echo: ${body}` : undefined);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/credentials`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  received = [];
  answer = 204;
});

const delivery = (): CredentialDelivery => ({
  eventId: 'evt-1',
  tenantId: 'default',
  employeeId: 'E1',
  userPrincipalName: 'ada.lovelace@contoso.com',
  kind: 'temporary-access-pass',
  secret: new Secret(PASS),
  expiresAt: '2026-11-22T17:00:00.000Z',
  reason: 'joiner',
});

describe('credential webhook', () => {
  it('when a pass is delivered, then the receiver gets it once, signed so it can verify the sender', async () => {
    await new WebhookCredentialChannel(url, SECRET).deliver(delivery());
    expect(received).toHaveLength(1);
    const [request] = received;
    const body = JSON.parse(request!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ userPrincipalName: 'ada.lovelace@contoso.com', temporaryAccessPass: PASS, reason: 'joiner', kind: 'temporary-access-pass' });
    expect(body.secret).toBeUndefined();
    const check = verifySignature(
      SECRET,
      { signature: String(request!.headers['x-signature']), timestamp: String(request!.headers['x-signature-timestamp']) },
      Buffer.from(request!.body),
      Math.floor(Date.now() / 1000),
    );
    expect(check).toEqual({ valid: true });
  });

  it('when the receiver fails, then the error says only the status — never the pass, even if the receiver echoes it', async () => {
    answer = 503;
    const error = await new WebhookCredentialChannel(url, SECRET).deliver(delivery()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialDeliveryError);
    expect((error as CredentialDeliveryError).retryable).toBe(true);
    expect(String((error as Error).message)).toBe('credential webhook answered 503');
    answer = 400;
    const permanent = (await new WebhookCredentialChannel(url, SECRET).deliver(delivery()).catch((e: unknown) => e)) as CredentialDeliveryError;
    expect(permanent.retryable).toBe(false);
    expect(JSON.stringify(permanent)).not.toContain(PASS);
  });

  it('when the receiver is unreachable, then the failure is retryable and names no secret', async () => {
    const error = (await new WebhookCredentialChannel('http://127.0.0.1:1/credentials', SECRET).deliver(delivery()).catch((e: unknown) => e)) as CredentialDeliveryError;
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^credential webhook unreachable/);
    expect(error.message).not.toContain(PASS);
  });
});
