import { parse, Tester, type Compare, type Filter } from 'scim2-parse-filter';
import { nestsDeeperThan } from '../intake/nesting';
import { badRequest, SCHEMAS } from './protocol';

/**
 * `GET /Users?filter=…` (RFC 7644 §3.4.2.2), parsed by scim2-parse-filter. The filters SCIM
 * clients provision with — `externalId eq "…"` (Entra), `userName eq "…"` (Okta, Entra, Rippling)
 * and `id eq "…"` — are point reads; any other filter the grammar allows is evaluated over the
 * tenant's Users, up to a bound (beyond it: tooMany).
 */
export type UserQuery =
  | { kind: 'all' }
  | { kind: 'externalId' | 'userName' | 'id'; value: string }
  | { kind: 'scan'; test: (resource: Record<string, unknown>) => boolean };

/** Longer than any real client's filter; checked before the parser reads it. */
export const MAX_FILTER_LENGTH = 1_000;
/** The parsed filter's depth (each `and`/`or`/`not`/`[…]` is about two levels). */
const MAX_FILTER_DEPTH = 16;

const INDEXED: Record<string, 'externalId' | 'userName' | 'id'> = { externalid: 'externalId', username: 'userName', id: 'id' };

export function parseUserFilter(text: string | undefined): UserQuery {
  if (text === undefined || text.trim() === '') return { kind: 'all' };
  if (text.length > MAX_FILTER_LENGTH) throw badRequest('invalidFilter', `filter: must be at most ${MAX_FILTER_LENGTH} characters.`);
  let filter: Filter;
  try {
    filter = parse(text);
  } catch {
    // The parser's message quotes the filter; the detail must not echo what was sent.
    throw badRequest('invalidFilter', 'filter: is not a filter of RFC 7644 §3.4.2.2 (attribute, operator, then a JSON value: userName eq "bjensen").');
  }
  if (nestsDeeperThan(filter, MAX_FILTER_DEPTH)) throw badRequest('invalidFilter', 'filter: nests too deeply.');
  if (filter.op === 'eq') {
    const attribute = INDEXED[withoutCoreUrn(filter.attrPath).toLowerCase()];
    if (attribute && typeof filter.compValue === 'string') return { kind: attribute, value: filter.compValue };
  }
  const tester = new CaseInsensitiveTester();
  return { kind: 'scan', test: (resource) => tester.test(resource, filter) };
}

/** `urn:ietf:params:scim:schemas:core:2.0:User:userName` is `userName` (RFC 7644 §3.10). */
function withoutCoreUrn(path: string): string {
  const prefix = `${SCHEMAS.user}:`;
  return path.toLowerCase().startsWith(prefix.toLowerCase()) ? path.slice(prefix.length) : path;
}

const fold = (value: unknown): unknown => (typeof value === 'string' ? value.toLowerCase() : value);

/**
 * The library's comparisons with strings compared case-insensitively: RFC 7644 §3.4.2.2 compares
 * by the attribute's caseExact, which RFC 7643 §2.2 defaults to false and every string attribute
 * of our User schema keeps. (The point reads keep externalId and id exact, as caseExact true.)
 */
class CaseInsensitiveTester extends Tester {
  override test(r: unknown, f: Filter): boolean {
    if (f.op === 'and' || f.op === 'or' || f.op === 'not') return super.test(r, f);
    if (f.op === 'pr' || f.op === '[]') return super.test(r, { ...f, attrPath: withoutCoreUrn(f.attrPath) });
    const compare = f as Compare;
    return super.test(r, { ...compare, attrPath: withoutCoreUrn(compare.attrPath), compValue: fold(compare.compValue) as Compare['compValue'] });
  }

  override attrTest(path: string[], r: unknown, op: (s: unknown) => boolean): boolean {
    return super.attrTest(path, r, (value: unknown) => op(fold(value)));
  }
}
