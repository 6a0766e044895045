import type { AttributeReader } from './evaluate';
import { Opaque, type Traced, type Value } from './values';

/**
 * How `[attribute]` reads each kind of source record. Values become text the way the intake always
 * read them (trimmed; numbers as digits); a JSON null stays null, meaning "clear it"; an attribute
 * not sent is undefined. `from` is the sender's name for the field, used in issues.
 */

function leaf(raw: unknown, from: string): Traced {
  return { value: toValue(raw), from };
}

function toValue(raw: unknown): Value {
  if (raw === undefined || raw === null) return raw;
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number') return String(raw);
  if (typeof raw === 'boolean') return raw;
  if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) return raw.map((v: string) => v.trim());
  return new Opaque(raw);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** SCIM attribute names are case-insensitive (RFC 7643 §2.1); Entra's samples mix `userName`/`username`. */
function pick(value: unknown, key: string): unknown {
  if (!isObject(value)) return undefined;
  if (Object.hasOwn(value, key)) return value[key];
  const lower = key.toLowerCase();
  const match = Object.keys(value).find((k) => k.toLowerCase() === lower);
  return match === undefined ? undefined : value[match];
}

/** One step of a SCIM path: `name`, or `name[attr eq "value"]` / `name[attr eq true]` on a multi-valued attribute. */
const SEGMENT = /^([^.[\]]+)(?:\[\s*([A-Za-z0-9_$-]+)\s+eq\s+(?:"([^"]*)"|(true|false))\s*\])?$/i;

function splitSegments(path: string): string[] | undefined {
  const segments: string[] = [];
  let current = '';
  let inFilter = false;
  let inQuote = false;
  for (const ch of path) {
    if (ch === '"' && inFilter) inQuote = !inQuote;
    if (ch === '[' && !inQuote) inFilter = true;
    if (ch === ']' && !inQuote) inFilter = false;
    if (ch === '.' && !inFilter && !inQuote) {
      segments.push(current);
      current = '';
    } else current += ch;
  }
  segments.push(current);
  return segments.every((s) => SEGMENT.test(s)) ? segments : undefined;
}

/** Follows a SCIM sub-path in one object; a filter picks the first entry that matches (eq on text is case-insensitive, RFC 7644 §3.4.2.2). */
function follow(root: unknown, path: string): unknown {
  const segments = splitSegments(path);
  if (!segments) return undefined;
  let current = root;
  for (const segment of segments) {
    const [, name, filterAttribute, text, bool] = SEGMENT.exec(segment) as RegExpExecArray;
    current = pick(current, name as string);
    if (filterAttribute === undefined) continue;
    if (!Array.isArray(current)) return undefined;
    current = current.find((entry) => {
      const actual = pick(entry, filterAttribute);
      if (bool !== undefined) return actual === (bool.toLowerCase() === 'true');
      return String(actual ?? '').toLowerCase() === (text ?? '').toLowerCase();
    });
  }
  return current;
}

const CORE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:user';
const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user';
/** `[urn:*:hireDate]`: that attribute of any custom extension schema (not core, not enterprise), the first one that has a value. */
export const ANY_EXTENSION = 'urn:*:';

function isBlank(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

/**
 * A SCIM User (`data` of a bulk operation): `name.givenName`, `addresses[type eq "work"].locality`,
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value` (a schema URN, then
 * the attribute), and `urn:*:attribute` for any custom extension.
 */
export function scimReader(user: Record<string, unknown>): AttributeReader {
  const extensions = Object.keys(user).filter((key) => key.toLowerCase().startsWith('urn:') && isObject(user[key]));
  return (path) => {
    if (path.startsWith(ANY_EXTENSION)) {
      const attribute = path.slice(ANY_EXTENSION.length);
      for (const key of extensions) {
        const lower = key.toLowerCase();
        if (lower === CORE_USER_SCHEMA || lower === ENTERPRISE_SCHEMA) continue;
        const raw = follow(user[key], attribute);
        if (!isBlank(raw)) return leaf(raw, `${key}:${attribute}`);
      }
      return { value: undefined, from: path };
    }
    if (path.toLowerCase().startsWith('urn:')) {
      const schema = extensions
        .filter((key) => path.toLowerCase().startsWith(`${key.toLowerCase()}:`))
        .sort((a, b) => b.length - a.length)[0];
      if (!schema) return { value: undefined, from: path };
      return leaf(follow(user[schema], path.slice(schema.length + 1)), path);
    }
    return leaf(follow(user, path), path);
  };
}

/** A CSV row: `[Column]` is the cell under that header (the header's own spelling). */
export function csvReader(row: Record<string, string>): AttributeReader {
  return (column) => leaf(Object.hasOwn(row, column) ? row[column] : undefined, column);
}

/** A JSON record in a layout of its own: `[a.b]` follows property names exactly. */
export function jsonReader(record: Record<string, unknown>): AttributeReader {
  return (path) => {
    let current: unknown = record;
    for (const name of path.split('.')) current = isObject(current) && Object.hasOwn(current, name) ? current[name] : undefined;
    return leaf(current, path);
  };
}
