import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The token in a custom step's callback URL (`POST /api/callbacks/{token}`) is a capability: it
 * names one call of one step of one event, and its MAC — under that step's own secret — proves we
 * issued it. It is checked before anything is read from storage, so a guessed or altered token
 * costs nothing but a lookup in the tenant configuration (to find which secret to check it with).
 *
 * Format: `v1.<base64url(JSON [tenant, eventId, point, step, callId])>.<base64url(HMAC-SHA256)>`.
 * The MAC covers a label and the claims part, so it can never be mistaken for a body signature
 * (`"<ts>.<body>"`, shared/security/hmac-signature.ts) made with the same secret.
 */

export interface CallbackClaims {
  tenant: string;
  eventId: string;
  /** Where the step runs (`before-licences`, `account-created`, …): with the name, it finds the step in the policy. */
  point: string;
  step: string;
  /** One per call of the step: a callback for an earlier call (before a replay) is told apart. */
  callId: string;
}

const VERSION = 'v1';
const MAC_LABEL = 'custom-step-callback\n';
const CLAIM = /^[A-Za-z0-9._:@~-]{1,128}$/;
const TOKEN = /^v1\.([A-Za-z0-9_-]{1,1024})\.([A-Za-z0-9_-]{43})$/;

/** 96 random bits, base64url. */
export function newCallId(): string {
  return randomBytes(12).toString('base64url');
}

export function issueCallbackToken(secret: string, claims: CallbackClaims): string {
  const fields = [claims.tenant, claims.eventId, claims.point, claims.step, claims.callId];
  if (!fields.every((f) => CLAIM.test(f))) throw new Error('callback claims must be ids (letters, digits and . _ : @ ~ -)');
  const body = Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
  return `${VERSION}.${body}.${mac(secret, body).toString('base64url')}`;
}

/**
 * What a token claims, before its MAC is checked (the claims say which secret checks it). Anything
 * that is not a well-formed token is undefined; the caller must then `verifyCallbackToken`.
 */
export function readCallbackClaims(token: string): CallbackClaims | undefined {
  const match = TOKEN.exec(token);
  if (!match) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(match[1] as string, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length !== 5 || !fields.every((f) => typeof f === 'string' && CLAIM.test(f))) return undefined;
  const [tenant, eventId, point, step, callId] = fields as string[];
  return { tenant: tenant as string, eventId: eventId as string, point: point as string, step: step as string, callId: callId as string };
}

export function verifyCallbackToken(secret: string, token: string): boolean {
  const match = TOKEN.exec(token);
  if (!match) return false;
  const expected = mac(secret, match[1] as string);
  const given = Buffer.from(match[2] as string, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(MAC_LABEL).update(body).digest();
}
