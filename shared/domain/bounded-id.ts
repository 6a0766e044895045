import { createHash } from 'node:crypto';

/**
 * Service Bus's longest messageId and sessionId: "Maximum size of a message ID: 128", "Maximum
 * size of a message session ID: 128" (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas);
 * the SDK throws beyond it before sending. Counted as the SDK counts it, in UTF-16 code units.
 */
export const MAX_ID_LENGTH = 128;

const DIGEST_LENGTH = 16;
/** Never in an eventId (letters, digits, `. _ : @ -`) nor in a suffix, so a shortened id can't equal a plain one. */
const SHORTENED_MARK = '!';

/**
 * `base + suffix` when that fits in `MAX_ID_LENGTH`; otherwise the base is cut and followed by
 * `!` and 16 hex digits of its SHA-256, then the suffix unchanged:
 * `<start of base>!<digest of base><suffix>`, `MAX_ID_LENGTH` long (one less rather than split a
 * surrogate pair).
 *
 * Deterministic (duplicate detection relies on the same copy getting the same id) and distinct:
 * two bases cut to the same start still differ in their digest, and the suffix is kept whole.
 * Ids that fit are left as they are, so ids already on the queue keep their meaning.
 */
export function withIdSuffix(base: string, suffix = ''): string {
  const plain = base + suffix;
  if (plain.length <= MAX_ID_LENGTH) return plain;
  let keep = MAX_ID_LENGTH - suffix.length - SHORTENED_MARK.length - DIGEST_LENGTH;
  if (keep < 1) throw new RangeError(`An id suffix of ${suffix.length} characters leaves no room for its base.`);
  // Never split a surrogate pair: half a character would not survive UTF-8 on the wire.
  const last = base.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep -= 1;
  const digest = createHash('sha256').update(base, 'utf8').digest('hex').slice(0, DIGEST_LENGTH);
  return `${base.slice(0, keep)}${SHORTENED_MARK}${digest}${suffix}`;
}
