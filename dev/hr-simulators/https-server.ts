import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the HR API simulators share: an HTTPS server on loopback with the dev certificate (as the
 * Graph simulator: dev/graph-simulator/index.ts), a log of requests, injected faults, and the
 * webhook delivery an HR system makes to the app. Dev and test only; never deployed.
 */

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface SimReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** One request as the simulator saw it (tests check what the app sent); never the credentials themselves. */
export interface ObservedHrRequest {
  method: string;
  path: string;
  query: string;
  authorized: boolean;
  accept?: string;
  body?: string;
}

/** The next `times` API calls answer `status` (a 503 with Retry-After, a 429, a 500). */
export interface HrFaultRule {
  status: number;
  times: number;
  retryAfterSeconds?: number;
}

export class FaultQueue {
  private rules: HrFaultRule[] = [];

  set(rules: HrFaultRule[]): void {
    this.rules = rules.map((r) => ({ ...r }));
  }

  /** The fault to answer with now, if any is left. */
  take(): HrFaultRule | undefined {
    const rule = this.rules.find((r) => r.times > 0);
    if (rule) rule.times -= 1;
    return rule;
  }
}

const MAX_BODY = 1_048_576;

export interface RunningHttps {
  url: string;
  close(): Promise<void>;
}

export async function startHttps(tls: { cert: string; key: string }, port: number, handle: (request: SimRequest) => SimReply | Promise<SimReply>): Promise<RunningHttps> {
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      Promise.resolve(handle({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks) }))
        .catch((): SimReply => ({ status: 500, headers: { 'content-type': 'text/plain' }, body: 'simulator error' }))
        .then((reply) => {
          res.writeHead(reply.status, reply.headers ?? {});
          res.end(reply.body);
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `https://localhost:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The user and password of an `Authorization: Basic …` header (RFC 7617), or undefined. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** What the app answered a webhook delivery. */
export interface WebhookDelivery {
  status: number;
  response: string;
  /** The body that was posted, for a test to deliver again as the HR system's retry would. */
  body: string;
}

export async function deliver(url: string, body: string, headers: Record<string, string>): Promise<WebhookDelivery> {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, response: await response.text(), body };
}
