import { ApiError, type Me } from './api';
import { h } from './dom';

/** What a view gets: the hash's argument and query (`#worker/E1?tenant=x`) and who is looking. */
export interface ViewContext {
  arg: string | undefined;
  query: URLSearchParams;
  me: Me;
  /** Called when the view is left: stops polling. */
  onLeave(stop: () => void): void;
  /** Renders the view again (after an action), keeping the message line. */
  refresh(): void;
}

export type View = (ctx: ViewContext) => Promise<HTMLElement>;

export const canOperate = (me: Me): boolean => me.roles.includes('Operator');

/** `#view/arg?query` for links, with every value encoded. */
export function hashOf(view: string, arg?: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const qs = params.toString();
  return `#${view}${arg ? `/${encodeURIComponent(arg)}` : ''}${qs ? `?${qs}` : ''}`;
}

/** An error from a route, said in the page (and to screen readers). */
export function failure(error: unknown): HTMLElement {
  if (error instanceof ApiError && error.status === 403) return h('p', { className: 'error', role: 'alert' }, `Your role does not allow this (403): ${error.message}`);
  if (error instanceof ApiError && error.status === 401) {
    return h('p', { className: 'error', role: 'alert' }, `Not signed in (401): ${error.message}. `, error.login ? h('a', { href: error.login }, 'Sign in') : null);
  }
  return h('p', { className: 'error', role: 'alert' }, `Could not load: ${error instanceof Error ? error.message : String(error)}`);
}

