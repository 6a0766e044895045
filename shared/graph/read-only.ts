import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { isWriteRequest } from './governor-middleware';

/**
 * A dry run reads the tenant and must never change it. Steps check their mode before each write;
 * this is the second check, below them all: inside `readOnly`, every Graph client refuses a write
 * before it leaves the process, so a step that forgets its mode fails loudly instead of applying.
 */
const scope = new AsyncLocalStorage<{ purpose: string }>();

export function readOnly<T>(purpose: string, work: () => Promise<T>): Promise<T> {
  return scope.run({ purpose }, work);
}

export class WriteInReadOnlyScopeError extends Error {
  constructor(purpose: string, method: string) {
    super(`a ${method} to Graph was refused: ${purpose} never writes (this is a defect in the step that sent it)`);
    this.name = 'WriteInReadOnlyScopeError';
  }
}

export class ReadOnlyGuard implements Middleware {
  private nextMiddleware: Middleware | undefined;

  async execute(context: Context): Promise<void> {
    const current = scope.getStore();
    if (current) {
      const url = typeof context.request === 'string' ? context.request : context.request.url;
      const method = context.options?.method ?? 'GET';
      if (isWriteRequest(method, url, context.options?.body)) throw new WriteInReadOnlyScopeError(current.purpose, method);
    }
    await this.nextMiddleware?.execute(context);
  }

  setNext(next: Middleware): void {
    this.nextMiddleware = next;
  }
}
