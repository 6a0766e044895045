import { DateTime, type DurationLikeObject } from 'luxon';
import { ENTRA_DATE_TEXT, MappingEvaluationError } from './values';

/**
 * Dates for CDate, DateAdd, DateDiff, FormatDateTime and Now. Entra reads and writes .NET custom
 * date and time format strings (https://learn.microsoft.com/dotnet/standard/base-types/custom-date-and-time-format-strings);
 * they are translated to Luxon's tokens here, and Luxon does the parsing and formatting.
 */

/** Longest date text read from a source: real dates are under 40 characters. */
const MAX_DATE_TEXT = 64;

/** .NET specifier runs → Luxon tokens. Letters not listed are literal in .NET, as they are here. */
const NET_TOKENS: Record<string, string> = {
  d: 'd', dd: 'dd', ddd: 'EEE', dddd: 'EEEE',
  f: 'S', ff: 'S', fff: 'SSS', F: 'S', FF: 'S', FFF: 'SSS',
  h: 'h', hh: 'hh', H: 'H', HH: 'HH',
  m: 'm', mm: 'mm', M: 'M', MM: 'MM', MMM: 'MMM', MMMM: 'MMMM',
  s: 's', ss: 'ss', t: 'a', tt: 'a',
  y: 'y', yy: 'yy', yyy: 'yyyy', yyyy: 'yyyy', yyyyy: 'yyyyy',
  z: 'Z', zz: 'ZZ', zzz: 'ZZ', K: 'ZZ',
};
const NET_SPECIFIER_LETTERS = new Set(['d', 'f', 'F', 'g', 'h', 'H', 'K', 'm', 'M', 's', 't', 'y', 'z']);

/** Translates a .NET custom format; a specifier run it cannot express (fffff, g) is refused by name. */
export function luxonFormat(netFormat: string): string {
  let out = '';
  let i = 0;
  const literal = (text: string) => (text ? `'${text.replace(/'/g, "''")}'` : '');
  while (i < netFormat.length) {
    const ch = netFormat[i] as string;
    if (ch === "'" || ch === '"') {
      const end = netFormat.indexOf(ch, i + 1);
      const stop = end === -1 ? netFormat.length : end;
      out += literal(netFormat.slice(i + 1, stop));
      i = stop + 1;
      continue;
    }
    if (ch === '\\') {
      out += literal(netFormat[i + 1] ?? '');
      i += 2;
      continue;
    }
    let j = i;
    while (j < netFormat.length && netFormat[j] === ch) j++;
    const run = netFormat.slice(i, j);
    if (NET_SPECIFIER_LETTERS.has(ch)) {
      const token = NET_TOKENS[run];
      if (!token) throw new MappingEvaluationError(`the date format specifier ${run} is not supported`);
      out += token;
    } else {
      out += literal(run);
    }
    i = j;
  }
  return out;
}

function checkedText(text: string): string {
  if (text.length > MAX_DATE_TEXT) throw new MappingEvaluationError(`is longer than ${MAX_DATE_TEXT} characters for a date`);
  return text.trim();
}

/**
 * CDate: ISO 8601 dates and times, a date with an offset (Workday's 2012-03-16-07:00), and Entra's
 * own M/d/yyyy h:mm:ss tt. Always UTC, as Entra returns it.
 */
export function parseDate(text: string): DateTime {
  const input = checkedText(text);
  const candidates = [
    DateTime.fromISO(input, { zone: 'utc' }),
    DateTime.fromFormat(input, 'yyyy-MM-ddZZ', { zone: 'utc' }),
    DateTime.fromFormat(input, ENTRA_DATE_TEXT, { zone: 'utc', locale: 'en-US' }),
    DateTime.fromFormat(input, 'M/d/yyyy', { zone: 'utc' }),
  ];
  const found = candidates.find((d) => d.isValid);
  if (!found) throw new MappingEvaluationError('is not a date or time CDate can read (ISO 8601, yyyy-MM-dd±hh:mm, M/d/yyyy h:mm:ss tt)');
  return found.toUTC();
}

/** FormatDateTime: read with the input format (keeping the offset it carries), write with the output format. */
export function formatDate(source: string | DateTime, inputFormat: string, outputFormat: string): string {
  const parsed =
    typeof source === 'string' ? DateTime.fromFormat(checkedText(source), luxonFormat(inputFormat), { zone: 'utc', setZone: true, locale: 'en-US' }) : source;
  if (!parsed.isValid) throw new MappingEvaluationError('does not have the date format the mapping expects');
  return parsed.setLocale('en-US').toFormat(luxonFormat(outputFormat));
}

const INTERVALS: Record<string, keyof DurationLikeObject> = { yyyy: 'years', m: 'months', d: 'days', ww: 'weeks', h: 'hours', n: 'minutes', s: 'seconds' };

export function isInterval(interval: string): boolean {
  return interval in INTERVALS;
}

function unit(interval: string): keyof DurationLikeObject {
  const found = INTERVALS[interval];
  if (!found) throw new MappingEvaluationError(`interval must be one of ${Object.keys(INTERVALS).join(', ')}`);
  return found;
}

/** DateAdd: a month added to 31 January is the last day of February, as .NET's AddMonths. */
export function addToDate(interval: string, amount: number, date: DateTime): DateTime {
  const result = date.plus({ [unit(interval)]: amount });
  if (!result.isValid) throw new MappingEvaluationError('gives a date out of range');
  return result;
}

/** DateDiff: whole intervals from date1 to date2 (positive when date2 is later). */
export function dateDifference(interval: string, date1: DateTime, date2: DateTime): number {
  const diff = date2.diff(date1, unit(interval)).as(unit(interval));
  return Math.trunc(diff);
}
