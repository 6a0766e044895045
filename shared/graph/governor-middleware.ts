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
 * Every try, the SDK's retries included, passes the tenant's governor just before it goes on
 * the wire, and tells it how Graph answered.
 */
export class GovernorMiddleware implements Middleware {
  private nextMiddleware: Middleware | undefined;

  constructor(private readonly governor: GraphGovernor) {}

  async execute(context: Context): Promise<void> {
    const isWrite = (context.options?.method ?? 'GET').toUpperCase() !== 'GET';
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
