import https from 'node:https';
import { endpointProblem, EndpointNotAllowedError, guardedLookup } from '../security/outbound-endpoint';
import type { ReportAuth, ReportSource } from './report-config';

/**
 * Fetching the report: one GET of the report URL (Workday RaaS: `GET …/ccx/service/customreport2/
 * <tenant>/<owner>/<report>?format=json`), authenticated as the source says. Outbound rules as for
 * every configured endpoint (shared/security/outbound-endpoint.ts): HTTPS, public addresses outside
 * local development (checked at connect time), no redirect followed. A failure says what happened —
 * the status, a network code, a limit — and never the URL, a credential or the body.
 */

export class ReportFetchError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ReportFetchError';
  }
}

export interface FetchedReport {
  body: string;
  contentType: string;
  bytes: number;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function request(url: string, init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }, source: ReportSource, what: string): Promise<Answer> {
  const problem = endpointProblem(url, { allowPrivate: source.allowPrivate });
  if (problem) return Promise.reject(new ReportFetchError(`the ${what} address ${problem}`));
  return new Promise<Answer>((resolve, reject) => {
    const started = Date.now();
    // The first reason wins: destroying the request also fails the response, with a vaguer error.
    let failure: ReportFetchError | undefined;
    const fail = (error: Error & { code?: string }) => {
      clearTimeout(deadline);
      failure ??= translate(error, what, source, Date.now() - started);
      reject(failure);
    };
    const req = https.request(url, { method: init.method, headers: init.headers, lookup: guardedLookup({ allowPrivate: source.allowPrivate }), timeout: source.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > source.maxBytes) {
          fail(new ReportFetchError(`the ${what} is larger than HR_REPORT_MAX_BYTES (${source.maxBytes} bytes)`));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(deadline);
        if (failure) reject(failure);
        else resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', fail);
    });
    // A whole-fetch deadline as well as the idle one: a server that trickles bytes must not hold the run.
    const timedOut = () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    const deadline = setTimeout(timedOut, source.timeoutMs);
    req.on('timeout', timedOut);
    req.on('error', fail);
    req.end(init.body);
  });
}

function translate(error: Error & { code?: string }, what: string, source: ReportSource, elapsedMs: number): ReportFetchError {
  if (error instanceof ReportFetchError) return error;
  if (error instanceof EndpointNotAllowedError) return new ReportFetchError(`the ${what} address: ${error.message}`);
  if (error.code === 'ETIMEDOUT') return new ReportFetchError(`the ${what} did not answer within ${Math.round(source.timeoutMs / 1000)} s (HR_REPORT_TIMEOUT_SECONDS; gave up after ${elapsedMs} ms)`);
  return new ReportFetchError(`the ${what} could not be reached (${error.code ?? 'network error'})`);
}

/** What a refusal means for the operator, by status; never the body, which may echo what was sent. */
function refusal(what: string, status: number): ReportFetchError {
  if (status === 401 || status === 403) return new ReportFetchError(`the ${what} answered ${status}: the credentials were refused or lack access to the report`);
  if (status >= 300 && status < 400) return new ReportFetchError(`the ${what} answered ${status} (a redirect, not followed: configure the final URL)`);
  if (status === 404) return new ReportFetchError(`the ${what} answered 404: no such report, or it is not enabled as a web service`);
  return new ReportFetchError(`the ${what} answered ${status}`);
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** OAuth 2.0 refresh-token grant (RFC 6749 §6), the client authenticated with HTTP Basic (§2.3.1). */
async function bearerToken(auth: Extract<ReportAuth, { type: 'oauth' }>, source: ReportSource): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: auth.refreshToken.reveal() }).toString();
  const answer = await request(
    auth.tokenUrl,
    {
      method: 'POST',
      headers: { authorization: basic(auth.clientId.reveal(), auth.clientSecret.reveal()), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      body,
    },
    source,
    'token endpoint',
  );
  if (answer.status !== 200) throw refusal('token endpoint', answer.status);
  let token: unknown;
  try {
    token = (JSON.parse(answer.body.toString('utf8')) as { access_token?: unknown }).access_token;
  } catch {
    throw new ReportFetchError('the token endpoint answered 200 without JSON');
  }
  if (typeof token !== 'string' || token === '') throw new ReportFetchError('the token endpoint answered without an access_token');
  return token;
}

/** The report as the server sent it; throws ReportFetchError. */
export async function fetchReport(source: ReportSource): Promise<FetchedReport> {
  const authorization = source.auth.type === 'basic' ? basic(source.auth.username.reveal(), source.auth.password.reveal()) : `Bearer ${await bearerToken(source.auth, source)}`;
  const accept = source.format === 'json' ? 'application/json' : 'text/csv';
  const answer = await request(source.url.reveal(), { method: 'GET', headers: { authorization, accept } }, source, 'report server');
  if (answer.status !== 200) throw refusal('report server', answer.status);
  const contentType = String(answer.headers['content-type'] ?? '');
  return { body: answer.body.toString('utf8'), contentType, bytes: answer.body.length };
}
