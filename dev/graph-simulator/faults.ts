import { GraphError } from './errors';
import type { FaultRule } from './types';

const defaults: Record<number, [code: string, message: string]> = {
  429: ['TooManyRequests', 'Too many requests.'],
  503: ['serviceNotAvailable', 'Service unavailable, please retry.'],
  504: ['UnknownError', 'Gateway timeout.'],
  500: ['generalException', 'An unexpected error occurred.'],
  400: ['Request_BadRequest', 'Injected bad request.'],
  403: ['Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
  404: ['Request_ResourceNotFound', 'Injected: resource does not exist or one of its queried reference-property objects are not present.'],
};

/**
 * Injected failures. A string path matches the request path (without `/v1.0`, without query)
 * exactly; a RegExp is tested against it. The first `times` matching requests fail.
 */
export class FaultSet {
  private rules: Array<{ rule: FaultRule; remaining: number }> = [];

  constructor(rules: FaultRule[] = []) {
    this.set(rules);
  }

  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => ({ rule, remaining: rule.times ?? Infinity }));
  }

  /** Consumes one use of the first matching rule and returns its error, if any. */
  take(method: string, path: string): GraphError | undefined {
    for (const entry of this.rules) {
      const { rule } = entry;
      if (entry.remaining <= 0) continue;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      const matches = typeof rule.path === 'string' ? rule.path === path : new RegExp(rule.path.source, rule.path.flags.replace('g', '')).test(path);
      if (!matches) continue;
      entry.remaining -= 1;
      const [code, message] = defaults[rule.status] ?? ['UnknownError', 'Injected failure.'];
      const headers: Record<string, string> = {};
      if (rule.status === 429 || rule.status === 503 || rule.retryAfterSeconds !== undefined) headers['Retry-After'] = String(rule.retryAfterSeconds ?? 1);
      return new GraphError(rule.status, rule.code ?? code, rule.message ?? message, headers);
    }
    return undefined;
  }
}
