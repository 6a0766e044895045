import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';

import { batchItemHeaders } from './batch';
import { retryAfterMs } from './errors';
import type { GraphGovernor, ResponseSignal } from './governor';
import { estimateResourceUnits } from './resource-units';
import { requestKey, scopeKey, serviceScopeOf } from './service-scope';

/**
 * Marks a request whose write token was taken beforehand (`GraphGovernor.reserveWrite`). Only
 * the first try uses it: an SDK retry of the same request takes a new token like any write.
 */
export class ReservedWrite implements MiddlewareOptions {
  used = false;
}

/**
 * Whether a request spends Graph's write budget. A `$batch` envelope is a POST, but Graph
 * charges its items one by one: it writes only if one of its items does (an unreadable body
 * counts as a write, the safe side).
 */
export function isWriteRequest(method: string | undefined, url: string, body: unknown): boolean {
  if ((method ?? 'GET').toUpperCase() === 'GET') return false;
  if (!isBatch(url)) return true;
  const requests = batchRequests(body);
  return requests === undefined || requests.some((r) => (r.method ?? 'GET').toUpperCase() !== 'GET');
}

const isBatch = (url: string): boolean => /\/\$batch(\?|$)/.test(url);

type BatchRequest = { id?: unknown; method?: string; url?: unknown };

function batchRequests(body: unknown): BatchRequest[] | undefined {
  try {
    const { requests } = JSON.parse(String(body)) as { requests?: BatchRequest[] };
    return Array.isArray(requests) ? requests : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a response told the governor. A `$batch` envelope is 200 even when Graph throttled items
 * in it, each with its own Retry-After (https://learn.microsoft.com/graph/throttling#throttling-and-batching),
 * so its items are read too: a throttled item is reported like a 429 of its own, each item held
 * until its own Retry-After (the caller asks it again on its own), and the envelope's signal is
 * a 429 with the longest of them, which closes the tenant's gate only if the items show the
 * budget spent (governor.ts).
 */
async function signalOf(response: Response | undefined, isWrite: boolean, method: string | undefined, url: string, body: unknown): Promise<ResponseSignal> {
  const signal = headerSignal(response?.status ?? 0, isWrite, response?.headers);
  if (signal.status === 429 && !isBatch(url)) return { ...signal, refused: [{ key: requestKey(method, url), ...retryOf(signal) }] };
  if (!response?.ok || !isBatch(url)) return signal;
  let items: Array<{ id?: unknown; status?: unknown; headers?: unknown }>;
  try {
    const { responses } = (await response.clone().json()) as { responses?: unknown };
    items = Array.isArray(responses) ? responses.filter((r): r is object => typeof r === 'object' && r !== null) : [];
  } catch {
    return signal; // unreadable: the SDK's own parse of it fails the call
  }
  const sent = new Map((batchRequests(body) ?? []).map((r) => [String(r.id), r]));
  const methodOf = (item: { id?: unknown }) => (sent.get(String(item.id))?.method ?? 'GET').toUpperCase();
  const answers = items.map((item) => ({ item, ...headerSignal(Number(item.status), methodOf(item) !== 'GET', batchItemHeaders(item)) }));
  const throttled = answers.filter((a) => a.status === 429);
  const pressure = Math.max(signal.limitPercentage ?? 0, ...answers.map((a) => a.limitPercentage ?? 0));
  if (throttled.length === 0) return { ...signal, ...(pressure > 0 ? { limitPercentage: pressure } : {}) };
  const waits = throttled.map((a) => a.retryAfterMs).filter((w): w is number => w !== undefined);
  const itemUrl = (item: { id?: unknown }) => sent.get(String(item.id))?.url;
  return {
    status: 429,
    isWrite: throttled.some((a) => a.isWrite),
    ...(waits.length > 0 ? { retryAfterMs: Math.max(...waits) } : {}),
    ...(pressure > 0 ? { limitPercentage: pressure } : {}),
    ...appWideOf(throttled),
    ...(throttled.some((a) => a.writeBudgetSpent) ? { writeBudgetSpent: true } : {}),
    ...(throttled.some((a) => a.tenantBudgetSpent) ? { tenantBudgetSpent: true } : {}),
    refused: throttled.flatMap((a) => {
      const target = itemUrl(a.item);
      return typeof target === 'string' ? [{ key: requestKey(methodOf(a.item), target), ...retryOf(a) }] : [];
    }),
    ...(answers.some((a) => a.status !== 429 && a.status < 500) ? { partlyAnswered: true } : {}),
  };
}

const retryOf = (signal: ResponseSignal): { retryAfterMs?: number } => (signal.retryAfterMs !== undefined ? { retryAfterMs: signal.retryAfterMs } : {});

/** A batch's throttled items are the app's limit only if every one of them says so; `all` if any does. */
function appWideOf(throttled: ResponseSignal[]): Pick<ResponseSignal, 'appWide'> {
  if (!throttled.every((a) => a.appWide)) return {};
  return { appWide: throttled.some((a) => a.appWide === 'all') ? 'all' : 'writes' };
}

function headerSignal(status: number, isWrite: boolean, headers: Headers | undefined): ResponseSignal {
  const retryAfter = retryAfterMs(headers);
  const percentage = headers?.get('x-ms-throttle-limit-percentage');
  // `<Scope>/<Limit>/<ApplicationId>/<TenantId>` on a throttled response, Limit `Read`, `Write` or
  // `ReadWrite` (https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits).
  const scope = status === 429 ? /^(\w+)\/(\w+)/i.exec(headers?.get('x-ms-throttle-scope') ?? '') : null;
  const [who, limit] = scope ? [(scope[1] as string).toLowerCase(), (scope[2] as string).toLowerCase()] : [];
  return {
    status,
    isWrite,
    ...(who === 'application' ? { appWide: limit === 'write' ? ('writes' as const) : ('all' as const) } : {}),
    ...(who && who !== 'application' && limit === 'write' ? { writeBudgetSpent: true } : {}),
    ...(who && who !== 'application' ? { tenantBudgetSpent: true } : {}),
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    ...(percentage && Number.isFinite(Number(percentage)) ? { limitPercentage: Number(percentage) } : {}),
  };
}

/**
 * Every try, the SDK's retries included, passes the tenant's governor just before it goes on
 * the wire, and tells it how Graph answered.
 */
export class GovernorMiddleware implements Middleware {
  private nextMiddleware: Middleware | undefined;

  constructor(private readonly governor: GraphGovernor) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const scope = scopeKey(serviceScopeOf(url));
    // Only the directory's writes spend its write budget; Outlook's and SharePoint's have their own limits.
    const isWrite = scope === 'directory' && isWriteRequest(context.options?.method, url, context.options?.body);
    const reservation = context.middlewareControl?.getMiddlewareOptions(ReservedWrite) as ReservedWrite | undefined;
    const reserved = isWrite && reservation !== undefined && !reservation.used;
    if (reservation) reservation.used = true;
    const method = context.options?.method;
    const release = await this.governor.acquire(isWrite, reserved, estimateResourceUnits(method, url, context.options?.body), scope, requestKey(method, url));
    try {
      await this.nextMiddleware?.execute(context);
    } finally {
      release(await signalOf(context.response, isWrite, method, url, context.options?.body));
    }
  }

  setNext(next: Middleware): void {
    this.nextMiddleware = next;
  }
}
