import { request, type RequestOptions } from 'node:https';
import { signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../security/hmac-signature';
import { EndpointNotAllowedError, guardedLookup } from '../../security/outbound-endpoint';

/** Longest a receiver may take to answer; Logic Apps' and Automation webhooks' triggers answer 202 at once. */
export const CALL_TIMEOUT_MS = 10_000;
/** How much of a refusal's body is kept to say why (a receiver's error text, not a value of ours). */
const EXCERPT_BYTES = 2_048;

export type CallResult =
  | { kind: 'accepted'; status: number }
  /** A 4xx (or a redirect, which is not followed): the same call would be refused again. */
  | { kind: 'refused'; status: number; excerpt: string }
  /** 408, 429, 5xx, no answer in time, no connection: worth calling again later. */
  | { kind: 'unavailable'; reason: string; retryAfterMs?: number }
  /** The host resolved to an address the app may not call (loopback, private, link-local). */
  | { kind: 'not-allowed'; reason: string };

/**
 * POSTs one signed JSON body, as our other webhooks are signed (`X-Signature: sha256=HMAC(secret,
 * "<ts>.<body>")`, `X-Signature-Timestamp`). Through node:https rather than fetch: its `lookup`
 * checks every address the host resolves to at connect time, and redirects are never followed (a
 * 3xx could point anywhere, a private address included). Never throws for what the receiver does.
 */
export async function postSigned(url: string, body: string, secret: string, options: { allowPrivate: boolean; now: Date; timeoutMs?: number }): Promise<CallResult> {
  const timestamp = Math.floor(options.now.getTime() / 1000);
  const requestOptions: RequestOptions = {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signPayload(secret, timestamp, body),
    },
    lookup: guardedLookup({ allowPrivate: options.allowPrivate }),
    agent: false,
    signal: AbortSignal.timeout(options.timeoutMs ?? CALL_TIMEOUT_MS),
  };
  return new Promise<CallResult>((resolve) => {
    const req = request(url, requestOptions, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < EXCERPT_BYTES) chunks.push(chunk);
        size += chunk.length;
        if (size >= EXCERPT_BYTES) res.destroy();
      });
      const done = () => resolve(classify(status, res.headers['retry-after'], Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8')));
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.on('error', (error: Error & { code?: string }) => {
      if (error instanceof EndpointNotAllowedError || error.cause instanceof EndpointNotAllowedError) {
        resolve({ kind: 'not-allowed', reason: (error.cause instanceof Error ? error.cause : error).message });
        return;
      }
      const code = error.name === 'AbortError' || error.name === 'TimeoutError' ? `no answer within ${(options.timeoutMs ?? CALL_TIMEOUT_MS) / 1000} s` : (error.code ?? error.name);
      resolve({ kind: 'unavailable', reason: `unreachable (${code})` });
    });
    req.end(body);
  });
}

function classify(status: number, retryAfter: string | string[] | undefined, text: string): CallResult {
  if (status >= 200 && status < 300) return { kind: 'accepted', status };
  if (status === 408 || status === 429 || status >= 500 || status === 0) {
    const wait = retryAfterMs(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    return { kind: 'unavailable', reason: `answered ${status}`, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
  }
  return { kind: 'refused', status, excerpt: printable(text) };
}

/** `Retry-After` in seconds or as an HTTP date. */
function retryAfterMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** One line of at most 200 printable characters, for a step's error message. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
