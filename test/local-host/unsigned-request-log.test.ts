import { signPayload } from '../../shared/security/hmac-signature';
import { startTestHost, TEST_HR_SECRET, type TestHost } from '../support/test-host';

const body = JSON.stringify({ type: 'joiner', occurredAt: '2026-11-22T09:00:00Z', employee: { employeeId: 'LOG401', givenName: 'Una', surname: 'Signed', country: 'IE' } });
const WRONG_SECRET = 'a-secret-hr-never-had-0123456789abcdef';

describe('local host log of refused HR requests', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host.stop());

  /** What the host logged for one request: the lines written while it was answered. */
  async function logOf(send: () => Promise<Response>): Promise<{ status: number; log: string }> {
    const before = host.logs.length;
    const response = await send();
    return { status: response.status, log: host.logs.slice(before).join('\n') };
  }

  it('when the signature does not match the body, then the 401 is logged with that reason and without the secret or the signature', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { status, log } = await logOf(() => host.postHr(body, { secret: WRONG_SECRET, timestamp: now }));
    expect(status).toBe(401);
    expect(log).toMatch(/hr-events.*signature does not match/);
    for (const secretOrSignature of [TEST_HR_SECRET, WRONG_SECRET, signPayload(WRONG_SECRET, now, body), signPayload(WRONG_SECRET, now, body).slice(7)]) {
      expect(log).not.toContain(secretOrSignature);
    }
  });

  it('when the timestamp is too old, then the 401 is logged as outside the allowed window', async () => {
    const stale = Math.floor(Date.now() / 1000) - 3600;
    const { status, log } = await logOf(() => host.postHr(body, { timestamp: stale }));
    expect(status).toBe(401);
    expect(log).toMatch(/timestamp outside the allowed window/);
    expect(log).not.toContain(signPayload(TEST_HR_SECRET, stale, body).slice(7));
  });

  it('when the signature headers are missing, then the 401 is logged saying so', async () => {
    const { status, log } = await logOf(() => fetch(`${host.url}/api/hr/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
    expect(status).toBe(401);
    expect(log).toMatch(/x-signature or x-signature-timestamp header missing/);
  });
});
