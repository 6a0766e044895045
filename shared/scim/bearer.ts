import { createHash, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../domain/credentials';

export type BearerCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' };

/** RFC 6750 §2.1: `Bearer` (any case), one space or more, then the b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * The token of an `Authorization: Bearer …` header against the tenant's. Both sides are hashed
 * first, so the comparison takes the same time whatever the length or the first differing
 * character of what was sent (timingSafeEqual needs equal lengths; a digest always has them).
 * The reason is for the log; it never carries the token.
 */
export function checkBearer(header: string | null, expected: Secret): BearerCheck {
  if (header === null || header.trim() === '') return { ok: false, reason: 'missing' };
  const match = BEARER.exec(header.trim());
  if (!match) return { ok: false, reason: 'malformed' };
  const sent = createHash('sha256').update(match[1] as string, 'utf8').digest();
  const wanted = createHash('sha256').update(expected.reveal(), 'utf8').digest();
  return timingSafeEqual(sent, wanted) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
