import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';

import { retryAfterMs } from './errors';
import type { GraphGovernor } from './governor';

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
  if (!/\/\$batch(\?|$)/.test(url)) return true;
  try {
    const { requests } = JSON.parse(String(body)) as { requests?: Array<{ method?: string }> };
    return !Array.isArray(requests) || requests.some((r) => (r.method ?? 'GET').toUpperCase() !== 'GET');
  } catch {
    return true;
  }
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
    const isWrite = isWriteRequest(context.options?.method, url, context.options?.body);
    const reservation = context.middlewareControl?.getMiddlewareOptions(ReservedWrite) as ReservedWrite | undefined;
    const reserved = isWrite && reservation !== undefined && !reservation.used;
    if (reservation) reservation.used = true;
    const release = await this.governor.acquire(isWrite, reserved);
    try {
      await this.nextMiddleware?.execute(context);
    } finally {
      const response = context.response;
      const retryAfter = retryAfterMs(response?.headers);
      const percentage = response?.headers.get('x-ms-throttle-limit-percentage');
      release({
        status: response?.status ?? 0,
        isWrite,
        ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
        ...(percentage && Number.isFinite(Number(percentage)) ? { limitPercentage: Number(percentage) } : {}),
      });
    }
  }

  setNext(next: Middleware): void {
    this.nextMiddleware = next;
  }
}
