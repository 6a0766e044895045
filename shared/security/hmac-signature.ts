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

/** Why a signature was refused, in words the operator can act on; never the secret or the signature itself. */
export function describeSignatureFailure(reason: string): string {
  switch (reason) {
    case 'missing':
      return `${SIGNATURE_HEADER} or ${TIMESTAMP_HEADER} header missing`;
    case 'malformed':
      return `${SIGNATURE_HEADER} is not sha256=<64 hex digits> or ${TIMESTAMP_HEADER} is not Unix seconds`;
    case 'expired':
      return `timestamp outside the allowed window of ${SIGNATURE_TOLERANCE_SECONDS} s either side of now (check the sender's clock)`;
    case 'mismatch':
      return "signature does not match the body (the sender's secret differs, or the body changed after signing)";
    default:
      return reason;
  }
}

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
