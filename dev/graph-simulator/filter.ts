import { GraphError } from './errors';

/**
 * The subset of OData `$filter` Graph accepts on directory objects without advanced query
 * parameters: `eq`, `in (...)`, `startswith(p,'x')`, `and`, `or`, parentheses, and `any`
 * lambdas over declared collections (`assignedLicenses/any(x:x/skuId eq <guid>)`). String
 * literals use `''` for a quote; GUIDs may be unquoted. `ne`, `not(...)` and `endswith(...)`
 * need advanced query parameters (`ConsistencyLevel: eventual` + `$count=true`); without them,
 * and always for `gt`/`lt`/counting lambdas → 400 Request_UnsupportedQuery.
 * Directory string comparisons are case-insensitive.
 */
export type Predicate = (item: Record<string, unknown>) => boolean;
type Literal = string | number | boolean | null;
type Token = { kind: 'ident' | 'string' | 'number' | 'guid' | 'punct'; value: string };

export interface FilterOptions {
  /** ConsistencyLevel: eventual and $count=true were both sent. */
  advanced?: boolean;
  /** Collection properties usable in `any` lambdas, with the element properties allowed. */
  collections?: Readonly<Record<string, readonly string[]>>;
}
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const MAX_IN_VALUES = 15;
const invalid = (detail: string) => new GraphError(400, 'BadRequest', `Invalid filter clause: ${detail}`);
const unsupported = (detail: string) => new GraphError(400, 'Request_UnsupportedQuery', `Unsupported Query. ${detail}`.trim());

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')' || c === ',' || c === ':') { tokens.push({ kind: 'punct', value: c }); i++; continue; }
    if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw invalid('unterminated string literal');
        if (text[i] === "'") {
          if (text[i + 1] === "'") { value += "'"; i += 2; continue; }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: 'string', value });
      continue;
    }
    const guid = GUID.exec(text.slice(i));
    if (guid) { tokens.push({ kind: 'guid', value: guid[0] }); i += guid[0].length; continue; }
    const word = /^[A-Za-z_$][\w./$]*|^-?\d+(\.\d+)?/.exec(text.slice(i));
    if (!word) throw invalid(`unexpected character '${c}' at position ${i}`);
    tokens.push({ kind: /^-?\d/.test(word[0]) ? 'number' : 'ident', value: word[0] });
    i += word[0].length;
  }
  return tokens;
}

const norm = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v);

