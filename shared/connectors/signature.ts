import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two MACs as bytes; different lengths are simply unequal. */
export function sameMac(expected: Buffer, given: Buffer): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function hmac(algorithm: 'sha256' | 'sha512', secret: string, ...parts: (Buffer | string)[]): Buffer {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** The connector's event id: a digest of what the signed notice says about one change. */
export function changeKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n'), 'utf8').digest('hex').slice(0, 32);
}

/**
 * An HR system's timestamp as epoch milliseconds: Unix seconds (or milliseconds, 13 digits), or
 * ISO 8601 — including BambooHR's `2026-01-31T18:42:00+0000`, whose offset has no colon.
 */
export function readTimestamp(value: string | null | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{9,10}$/.test(text)) return Number(text) * 1000;
  if (/^\d{13}$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) return undefined;
  // A time without an offset (HiBob's triggeredAt) is UTC; `+0000` becomes `+00:00` for Date.
  const normalised = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/(\.\d{3})\d+/, '$1');
  const at = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(normalised) ? normalised : `${normalised}Z`);
  return Number.isNaN(at) ? undefined : at;
}
