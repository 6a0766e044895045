// A counting HTTPS pass-through between the app (and the naive baseline) and the Graph simulator.
// It sees what goes over the wire, independent of the app's own telemetry: every HTTP round trip,
// every Graph request (each item of a `$batch` separately, with its own status), writes and 429s.
// The simulator's own counter (`stats()`) is read alongside as a cross-check.
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Graph request as executed: top level, or one item of a `$batch`. */
export interface MeteredRequest {
  /** ms since the epoch when the response came back through the meter. */
  at: number;
  method: string;
  /** Path without `/v1.0`, query and object ids (`/users/{id}/manager/$ref`). */
  route: string;
  status: number;
  inBatch: boolean;
}

export interface MeterTally {
  /** HTTP exchanges on the wire: a `$batch` envelope is one. */
  roundTrips: number;
  batchEnvelopes: number;
  /** `$batch` items answered 424 (a dependency failed): never run, not counted as requests. */
  batchItemsSkipped: number;
  /** Executed Graph requests, batch items included. */
  requests: MeteredRequest[];
}

const emptyTally = (): MeterTally => ({ roundTrips: 0, batchEnvelopes: 0, batchItemsSkipped: 0, requests: [] });

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
export function routeLabel(url: string): string {
  const path = new URL(url, 'https://graph.invalid').pathname.replace(/%24/gi, '$').replace(/^\/(v1\.0|beta)(?=\/)/, '');
  return path.replace(GUID, '{id}').split('/').map((s) => (s.includes('@') || s.includes('%40') ? '{upn}' : s)).join('/');
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'content-length']);
function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k.toLowerCase())) out[k] = v;
  return out;
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

export interface GraphMeter {
  /** `https://localhost:PORT`: give this to the app as GRAPH_BASE_URL. */
  url: string;
  /** Starts a new tally (what was counted so far is returned). */
  reset(): MeterTally;
  current(): MeterTally;
  inFlight(): number;
  /** ms since the epoch of the last request that started or finished. */
  lastActivity(): number;
  close(): Promise<void>;
}

export async function startGraphMeter(options: { upstreamPort: number; tls: { cert: string; key: string } }): Promise<GraphMeter> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 256 });
  let tally = emptyTally();
  let inFlight = 0;
  let lastActivity = Date.now();

  const account = (method: string, url: string, requestBody: Buffer, status: number, responseBody: Buffer) => {
    const at = Date.now();
    const target = tally;
    target.roundTrips += 1;
    const route = routeLabel(url);
    if (route === '/$batch' && method === 'POST') {
      target.batchEnvelopes += 1;
      const sent = (parseJson(requestBody) as { requests?: Array<{ id?: unknown; method?: unknown; url?: unknown }> } | undefined)?.requests ?? [];
      const answered = (parseJson(responseBody) as { responses?: Array<{ id?: unknown; status?: unknown }> } | undefined)?.responses ?? [];
      const statusOf = new Map(answered.map((r) => [String(r.id), Number(r.status)]));
      for (const item of sent) {
        const itemStatus = statusOf.get(String(item.id));
        if (itemStatus === undefined) continue; // the whole batch was refused: nothing ran
        if (itemStatus === 424) {
          target.batchItemsSkipped += 1;
          continue;
        }
        target.requests.push({ at, method: String(item.method ?? 'GET').toUpperCase(), route: routeLabel(String(item.url ?? '/')), status: itemStatus, inBatch: true });
      }
      return;
    }
    target.requests.push({ at, method, route, status, inBatch: false });
  };

  const server = https.createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    inFlight += 1;
    lastActivity = Date.now();
    const done = () => {
      inFlight -= 1;
      lastActivity = Date.now();
    };
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = (req.method ?? 'GET').toUpperCase();
      const url = req.url ?? '/';
      const upstream = https.request(
        {
          host: '127.0.0.1',
          servername: 'localhost',
          port: options.upstreamPort,
          method,
          path: url,
          agent,
          headers: { ...forwardable(req.headers), host: `localhost:${options.upstreamPort}`, 'content-length': String(body.length) },
        },
        (answer) => {
          const back: Buffer[] = [];
          answer.on('data', (c: Buffer) => back.push(c));
          answer.on('end', () => {
            const responseBody = Buffer.concat(back);
            const status = answer.statusCode ?? 0;
            account(method, url, body, status, responseBody);
            res.writeHead(status, { ...forwardable(answer.headers), 'content-length': String(responseBody.length) });
            res.end(responseBody);
            done();
          });
          answer.on('error', () => {
            res.destroy();
            done();
          });
        },
      );
      upstream.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'BenchMeterUpstreamError', message: error.message } }));
        done();
      });
      upstream.end(body);
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `https://localhost:${port}`,
    reset: () => {
      const previous = tally;
      tally = emptyTally();
      return previous;
    },
    current: () => tally,
    inFlight: () => inFlight,
    lastActivity: () => lastActivity,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