export function parseFilter(text: string, properties: ReadonlySet<string>, resource: string, options: FilterOptions = {}): Predicate {
  const tokens = tokenize(text);
  const advanced = options.advanced === true;
  const needsAdvanced = (what: string) => unsupported(`${what} needs advanced query parameters (ConsistencyLevel: eventual and $count=true).`);
  /** Inside `coll/any(x: ...)`: the range variable and the element properties allowed. */
  let scope: { variable: string; allowed: readonly string[] } | undefined;
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const t = tokens[pos++];
    if (!t) throw invalid('unexpected end of expression');
    return t;
  };
  const expect = (value: string) => {
    const t = next();
    if (t.value !== value) throw invalid(`expected '${value}' but found '${t.value}'`);
  };
  const keyword = (t: Token | undefined, word: string) => t?.kind === 'ident' && t.value.toLowerCase() === word;
  const property = (): string => {
    const t = next();
    if (t.kind !== 'ident') throw invalid(`expected a property name but found '${t.value}'`);
    if (scope) {
      const [variable, sub] = t.value.split('/');
      if (variable !== scope.variable || !sub || !scope.allowed.includes(sub)) throw invalid(`'${t.value}' is not a property of the lambda range variable '${scope.variable}'`);
      return sub;
    }
    if (!properties.has(t.value)) {
      throw new GraphError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${t.value}' of resource '${resource}'.`);
    }
    return t.value;
  };
  const literal = (): Literal => {
    const t = next();
    if (t.kind === 'string' || t.kind === 'guid') return t.value;
    if (t.kind === 'number') return Number(t.value);
    if (t.kind === 'ident' && t.value === 'null') return null;
    if (t.kind === 'ident' && (t.value === 'true' || t.value === 'false')) return t.value === 'true';
    throw invalid(`expected a literal but found '${t.value}'`);
  };

  const primary = (): Predicate => {
    const t = peek();
    if (t?.value === '(') {
      next();
      const inner = orExpr();
      expect(')');
      return inner;
    }
    if (keyword(t, 'startswith') && tokens[pos + 1]?.value === '(') {
      next(); next();
      const prop = property();
      expect(',');
      const prefix = literal();
      expect(')');
      if (typeof prefix !== 'string') throw invalid('startswith needs a string');
      return (item) => typeof item[prop] === 'string' && (item[prop] as string).toLowerCase().startsWith(prefix.toLowerCase());
    }
    if (keyword(t, 'endswith') && tokens[pos + 1]?.value === '(') {
      if (!advanced) throw needsAdvanced("Function 'endswith'");
      next(); next();
      const prop = property();
      expect(',');
      const suffix = literal();
      expect(')');
      if (typeof suffix !== 'string') throw invalid('endswith needs a string');
      return (item) => typeof item[prop] === 'string' && (item[prop] as string).toLowerCase().endsWith(suffix.toLowerCase());
    }
    if (keyword(t, 'not')) {
      if (!advanced) throw needsAdvanced("Operator 'not'");
      next();
      const inner = primary();
      return (item) => !inner(item);
    }
    const lambda = t?.kind === 'ident' && !scope ? /^(\w+)\/(any|all)$/i.exec(t.value) : null;
    if (lambda && tokens[pos + 1]?.value === '(') {
      const allowed = options.collections?.[lambda[1]!];
      if (!allowed) throw new GraphError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${lambda[1]}' of resource '${resource}'.`);
      if (lambda[2]!.toLowerCase() === 'all') throw unsupported("Lambda operator 'all' is not supported.");
      next(); next();
      const variable = next();
      if (variable.kind !== 'ident') throw invalid('expected a lambda range variable');
      expect(':');
      scope = { variable: variable.value, allowed };
      const inner = orExpr();
      scope = undefined;
      expect(')');
      const collection = lambda[1]!;
      return (item) => Array.isArray(item[collection]) && (item[collection] as Array<Record<string, unknown>>).some((el) => inner(el));
    }
    if (t?.kind === 'ident' && tokens[pos + 1]?.value === '(') throw unsupported(`Function '${t.value}' is not supported.`);
    const counted = t?.kind === 'ident' ? /^(\w+)\/\$count$/.exec(t.value) : null;
    if (counted) {
      // `assignedLicenses/$count ne 0`: an advanced query in Graph, on declared collections only.
      if (!advanced) throw needsAdvanced('Counting a collection');
      if (!options.collections?.[counted[1]!]) throw unsupported(`Counting '${counted[1]}' is not supported.`);
      next();
      const op = next().value.toLowerCase();
      const value = literal();
      if (typeof value !== 'number') throw invalid('a count compares with a number');
      const compare: Record<string, (n: number) => boolean> = {
        eq: (n) => n === value, ne: (n) => n !== value, gt: (n) => n > value, ge: (n) => n >= value, lt: (n) => n < value, le: (n) => n <= value,
      };
      const test = compare[op];
      if (!test) throw invalid(`unknown operator '${op}'`);
      const collection = counted[1]!;
      return (item) => test(Array.isArray(item[collection]) ? (item[collection] as unknown[]).length : 0);
    }
    if (t?.kind === 'ident' && t.value.includes('/$count')) throw advanced ? unsupported('Counting lambdas are not supported by the simulator.') : needsAdvanced('Counting a collection');
    const prop = property();
    const op = next();
    const operator = op.value.toLowerCase();
    if (operator === 'eq') {
      const value = norm(literal());
      return (item) => norm(item[prop] ?? null) === value;
    }
    if (operator === 'in') {
      expect('(');
      const values: unknown[] = [norm(literal())];
      while (peek()?.value === ',') { next(); values.push(norm(literal())); }
      expect(')');
      // Graph's wording (public report, microsoft-graph-docs #21098); advanced queries lift it.
      if (!advanced && values.length > MAX_IN_VALUES) {
        throw new GraphError(400, 'Request_UnsupportedQuery', `Too many child clauses specified in search filter expression containing 'OR' operators: ${values.length}. Max allowed: ${MAX_IN_VALUES}.`);
      }
      return (item) => values.includes(norm(item[prop] ?? null));
    }
    if (operator === 'ne') {
      if (!advanced) throw needsAdvanced("Operator 'ne'");
      const value = norm(literal());
      return (item) => norm(item[prop] ?? null) !== value;
    }
    if (['gt', 'ge', 'lt', 'le', 'has'].includes(operator)) throw unsupported(`Operator '${operator}' is not supported by the simulator.`);
    throw invalid(`unknown operator '${op.value}'`);
  };
  const andExpr = (): Predicate => {
    let left = primary();
    while (keyword(peek(), 'and')) {
      next();
      const l = left, r = primary();
      left = (item) => l(item) && r(item);
    }
    return left;
  };
  const orExpr = (): Predicate => {
    let left = andExpr();
    while (keyword(peek(), 'or')) {
      next();
      const l = left, r = andExpr();
      left = (item) => l(item) || r(item);
    }
    return left;
  };
  const predicate = orExpr();
  if (pos < tokens.length) throw invalid(`unexpected '${tokens[pos]?.value}'`);
  return predicate;
}
