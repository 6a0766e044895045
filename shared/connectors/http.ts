import type { FetchResult, SourceRecord } from './port';

/**
 * One call to an HR API and what its answer means for a fetch, the same for every connector.
 * Redirects are not followed: the credentials go to the host the configuration names and nowhere
 * else. Nothing of the request (its Authorization header above all) or of an error body reaches
 * a result: reasons name the status and what to do, never a value.
 */

export interface ApiCall {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Says what to fix for 401 and 403, naming the app setting (never its value). */
  remedies: { unauthorized: string; forbidden: string };
  /** For messages: "BambooHR", "HiBob". */
  system: string;
}

export async function callHrApi(call: ApiCall): Promise<FetchResult> {
  let response: Response;
  try {
    response = await fetch(call.url, {
      method: call.method,
      headers: call.headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(call.timeoutMs),
      ...(call.body !== undefined ? { body: call.body } : {}),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { kind: 'transient', reason: timedOut ? `${call.system} did not answer within ${call.timeoutMs} ms` : `${call.system} could not be reached (${networkCode(error)})` };
  }
  const { status } = response;
  if (status === 200) return readRecord(response, call.system);
  await response.body?.cancel().catch(() => undefined);
  if (status === 404) return { kind: 'gone' };
  if (status === 401) return { kind: 'refused', code: 'Unauthorized', reason: `${call.system} answered 401: the credentials were refused`, remedy: call.remedies.unauthorized };
  if (status === 403) return { kind: 'refused', code: 'Forbidden', reason: `${call.system} answered 403: the API user may not read this employee or these fields`, remedy: call.remedies.forbidden };
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = retryAfter(response.headers.get('retry-after'));
    return { kind: 'transient', reason: `${call.system} answered ${status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status >= 300 && status < 400) {
    return { kind: 'refused', code: 'Redirected', reason: `${call.system} answered ${status} (a redirect, not followed)`, remedy: 'Check the API address configured for this connector, then replay.' };
  }
  return { kind: 'refused', code: `Http${status}`, reason: `${call.system} answered ${status}`, remedy: 'Check the connector configuration and the fields the mapping reads, then replay.' };
}

/** Employee records are small; a body far larger is not one. */
const MAX_RECORD_BYTES = 1_048_576;

async function readRecord(response: Response, system: string): Promise<FetchResult> {
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const text = await response.text();
  if (type !== 'application/json' || text.length > MAX_RECORD_BYTES) {
    return { kind: 'refused', code: 'UnexpectedResponse', reason: `${system} answered 200 with ${type || 'no content type'} instead of a JSON employee record`, remedy: 'Check the API address configured for this connector, then replay.' };
  }
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) return { kind: 'found', record: json as SourceRecord };
  } catch {
    // Falls through: the same answer as any other body that is not an object.
  }
  return { kind: 'refused', code: 'UnexpectedResponse', reason: `${system} answered 200 with a body that is not a JSON object`, remedy: 'Check the API address configured for this connector, then replay.' };
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3); absent or unreadable: none. */
function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d{1,6}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}

/** Basic authentication (RFC 7617): `user:password`, base64. */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}
