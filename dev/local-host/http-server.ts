import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import type { HttpFunctionDeclaration } from '../../shared/hosting/function-declarations';
import { compileRoute } from './routes';

export interface AdminHandlers {
  /** `POST /admin/functions/{name}`: runs a non-HTTP function now, like the Functions host. */
  invokeFunction(name: string, input: string): Promise<boolean>;
}

export interface LocalHttpServerOptions {
  functions: HttpFunctionDeclaration[];
  admin: AdminHandlers;
  log: (line: string) => void;
  /** Largest request body the host buffers (the Functions host limit is 100 MB). */
  maxBodyBytes?: number;
}

/** Serves HTTP-triggered functions at `/api/<route>`, building the same request objects the host does. */
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
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new Error(`request body over ${max} bytes`);
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
