import https from 'node:https';
import { signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../security/hmac-signature';
import { endpointProblem, EndpointNotAllowedError, guardedLookup } from '../security/outbound-endpoint';

/** A notification that did not get through; the message names the receiver's status only, never the body or the address. */
export class NotificationDeliveryError extends Error {
  constructor(
    message: string,
    public readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'NotificationDeliveryError';
  }
}

export interface PostOptions {
  /** Names the receiver in errors ("manager webhook"), since the URL itself may carry a credential. */
  label: string;
  /** Private and loopback receivers only in local development (the local host), never in Azure. */
  allowPrivate: boolean;
  /** Sign like our other webhooks: `X-Signature: sha256=HMAC(secret, "<ts>.<body>")`, `X-Signature-Timestamp: <ts>`. */
  secret?: string;
  timeoutMs?: number;
  now?: () => Date;
}

/**
 * POSTs JSON once, to an address the outbound-endpoint rules allow (HTTPS; public addresses only
 * outside local development, checked again at connect time, so DNS cannot point it inside). A
 * receiver that is unreachable, times out, or answers 408, 429 or 5xx may take it later
 * (retryable); any other answer, a redirect included, will not change by trying again (permanent),
 * and its first line says why.
 */
export async function postJson(url: string, payload: unknown, options: PostOptions): Promise<void> {
  const { label, allowPrivate } = options;
  const problem = endpointProblem(url, { allowPrivate });
  if (problem) throw new NotificationDeliveryError(`${label} address ${problem}`, false);
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
  if (options.secret !== undefined) {
    const timestamp = Math.floor((options.now ?? (() => new Date()))().getTime() / 1000);
    headers[TIMESTAMP_HEADER] = String(timestamp);
    headers[SIGNATURE_HEADER] = signPayload(options.secret, timestamp, body);
  }
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = https.request(url, { method: 'POST', headers, lookup: guardedLookup({ allowPrivate }), timeout: options.timeoutMs ?? 10_000 }, (response) => {
      // The start of a refusal says why; the body we sent holds no secret, so an echo of it is harmless.
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < EXCERPT_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
    request.end(body);
  }).catch((error: unknown) => {
    if (error instanceof EndpointNotAllowedError) throw new NotificationDeliveryError(`${label} address: ${error.message}`, false);
    throw new NotificationDeliveryError(`${label} unreachable (${(error as { code?: string }).code ?? 'network error'})`, true);
  });
  if (status >= 200 && status < 300) return;
  const retryable = status === 408 || status === 429 || status >= 500;
  const why = retryable ? '' : printable(text);
  throw new NotificationDeliveryError(`${label} answered ${status}${why ? `: ${why}` : ''}`, retryable);
}

const EXCERPT_BYTES = 1_024;

/** One line of at most 200 printable characters. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
