import { DateTime } from 'luxon';

/**
 * What an expression computes with. Source values arrive as text, numbers and booleans; `null` is a
 * value the source sent as JSON null ("clear it"), `undefined` one it did not send. Split gives a
 * multi-valued string, CDate/DateAdd/Now a date and time. Anything else a source holds (an object,
 * an array of objects) is `Opaque`: a direct mapping passes it on, so validation names its field,
 * and a function given one fails with a MappingEvaluationError.
 */
export type Value = string | number | boolean | DateTime | readonly string[] | Opaque | null | undefined;

export class Opaque {
  constructor(readonly raw: unknown) {}
}

/** A value and the source field it came from (for issues in the sender's names). */
export interface Traced {
  value: Value;
  from?: string | undefined;
}

/** A problem computing a mapping for one record: the data does not fit the expression. Carries no value. */
export class MappingEvaluationError extends Error {
  constructor(
    message: string,
    readonly from?: string,
  ) {
    super(message);
    this.name = 'MappingEvaluationError';
  }
}

/** Entra renders dates as text in this form (M/d/yyyy h:mm:ss tt, UTC): see CDate, DateAdd, Now. */
export const ENTRA_DATE_TEXT = 'M/d/yyyy h:mm:ss a';

export function isDate(value: Value): value is DateTime {
  return value instanceof DateTime;
}

export function isMulti(value: Value): value is readonly string[] {
  return Array.isArray(value);
}

/** Neither sent nor null: the source has no value here. */
export function isNothing(value: Value): value is null | undefined {
  return value === null || value === undefined;
}

/** Text for a string function; undefined when there is no value. Booleans read as .NET writes them. */
export function asText(traced: Traced, what: string): string | undefined {
  const { value } = traced;
  if (isNothing(value)) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (isDate(value)) return value.toUTC().setLocale('en-US').toFormat(ENTRA_DATE_TEXT);
  if (isMulti(value)) {
    if (value.length <= 1) return value[0];
    throw new MappingEvaluationError(`${what} is multi-valued here; pick one with Item or combine them with Join`, traced.from);
  }
  throw new MappingEvaluationError(`${what} is not text`, traced.from);
}

/** True, "True" (any case) and non-zero numbers are true, as IIF and Not read a condition. */
export function asBoolean(traced: Traced): boolean {
  const { value } = traced;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.trim().toLowerCase() === 'true';
  return false;
}

/** A whole number for a count or index; literals are checked at load, data at evaluation. */
export function asInteger(traced: Traced, what: string): number | undefined {
  const { value } = traced;
  if (isNothing(value)) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d{1,9}\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n)) throw new MappingEvaluationError(`${what} must be a whole number`, traced.from);
  return n;
}
