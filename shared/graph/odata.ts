/**
 * The one way a value reaches a Graph URL. Two encodings are needed and neither is enough alone:
 * OData's (a string literal in single quotes, embedded quotes doubled, so an employeeId like
 * `x' or startswith(displayName,'` stays one literal) and the URL's (percent-encoding: the Graph
 * SDK's `.filter()` and `.api()` put their argument into the URL as is, so a raw `#` would end the
 * URL, `&` start another parameter, `+` become a space and `%41` an `A` on the way to Graph).
 * Lint refuses `.filter()` and `.api()` arguments built any other way (eslint.config.mjs).
 */

/** A property path Graph can filter on: `employeeId`, `assignedLicenses/skuId`. Never data. */
const PROPERTY = /^[A-Za-z][A-Za-z0-9]*(\/[A-Za-z][A-Za-z0-9]*)*$/;

/** Graph accepts at most 15 values in one `in (...)` on directory objects. */
export const MAX_IN_VALUES = 15;

/** OData string literal: wrapped in single quotes, embedded quotes doubled. */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function checkProperty(property: string): string {
  if (!PROPERTY.test(property)) throw new RangeError(`not a filterable property name: ${JSON.stringify(property)}`);
  return property;
}

/** A `$filter` expression whose values were all escaped here; only its `query` form goes to the SDK. */
export class ODataFilter {
  private constructor(readonly expression: string) {}

  /** `property eq 'value'`. */
  static eq(property: string, value: string): ODataFilter {
    return new ODataFilter(`${checkProperty(property)} eq ${literal(value)}`);
  }

  /** `property in ('a','b')`; callers chunk to Graph's limit of 15 values. */
  static in(property: string, values: readonly string[]): ODataFilter {
    if (values.length === 0 || values.length > MAX_IN_VALUES) throw new RangeError(`an in (...) filter takes 1 to ${MAX_IN_VALUES} values, not ${values.length}`);
    return new ODataFilter(`${checkProperty(property)} in (${values.map(literal).join(',')})`);
  }

  /** The expression percent-encoded for the query string, as `.filter()` must be given it. */
  get query(): string {
    return encodeURIComponent(this.expression);
  }
}

/**
 * A Graph path with every interpolated value percent-encoded as one path segment:
 * `graphPath\`/users/${upn}\`` cannot be turned into another path or a query by what `upn` holds.
 */
export function graphPath(strings: TemplateStringsArray, ...values: readonly string[]): string {
  return strings.reduce((path, part, i) => path + part + (i < values.length ? encodeURIComponent(values[i] as string) : ''), '');
}
