import { badRequest, SCHEMAS } from './protocol';
import { USER_ATTRIBUTE_NAMES } from './schemas';

/** A User as stored: what the client sent that this service provider keeps (no id, meta or password). */
export type ScimUserResource = Record<string, unknown> & { schemas: string[]; userName: string; externalId: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** externalId becomes the resource's key; userName is matched case-insensitively. Longer is not a person. */
const MAX_ID_LENGTH = 256;

/**
 * A User from a client's POST or PUT (or a PATCH's result), kept as this service provider's schema
 * says: `id` and `meta` are read-only and ignored (RFC 7644 §3.3, §3.5.1); `password` is never
 * kept (RFC 7643 §4.1.1: returned "never"; HR does not set passwords here); attributes outside the
 * core User, the enterprise extension and the custom extensions `schemas` lists are dropped.
 * `active` sent as "True"/"False" — as some clients send it — is read as the boolean it means.
 * Problems name the attribute, never its value.
 */
export function acceptUser(body: unknown): ScimUserResource {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'The body must be a SCIM User (a JSON object).');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) throw badRequest('invalidSyntax', 'schemas: must be an array of schema URIs.');
  const listed = new Set(schemas.map((s) => s.toLowerCase()));
  if (!listed.has(SCHEMAS.user.toLowerCase())) throw badRequest('invalidSyntax', `schemas: must include ${SCHEMAS.user}.`);

  const user: Record<string, unknown> = { schemas: [...new Set(schemas)] };
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas' || lower === 'id' || lower === 'meta' || lower === 'password') continue;
    if (lower === 'externalid') user.externalId = value;
    else if (USER_ATTRIBUTE_NAMES.has(lower)) user[USER_ATTRIBUTE_NAMES.get(lower) as string] = value;
    else if (lower === SCHEMAS.enterpriseUser.toLowerCase()) user[SCHEMAS.enterpriseUser] = value;
    else if (lower.startsWith('urn:') && listed.has(lower)) user[key] = value;
  }
  user.userName = requiredText(user.userName, 'userName');
  user.externalId = requiredText(user.externalId, 'externalId', ' (it identifies the worker here)');
  if (user.active !== undefined) user.active = activeFlag(user.active);
  for (const key of Object.keys(user)) if (key.startsWith('urn:') && !isObject(user[key])) throw badRequest('invalidValue', `${key}: must be an object of that schema's attributes.`);
  return user as ScimUserResource;
}

function requiredText(value: unknown, field: string, why = ''): string {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) throw badRequest('invalidValue', `${field}: is required${why}.`);
  if (typeof value !== 'string') throw badRequest('invalidValue', `${field}: must be a string.`);
  if (value.length > MAX_ID_LENGTH) throw badRequest('invalidValue', `${field}: must be at most ${MAX_ID_LENGTH} characters.`);
  return value.trim();
}

function activeFlag(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw badRequest('invalidValue', 'active: must be true or false.');
}

/** Whether the worker is gone: `active: false` (absent means active, as Entra reads it). */
export function isInactive(user: ScimUserResource): boolean {
  return user.active === false;
}

export interface ResourceMeta {
  id: string;
  created: string;
  lastModified: string;
  location: string;
}

/** The User as a client reads it (RFC 7643 §3.1): what was accepted, with its id and meta. */
export function presentUser(user: ScimUserResource, meta: ResourceMeta): Record<string, unknown> {
  const { schemas, ...rest } = user;
  return {
    schemas: [SCHEMAS.user, ...schemas.filter((s) => s.toLowerCase() !== SCHEMAS.user.toLowerCase())],
    id: meta.id,
    ...rest,
    meta: { resourceType: 'User', created: meta.created, lastModified: meta.lastModified, location: meta.location },
  };
}

/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): a comma-separated list of
 * attribute names, `name.givenName` for a sub-attribute, optionally prefixed with a schema URN.
 * `id` and `schemas` are always returned (RFC 7643 §3.1, §7 "returned: always").
 */
export function projectUser(resource: Record<string, unknown>, selection: { attributes?: string[]; excluded?: string[] }): Record<string, unknown> {
  const paths = (list: string[]) => list.map((item) => splitPath(item.trim())).filter((p) => p.length > 0);
  if (selection.attributes) {
    const out: Record<string, unknown> = { schemas: resource.schemas, id: resource.id };
    for (const [top, sub] of paths(selection.attributes)) {
      const key = findKey(resource, top as string);
      if (key === undefined) continue;
      if (sub === undefined) out[key] = resource[key];
      else {
        const inner = resource[key];
        const subKey = isObject(inner) ? findKey(inner, sub) : undefined;
        if (isObject(inner) && subKey !== undefined) out[key] = { ...(isObject(out[key]) ? (out[key] as Record<string, unknown>) : {}), [subKey]: inner[subKey] };
      }
    }
    return out;
  }
  const out: Record<string, unknown> = { ...resource };
  for (const [top, sub] of paths(selection.excluded ?? [])) {
    const key = findKey(out, top as string);
    if (key === undefined || key === 'id' || key === 'schemas') continue;
    if (sub === undefined) delete out[key];
    else if (isObject(out[key])) {
      const inner = { ...(out[key] as Record<string, unknown>) };
      const subKey = findKey(inner, sub);
      if (subKey !== undefined) delete inner[subKey];
      out[key] = inner;
    }
  }
  return out;
}

/** `urn:…:User:name.givenName` → ['name', 'givenName']; an extension's attribute → [urn, attribute]. */
function splitPath(path: string): string[] {
  const lower = path.toLowerCase();
  if (lower.startsWith(`${SCHEMAS.user.toLowerCase()}:`)) return path.slice(SCHEMAS.user.length + 1).split('.').slice(0, 2);
  if (lower.startsWith('urn:')) {
    const cut = path.lastIndexOf(':');
    return cut > 0 && cut < path.length - 1 ? [path.slice(0, cut), path.slice(cut + 1).split('.')[0] as string] : [path];
  }
  return path.split('.').slice(0, 2).filter((p) => p !== '');
}

function findKey(object: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(object).find((k) => k.toLowerCase() === lower);
}
