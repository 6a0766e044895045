import { signPayload, verifySignature } from '../../shared/security/hmac-signature';

const secret = 'a-very-long-hr-webhook-secret-for-tests-0123';
const body = Buffer.from('{"eventId":"e1"}');
const now = 1_700_000_000;

describe('HR webhook signatures', () => {
  it('when the body is signed with the shared secret and a fresh timestamp, then it verifies', () => {
    const signature = signPayload(secret, now, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(secret, { signature, timestamp: String(now) }, body, now + 10)).toEqual({ valid: true });
  });

  it('when one byte of the body changes, then it does not verify', () => {
    const signature = signPayload(secret, now, body);
    expect(verifySignature(secret, { signature, timestamp: String(now) }, Buffer.from('{"eventId":"e2"}'), now)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('when the timestamp is more than five minutes away, then it is refused as expired even with a valid MAC', () => {
    const signature = signPayload(secret, now, body);
    expect(verifySignature(secret, { signature, timestamp: String(now) }, body, now + 301)).toEqual({ valid: false, reason: 'expired' });
    expect(verifySignature(secret, { signature, timestamp: String(now) }, body, now - 301)).toEqual({ valid: false, reason: 'expired' });
  });

  it('when the timestamp is replaced to look fresh, then the MAC no longer matches', () => {
    const signature = signPayload(secret, now - 3600, body);
    expect(verifySignature(secret, { signature, timestamp: String(now) }, body, now)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('when headers are missing or malformed, then it says which, without comparing', () => {
    expect(verifySignature(secret, { signature: null, timestamp: String(now) }, body, now)).toEqual({ valid: false, reason: 'missing' });
    expect(verifySignature(secret, { signature: 'md5=abc', timestamp: String(now) }, body, now)).toEqual({ valid: false, reason: 'malformed' });
    expect(verifySignature(secret, { signature: signPayload(secret, now, body), timestamp: 'yesterday' }, body, now)).toEqual({ valid: false, reason: 'malformed' });
  });

  it('when signed with another secret, then it does not verify', () => {
    const signature = signPayload('another-secret-of-sufficient-length-xxxxxxx', now, body);
    expect(verifySignature(secret, { signature, timestamp: String(now) }, body, now)).toEqual({ valid: false, reason: 'mismatch' });
  });
});
