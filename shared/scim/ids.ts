import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json';
import { tenantScopedEventId } from '../domain/events';

/**
 * The ids a SCIM User is known by. The worker key is the store's row key: a hash of tenant and
 * externalId, so a filter `externalId eq "…"` is one point read, and the key holds none of the
 * characters Table keys refuse whatever a client sends. The resource id (RFC 7643 §3.1: stable,
 * never reassigned) adds the generation: a User deleted and created again with the same
 * externalId is a new resource, and the old id stays 404 as RFC 7644 §3.6 wants.
 */

export function workerKey(tenantId: string, externalId: string): string {
  return createHash('sha256').update(`${tenantId}\n${externalId}`, 'utf8').digest('base64url').slice(0, 22);
}

export function resourceId(key: string, generation: number): string {
  return `${key}.${generation}`;
}

/** The worker key and generation of a resource id, or undefined when it cannot be one of ours. */
export function parseResourceId(id: string): { key: string; generation: number } | undefined {
  const match = /^([A-Za-z0-9_-]{22})\.([1-9][0-9]{0,8})$/.exec(id);
  return match ? { key: match[1] as string, generation: Number(match[2]) } : undefined;
}

/**
 * A request's event id: the resource, the event the resource made before it (so A → B → A → B
 * are four events, not two), and what the event says. A client that retries the same request
 * before or after it was accepted sends the same content after the same predecessor: the same id,
 * which the ledger and Service Bus duplicate detection take as the one event it is.
 */
export function scimEventId(tenantId: string, resource: string, after: string | undefined, withoutId: Record<string, unknown>): string {
  const digest = createHash('sha256').update(canonicalJson({ resource, after: after ?? null, event: withoutId })).digest('hex').slice(0, 32);
  return tenantScopedEventId(tenantId, `scim-${digest}`);
}
