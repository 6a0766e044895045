import { parseUserFilter } from './filter';
import { parseResourceId, workerKey } from './ids';
import { badRequest, SCHEMAS, type ScimAnswer } from './protocol';
import { MAX_PAGE_SIZE } from './schemas';
import { ScimScanLimit, type StoredScimUser } from './store';
import { presented, type ScimDeps, type Selection } from './users';

export interface ListQuery {
  filter?: string;
  startIndex?: string;
  count?: string;
  selection: Selection;
}

/** A page when the client asks for none (RFC 7644 §3.4.2.4 leaves it to the service provider). */
const DEFAULT_PAGE_SIZE = 100;
/** Users one unindexed filter may read; beyond it, tooMany (RFC 7644 §3.12). */
export const MAX_FILTER_SCAN = 10_000;
/** Users an unfiltered listing may count (it reads keys only, then the page). */
const MAX_LISTED = 200_000;
const READS_AT_ONCE = 16;

/**
 * `GET /Users` (RFC 7644 §3.4.2): a ListResponse with totalResults, the 1-based startIndex and
 * itemsPerPage. Results are in the store's key order, which does not change between pages.
 */
export async function listUsers(query: ListQuery, deps: ScimDeps): Promise<ScimAnswer> {
  const startIndex = Math.max(1, whole(query.startIndex, 'startIndex') ?? 1);
  const count = Math.min(MAX_PAGE_SIZE, Math.max(0, whole(query.count, 'count') ?? DEFAULT_PAGE_SIZE));
  const filter = parseUserFilter(query.filter);
  const tenantId = deps.tenant.key;
  let total: number;
  let page: StoredScimUser[];
  try {
    if (filter.kind === 'all') {
      const keys = await deps.store.liveKeys(tenantId, MAX_LISTED);
      total = keys.length;
      page = await readAll(keys.slice(startIndex - 1, startIndex - 1 + count), deps);
    } else {
      const matches = await matching(filter, deps);
      total = matches.length;
      page = matches.slice(startIndex - 1, startIndex - 1 + count);
    }
  } catch (error) {
    if (error instanceof ScimScanLimit) throw badRequest('tooMany', `filter: would read more than ${error.limit} Users; filter on externalId, userName or id.`);
    throw error;
  }
  return {
    status: 200,
    body: { schemas: [SCHEMAS.listResponse], totalResults: total, startIndex, itemsPerPage: page.length, Resources: page.map((row) => presented(row, deps, query.selection)) },
  };
}

async function matching(filter: Exclude<ReturnType<typeof parseUserFilter>, { kind: 'all' }>, deps: ScimDeps): Promise<StoredScimUser[]> {
  const tenantId = deps.tenant.key;
  switch (filter.kind) {
    case 'externalId': {
      // caseExact (RFC 7643 §3.1): the key is a hash of the exact value, and the row must say the same.
      const row = await deps.store.get(tenantId, workerKey(tenantId, filter.value));
      return row && !row.deleted && row.externalId === filter.value ? [row] : [];
    }
    case 'id': {
      const id = parseResourceId(filter.value);
      const row = id ? await deps.store.get(tenantId, id.key) : undefined;
      return row && id && !row.deleted && row.generation === id.generation ? [row] : [];
    }
    case 'userName':
      return sorted(await deps.store.withUserName(tenantId, filter.value));
    case 'scan':
      return sorted(await deps.store.liveUsers(tenantId, deps.filterScanLimit ?? MAX_FILTER_SCAN)).filter((row) => filter.test(presented(row, deps)));
  }
}

async function readAll(keys: string[], deps: ScimDeps): Promise<StoredScimUser[]> {
  const rows: StoredScimUser[] = [];
  for (let i = 0; i < keys.length; i += READS_AT_ONCE) {
    const chunk = await Promise.all(keys.slice(i, i + READS_AT_ONCE).map((key) => deps.store.get(deps.tenant.key, key)));
    // A User deleted between the two reads drops out of this page.
    for (const row of chunk) if (row && !row.deleted) rows.push(row);
  }
  return rows;
}

function sorted(rows: StoredScimUser[]): StoredScimUser[] {
  return [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** An integer query parameter; absent is undefined. RFC 7644 §3.4.2.4 says what out-of-range values mean; the caller applies it. */
function whole(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^-?\d{1,9}$/.test(value.trim())) throw badRequest('invalidValue', `${name}: must be an integer.`);
  return Number(value.trim());
}
