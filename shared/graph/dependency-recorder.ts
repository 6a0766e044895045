import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/** One Graph HTTP round trip as telemetry sees it: no bodies, no query values, no tokens. */
export interface GraphDependency {
  method: string;
  /** The path with object ids and UPNs replaced, e.g. `/users/{id}/assignLicense`. */
  route: string;
  status: number;
  durationMs: number;
  /** Graph's `request-id`, what Microsoft support asks for. */
  requestId?: string;
  /** The tenant whose client sent it (set by the tenant's client factory). */
  tenantId?: string;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export function routeOf(url: string): string {
  const path = new URL(url, 'https://graph.invalid').pathname.replace(/^\/(v1\.0|beta)/, '');
  return path
    .replace(GUID, '{id}')
    .split('/')
    .map((segment) => (segment.includes('@') || segment.includes('%40') ? '{upn}' : segment))
    .join('/');
}

/**
 * Sits just above the HTTP handler, below the SDK's retry handler, so every try is recorded —
 * a 429 that the SDK retried shows up as throttling instead of vanishing.
 */
export class DependencyRecorder implements Middleware {
  private nextMiddleware: Middleware | undefined;

  constructor(private readonly record: (dependency: GraphDependency) => void) {}

  async execute(context: Context): Promise<void> {
    const started = performance.now();
    const method = (context.options?.method ?? 'GET').toUpperCase();
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    try {
      await this.nextMiddleware?.execute(context);
    } finally {
      const response = context.response;
      const requestId = response?.headers.get('request-id') ?? undefined;
      this.record({
        method,
        route: routeOf(url),
        status: response?.status ?? 0,
        durationMs: Math.round(performance.now() - started),
        ...(requestId ? { requestId } : {}),
      });
    }
  }

  setNext(next: Middleware): void {
    this.nextMiddleware = next;
  }
}
