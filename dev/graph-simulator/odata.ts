import { badRequest } from './errors';
import { parseFilter } from './filter';
import { loadGraphMetadata } from './csdl';
import type { SimContext, SimRequest } from './types';

type Item = Record<string, unknown>;

export interface ListOptions {
  /** `users`, `groups`, ...: for @odata.context. */
  contextPath: string;
  /** CSDL type used to validate `$select`. */
  type: 'user' | 'group' | 'directoryObject';
  resource: string;
  filterable: ReadonlySet<string>;
  /** Shapes one stored object for output (before `$select`). */
  present: (item: Item) => Item;
  defaultProperties?: readonly string[];
  /** Collections allowed in `any` lambdas, e.g. `{ assignedLicenses: ['skuId'] }`. */
  collections?: Readonly<Record<string, readonly string[]>>;
  /** Graph serves fewer per page than `$top` asks for some selections (signInActivity: 500). */
  maxPageSize?: (select: string[] | undefined) => number;
}

/** A `text/plain` answer (the `/$count` segment). */
export class PlainText {
  constructor(readonly text: string) {}
}

export const isEventual = (req: SimRequest): boolean => (req.headers.consistencylevel ?? '').trim().toLowerCase() === 'eventual';

/** Verified wording (public issue reports): Graph's answer to `$count` without ConsistencyLevel. */
const countUnsupported = () => badRequest('$count is not currently supported.', 'Request_BadRequest');

/**
 * `$count=true`: needs `ConsistencyLevel: eventual` (400 otherwise). Returns whether advanced
 * query parameters are in force. The header is not part of a nextLink, so a next page requested
 * without it fails the same way, as with real Graph.
 */
export function advancedQuery(req: SimRequest): boolean {
  const count = req.query.get('$count');
  if (count === null || count.toLowerCase() === 'false') return false;
  if (count.toLowerCase() !== 'true') throw badRequest(`Invalid value '${count}' for $count: expected true or false.`, 'BadRequest');
  if (!isEventual(req)) throw countUnsupported();
  return true;
}

/** `GET /users/$count` and friends: a plain number; the header is mandatory. */
export function countResponse(items: Item[], req: SimRequest, options: Pick<ListOptions, 'filterable' | 'resource' | 'collections'>): PlainText {
  if (!isEventual(req)) throw countUnsupported();
  const filter = req.query.get('$filter');
  const predicate = filter ? parseFilter(filter, options.filterable, options.resource, { advanced: true, collections: options.collections }) : undefined;
  return new PlainText(String(predicate ? items.filter(predicate).length : items.length));
}

/** Validates `$select` against the CSDL and returns the property list (undefined = default set). */
export function parseSelect(req: SimRequest, type: ListOptions['type']): string[] | undefined {
  const raw = req.query.get('$select');
  if (!raw) return undefined;
  const props = raw.split(',').map((p) => p.trim()).filter(Boolean);
  if (type === 'directoryObject') return props;
  const known = loadGraphMetadata().propertiesOf(type);
  for (const p of props) {
    if (!known.has(p)) throw badRequest(`Parsing OData Select and Expand failed: Could not find a property named '${p}' on type 'microsoft.graph.${type}'.`, 'BadRequest');
  }
  return props;
}

export function project(item: Item, select: string[] | undefined, defaults: readonly string[] | undefined): Item {
  const keys = select ?? defaults;
  if (!keys) return item;
  const out: Item = {};
  if (item['@odata.type'] !== undefined) out['@odata.type'] = item['@odata.type'];
  out.id = item.id;
  for (const k of keys) out[k] = item[k] ?? null;
  return out;
}

function parseTop(req: SimRequest): number {
  const raw = req.query.get('$top');
  if (raw === null) return 100;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > 999) {
    throw badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`, 'Request_BadRequest');
  }
  return top;
}

/** Filters, pages and projects a collection the way Graph does, with an absolute nextLink. */
export function listResponse(items: Item[], req: SimRequest, ctx: SimContext, options: ListOptions): Item {
  const advanced = advancedQuery(req);
  const filter = req.query.get('$filter');
  const predicate = filter ? parseFilter(filter, options.filterable, options.resource, { advanced, collections: options.collections }) : undefined;
  const select = parseSelect(req, options.type);
  const top = Math.min(parseTop(req), options.maxPageSize?.(select) ?? 999);
  const token = req.query.get('$skiptoken');
  let offset = 0;
  if (token !== null) {
    const decoded = /^sim-(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!decoded) throw badRequest('Invalid $skiptoken.', 'Request_BadRequest');
    offset = Number(decoded[1]);
  }
  const matched = predicate ? items.filter(predicate) : items;
  const page = matched.slice(offset, offset + top).map((i) => project(options.present(i), select, options.defaultProperties));
  const contextSuffix = select ? `(${select.join(',')})` : '';
  const body: Item = { '@odata.context': `${ctx.baseUrl}/$metadata#${options.contextPath}${contextSuffix}` };
  if (advanced) body['@odata.count'] = matched.length;
  if (offset + top < matched.length) {
    const params = new URLSearchParams(req.query);
    params.set('$skiptoken', Buffer.from(`sim-${offset + top}`).toString('base64url'));
    body['@odata.nextLink'] = `${ctx.baseUrl}${req.path}?${params.toString().replace(/%24/g, '$')}`;
  }
  body.value = page;
  return body;
}

export function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Empty Payload. JSON content expected.', 'BadRequest');
  return body as Record<string, unknown>;
}

/** The id at the end of an `@odata.id` reference URL, any host. */
export function refId(value: unknown): string {
  if (typeof value !== 'string') throw badRequest("Invalid object identifier '' .", 'Request_BadRequest');
  const m = /\/([^/]+?)\/?$/.exec(new URL(value, 'https://graph.microsoft.com').pathname);
  if (!m?.[1]) throw badRequest(`Invalid object identifier '${value}' .`, 'Request_BadRequest');
  try {
    return decodeURIComponent(m[1]);
  } catch {
    throw badRequest(`Invalid object identifier '${value}' .`, 'Request_BadRequest');
  }
}
