import { randomBytes, timingSafeEqual } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A simulated Workday Report-as-a-Service endpoint (dev and test only): custom reports served the
 * way RaaS serves them, so the HR report poller (shared/polling) is tested over HTTPS against
 * something that disagrees with it where Workday would. What each behaviour rests on — documented,
 * or recollected — is in README.md beside it.
 */

export type ReportRow = Record<string, string | number | boolean | null | undefined>;

export interface ReportServerOptions {
  /** 0 = a free port. */
  port?: number;
  tls: { cert: string; key: string };
  /** The Workday tenant name in every path (`/ccx/service/customreport2/<tenant>/…`). */
  tenant?: string;
  /** The integration system user allowed to run reports (HTTP Basic). */
  isu?: { username: string; password: string };
  /** An API client for integrations whose refresh token the token endpoint exchanges. */
  oauth?: { clientId: string; clientSecret: string; refreshToken: string };
}

/** A fault for the next requests of a report: a status, a body in place of the report, or a delay. */
export interface ReportFault {
  status?: number;
  body?: string;
  contentType?: string;
  delayMs?: number;
  /** How many requests it applies to (default: until cleared). */
  times?: number;
}

export interface ObservedReportRequest {
  method: string;
  path: string;
  format: string | null;
  auth: 'basic' | 'bearer' | 'none' | 'refused';
  status: number;
}

export interface RunningReportServer {
  /** `https://localhost:PORT` */
  url: string;
  tokenUrl: string;
  /** The RaaS URL of a report: `…/ccx/service/customreport2/<tenant>/<owner>/<report>?format=json`. */
  reportUrl(report: string, format: 'json' | 'csv', owner?: string): string;
  /** The report's rows from now on (a column missing or empty in a row is a field with no value). */
  setReport(report: string, rows: readonly ReportRow[], owner?: string): void;
  setFault(report: string, fault: ReportFault | undefined): void;
  requests(): ObservedReportRequest[];
  close(): Promise<void>;
}

const REPORT_PATH = /^\/ccx\/service\/customreport2\/([^/]+)\/([^/]+)\/([^/]+)$/;
const TOKEN_PATH = /^\/ccx\/oauth2\/([^/]+)\/token$/;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** RaaS JSON leaves out a field with no value; every value comes as text. */
function jsonBody(rows: readonly ReportRow[]): string {
  const entries = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [k, String(v)])));
  return JSON.stringify({ Report_Entry: entries });
}

function csvCell(value: ReportRow[string]): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row of every column (first appearance order), then one line per row, CRLF-terminated (RFC 4180). */
function csvBody(rows: readonly ReportRow[]): string {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return [columns.map(csvCell).join(','), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(','))].map((line) => `${line}\r\n`).join('');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startReportServer(options: ReportServerOptions): Promise<RunningReportServer> {
  const tenant = options.tenant ?? 'contoso';
  const isu = options.isu ?? { username: 'ISU_Lifecycle', password: 'isu-password-0123456789' };
  const reports = new Map<string, ReportRow[]>();
  const faults = new Map<string, ReportFault>();
  const tokens = new Set<string>();
  const observed: ObservedReportRequest[] = [];

  const send = (res: ServerResponse, status: number, body: string, contentType: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  };

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    const client = basicCredentials(req.headers.authorization);
    const oauth = options.oauth;
    // RFC 6749 §5.2: a client that fails to authenticate is invalid_client (401), a bad grant invalid_grant (400).
    if (!oauth || !client || !same(client.user, oauth.clientId) || !same(client.password, oauth.clientSecret)) {
      return send(res, 401, JSON.stringify({ error: 'invalid_client' }), 'application/json', { 'www-authenticate': 'Basic realm="token"' });
    }
    if (form.get('grant_type') !== 'refresh_token') return send(res, 400, JSON.stringify({ error: 'unsupported_grant_type' }), 'application/json');
    if (!same(form.get('refresh_token') ?? '', oauth.refreshToken)) return send(res, 400, JSON.stringify({ error: 'invalid_grant' }), 'application/json');
    const accessToken = randomBytes(24).toString('base64url');
    tokens.add(accessToken);
    send(res, 200, JSON.stringify({ access_token: accessToken, token_type: 'Bearer', refresh_token: oauth.refreshToken }), 'application/json;charset=UTF-8');
  }

  function authOf(req: IncomingMessage): ObservedReportRequest['auth'] {
    const header = req.headers.authorization;
    if (!header) return 'none';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    if (bearer) return tokens.has(bearer[1] as string) ? 'bearer' : 'refused';
    const basic = basicCredentials(header);
    return basic && same(basic.user, isu.username) && same(basic.password, isu.password) ? 'basic' : 'refused';
  }

  async function report(req: IncomingMessage, res: ServerResponse, url: URL, match: RegExpExecArray): Promise<number> {
    const [, pathTenant, owner, name] = match as unknown as [string, string, string, string];
    const auth = authOf(req);
    const format = url.searchParams.get('format');
    const note = (status: number) => observed.push({ method: req.method ?? '', path: url.pathname, format, auth, status });
    if (auth === 'none' || auth === 'refused') {
      note(401);
      send(res, 401, 'Unauthorized', 'text/plain', { 'www-authenticate': `Basic realm="${tenant}"` });
      return 401;
    }
    const rows = pathTenant === tenant ? reports.get(`${owner}/${name}`) : undefined;
    if (!rows) {
      note(404);
      send(res, 404, 'Not Found', 'text/plain');
      return 404;
    }
    const fault = faults.get(name);
    if (fault) {
      if (fault.times !== undefined && --fault.times <= 0) faults.delete(name);
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs).unref());
      if (fault.status !== undefined || fault.body !== undefined) {
        const status = fault.status ?? 200;
        note(status);
        send(res, status, fault.body ?? '', fault.contentType ?? 'text/plain');
        return status;
      }
    }
    if (format === 'json') send(res, 200, jsonBody(rows), 'application/json;charset=UTF-8');
    else if (format === 'csv') send(res, 200, csvBody(rows), 'text/csv;charset=UTF-8');
    else {
      // RaaS also serves Workday XML (the default), simple XML, RSS and GData; the simulator does not.
      note(400);
      send(res, 400, 'The simulator serves format=json and format=csv only', 'text/plain');
      return 400;
    }
    note(200);
    return 200;
  }

  const server = https.createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const reportMatch = REPORT_PATH.exec(url.pathname);
    const tokenMatch = TOKEN_PATH.exec(url.pathname);
    const handled =
      req.method === 'GET' && reportMatch
        ? report(req, res, url, reportMatch)
        : req.method === 'POST' && tokenMatch && tokenMatch[1] === tenant
          ? token(req, res)
          : Promise.resolve(send(res, 404, 'Not Found', 'text/plain'));
    handled.catch(() => {
      if (!res.headersSent) send(res, 500, 'Internal Server Error', 'text/plain');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `https://localhost:${(server.address() as AddressInfo).port}`;
  const key = (report: string, owner = isu.username) => `${owner}/${report}`;

  return {
    url,
    tokenUrl: `${url}/ccx/oauth2/${tenant}/token`,
    reportUrl: (report, format, owner = isu.username) => `${url}/ccx/service/customreport2/${encodeURIComponent(tenant)}/${encodeURIComponent(owner)}/${encodeURIComponent(report)}?format=${format}`,
    setReport: (report, rows, owner) => void reports.set(key(report, owner), rows.map((r) => ({ ...r }))),
    setFault: (report, fault) => void (fault ? faults.set(report, { ...fault }) : faults.delete(report)),
    requests: () => [...observed],
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
