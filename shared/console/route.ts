import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { services } from '../runtime/services';
import { consolePrincipal, refusal, requireRole, type ConsolePrincipal, type ConsoleRole } from './principal';

export type ConsoleHandler = (request: HttpRequest, principal: ConsolePrincipal) => Promise<HttpResponseInit>;

/**
 * A console JSON route: the caller's role is checked first, by the route itself (the page hiding a
 * button protects nothing); answers are never cached (they hold workers' data and change live).
 */
export function consoleRoute(role: ConsoleRole | 'signed-in', handler: ConsoleHandler): (request: HttpRequest) => Promise<HttpResponseInit> {
  return async (request) => {
    const { settings } = services();
    // `signed-in`: any principal, roles or none (the page asks who it is before it knows).
    const result = role === 'signed-in' ? consolePrincipal(request, settings) : requireRole(request, role, settings);
    if (!result.ok) return refusal(result);
    const response = await handler(request, result.principal);
    return { ...response, headers: { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...((response.headers as Record<string, string> | undefined) ?? {}) } };
  };
}

/** A 400 naming each invalid field, the same shape on every console route. */
export function invalid(issues: readonly { path: readonly PropertyKey[]; message: string }[]): HttpResponseInit {
  return { status: 400, jsonBody: { error: 'invalid request', issues: issues.map((i) => ({ field: i.path.map(String).join('.') || '(query)', message: i.message })) } };
}

/** The query string as a plain object, for a schema to read. */
export function queryOf(request: HttpRequest): Record<string, string> {
  return Object.fromEntries(request.query.entries());
}
