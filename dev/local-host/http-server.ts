import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import type { HttpFunctionDeclaration } from '../../shared/hosting/function-declarations';
import { LOCAL_PEER_HEADER } from '../../shared/console/principal';
import { compileRoute } from './routes';

export interface AdminHandlers {
  /** `POST /admin/functions/{name}`: runs a non-HTTP function now, like the Functions host. */
  invokeFunction(name: string, input: string): Promise<boolean>;
  /** `POST /admin/queues/{queue}/messages`: one message on a local queue (what a ticketing tool does in Azure). */
  sendMessage(queue: string, body: unknown): Promise<QueueSendOutcome>;
}

export type QueueSendOutcome = { sent: true; messageId: string } | { sent: false; status: 400 | 410; error: string };

/**
 * The Service Bus Standard tier's message size limit (the Service Bus quotas page,
 * https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas); counted here on
 * the body alone, where Service Bus also counts the properties.
 */
const MAX_MESSAGE_BYTES = 256 * 1024;

export interface LocalHttpServerOptions {
  functions: HttpFunctionDeclaration[];
  admin: AdminHandlers;
  log: (line: string) => void;
  /** Largest request body the host buffers (the Functions host limit is 100 MB). */
  maxBodyBytes?: number;
}

/**
 * Serves HTTP-triggered functions at `/api/<route>`, building the same request objects the host
 * does, and the host's `/admin/...` routes outside `/api`. The local host binds this server to
 * loopback only, so the admin routes are reachable only from this machine.
 */
export function createLocalHttpServer(options: LocalHttpServerOptions): Server {
  const routes = options.functions.map((fn) => ({ fn, route: compileRoute(fn.route) }));
  const maxBody = options.maxBodyBytes ?? 100 * 1024 * 1024;

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log(`[local-host] unhandled error: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) writeJson(res, 500, { error: 'InternalServerError' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const method = (req.method ?? 'GET').toUpperCase();
    // A broken %-escape in the path is the caller's error, as the Functions host answers it.
    if (!decodesCleanly(url.pathname)) return writeJson(res, 400, { error: 'BadRequest', message: 'the request path has a malformed percent-encoding' });

    const admin = /^\/admin\/functions\/([^/]+)$/i.exec(url.pathname);
    if (admin && method === 'POST') {
      const body = await readBody(req, maxBody);
      let input = '';
      try {
        input = body.length ? String((JSON.parse(body.toString('utf8')) as { input?: unknown }).input ?? '') : '';
      } catch {
        return writeJson(res, 400, { error: 'body must be {"input": "..."}' });
      }
      const found = await options.admin.invokeFunction(decodeURIComponent(admin[1] as string), input);
      res.writeHead(found ? 202 : 404).end();
      return;
    }

    const queue = /^\/admin\/queues\/([^/]+)\/messages$/i.exec(url.pathname);
    if (queue && method === 'POST') return sendToQueue(decodeURIComponent(queue[1] as string), req, res);

    if (!url.pathname.toLowerCase().startsWith('/api/')) return writeJson(res, 404, { error: 'NotFound' });
    const path = url.pathname.slice('/api'.length);
    let methodMismatch = false;
    for (const { fn, route } of routes) {
      const params = route.match(path);
      if (!params) continue;
      if (!fn.methods.includes(method as (typeof fn.methods)[number])) {
        methodMismatch = true;
        continue;
      }
      const body = await readBody(req, maxBody);
      const request = new HttpRequest({
        method,
        url: url.toString(),
        headers: flattenHeaders(req),
        query: Object.fromEntries(url.searchParams),
        params,
        ...(body.length ? { body: { bytes: body } } : {}),
      });
      const invocationId = randomUUID();
      const context = new InvocationContext({
        invocationId,
        functionName: fn.name,
        logHandler: (level, ...args) => options.log(`[${fn.name}] ${level}: ${args.map(String).join(' ')}`),
      });
      const started = Date.now();
      const response = await fn.handler(request, context);
      await writeResponse(res, response);
      options.log(`[local-host] ${method} ${url.pathname} -> ${response.status ?? 200} (${fn.name}, ${Date.now() - started} ms)`);
      return;
    }
    writeJson(res, methodMismatch ? 405 : 404, { error: methodMismatch ? 'MethodNotAllowed' : 'NotFound' });
  }

  /**
   * Modelled on Service Bus's REST Send Message (https://learn.microsoft.com/rest/api/servicebus/send-message-to-queue):
   * the body is the payload; 201 sent, 400 bad request, 403 message too large, 410 no such queue.
   * The body must be JSON and is queued as the object it holds, as the SDK sends a JSON body.
   * Unlike Service Bus, the 201 carries the messageId (so `npm run send-ticket` can find a dead letter).
   */
  async function sendToQueue(name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_MESSAGE_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) return writeJson(res, 403, { error: `The message is larger than ${MAX_MESSAGE_BYTES} bytes, the Standard tier's limit.` });
      throw error;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return writeJson(res, 400, { error: 'The body must be the message as JSON (for a ticket, the ticket request).' });
    }
    const outcome = await options.admin.sendMessage(name, body);
    if (!outcome.sent) return writeJson(res, outcome.status, { error: outcome.error });
    options.log(`[local-host] POST /admin/queues/${name}/messages -> 201 (message ${outcome.messageId})`);
    writeJson(res, 201, { queue: name, messageId: outcome.messageId });
  }
}

class BodyTooLarge extends Error {}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    // The console's local mode asks who is on the socket's other end; a client's own copy is dropped.
    if (value !== undefined && name !== LOCAL_PEER_HEADER) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (req.socket.remoteAddress) headers[LOCAL_PEER_HEADER] = req.socket.remoteAddress;
  return headers;
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new BodyTooLarge(`request body over ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function writeResponse(res: ServerResponse, response: HttpResponseInit): Promise<void> {
  const headers = new Headers(response.headers as ConstructorParameters<typeof Headers>[0]);
  let payload: Buffer | undefined;
  if (response.jsonBody !== undefined) {
    payload = Buffer.from(JSON.stringify(response.jsonBody));
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  } else if (typeof response.body === 'string') {
    payload = Buffer.from(response.body);
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8');
  } else if (response.body instanceof Uint8Array) {
    payload = Buffer.from(response.body);
  } else if (response.body !== undefined && response.body !== null) {
    payload = Buffer.from(await new Response(response.body as ConstructorParameters<typeof Response>[0]).arrayBuffer());
  }
  const out: Record<string, string> = {};
  headers.forEach((value, key) => (out[key] = value));
  res.writeHead(response.status ?? 200, out);
  res.end(payload);
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function decodesCleanly(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}
