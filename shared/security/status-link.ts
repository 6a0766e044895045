import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The status URL an HR system gets for each accepted event is a capability: its `sig` is an
 * HMAC, under that tenant's HR secret, of the tenant and the event id. It opens that one event
 * and nothing else — not another event, not another tenant's — whoever holds the function key.
 */
export function statusLinkSignature(secret: string, tenantKey: string, eventId: string): string {
  return createHmac('sha256', secret).update(`event-status\n${tenantKey}\n${eventId}`).digest('hex');
}

export function verifyStatusLink(secret: string, tenantKey: string, eventId: string, signature: string | null): boolean {
  if (!signature || !/^[0-9a-f]{64}$/.test(signature)) return false;
  const expected = Buffer.from(statusLinkSignature(secret, tenantKey, eventId));
  return timingSafeEqual(expected, Buffer.from(signature));
}
