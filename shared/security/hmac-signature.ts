import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HR webhook signatures: `X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`
 * with `X-Signature-Timestamp: <unix seconds>`. The timestamp is inside the MAC and must be
 * within the tolerance, so a captured request cannot be replayed later.
 */

export const SIGNATURE_HEADER = 'x-signature';
export const TIMESTAMP_HEADER = 'x-signature-timestamp';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signPayload(secret: string, timestampSeconds: number, rawBody: Buffer | string): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestampSeconds}.`);
  mac.update(rawBody);
  return `sha256=${mac.digest('hex')}`;
}

export type SignatureCheck = { valid: true } | { valid: false; reason: 'missing' | 'malformed' | 'expired' | 'mismatch' };

export function verifySignature(
  secret: string,
  headers: { signature: string | null; timestamp: string | null },
  rawBody: Buffer,
  nowSeconds: number,
): SignatureCheck {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return { valid: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^sha256=[0-9a-f]{64}$/i.test(signature)) return { valid: false, reason: 'malformed' };
  const ts = Number(timestamp);
  if (Math.abs(nowSeconds - ts) > SIGNATURE_TOLERANCE_SECONDS) return { valid: false, reason: 'expired' };
  const expected = Buffer.from(signPayload(secret, ts, rawBody).toLowerCase());
  const given = Buffer.from(signature.toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given) ? { valid: true } : { valid: false, reason: 'mismatch' };
}
