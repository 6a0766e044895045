import type { DateTime } from 'luxon';
import type { ExpressionNode } from './ast';
import { addToDate, dateDifference, formatDate, parseDate } from './dates';
import { extractGroup, replaceGroup, replaceMatches, type CompiledRegex } from './regex';
import { normalizeDiacritics, properCase, replaceLiteral, word } from './text';
import { asBoolean, asInteger, asText, isDate, isMulti, isNothing, MappingEvaluationError, type Traced, type Value } from './values';

/**
 * The functions of Entra's attribute-mapping expressions
 * (https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data),
 * with the semantics that page gives, plus `TenantUpn` (ours). Arguments are evaluated only when a
 * function asks for them, so IIF and Switch compute only the branch they return. docs/mapping.md
 * lists every function with its Entra counterpart and the test that specifies it.
 */

export interface EvalContext {
  /** Now() — fixed per request, so one request's records agree. */
  now: DateTime;
  /** The tenant's UPN domains, for TenantUpn. */
  upnDomains: readonly string[];
  regexOf(call: ExpressionNode): CompiledRegex;
}

export type Arg = (index: number) => Traced;

interface FunctionSpec {
  min: number;
  max: number;
  /** Argument positions that must be string literals, so they are checked once when the mapping loads. */
  literals?: readonly number[];
  run(arg: Arg, count: number, ctx: EvalContext, call: ExpressionNode): Traced;
}

const nothing = (from?: string): Traced => ({ value: undefined, from });

/** A function of one text source: no value in, the same no value out (an explicit null stays a null). */
function onText(transform: (text: string, arg: Arg) => Value): FunctionSpec['run'] {
  return (arg) => {
    const source = arg(0);
    const text = asText(source, 'source');
    if (text === undefined) return source.value === null ? { value: null, from: source.from } : nothing(source.from);
    return { value: transform(text, arg), from: source.from };
  };
}

function optionalText(arg: Arg, index: number, what: string): string | undefined {
  return asText(arg(index), what);
}

function requiredInteger(arg: Arg, index: number, what: string): number {
  const n = asInteger(arg(index), what);
  if (n === undefined) throw new MappingEvaluationError(`${what} has no value`, arg(index).from);
  return n;
}

function asDate(traced: Traced, what: string): DateTime | undefined {
  if (isDate(traced.value)) return traced.value;
  const text = asText(traced, what);
  if (text === undefined) return undefined;
  try {
    return parseDate(text);
  } catch (error) {
    throw new MappingEvaluationError(`${what} ${(error as Error).message}`, traced.from);
  }
}

function sameText(a: Traced, b: Traced): boolean {
  if (typeof a.value === 'boolean' || typeof b.value === 'boolean') {
    return (asText(a, 'value') ?? '').toLowerCase() === (asText(b, 'value') ?? '').toLowerCase();
  }
  return asText(a, 'value') === asText(b, 'value');
}

export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  Append: { min: 2, max: 2, run: onText((text, arg) => text + (optionalText(arg, 1, 'suffix') ?? '')) },
  CBool: { min: 1, max: 1, run: (arg) => ({ value: asBoolean(arg(0)), from: arg(0).from }) },
  CDate: {
    min: 1,
    max: 1,
    run: (arg) => {
      const source = arg(0);
      const date = asDate(source, 'source');
      return date ? { value: date, from: source.from } : { value: source.value === null ? null : undefined, from: source.from };
    },
  },
  /** Entra: the first value that is not NULL. Here an empty string is passed over too, as HR exports leave blank what they do not know. */
  Coalesce: {
    min: 1,
    max: 64,
    run: (arg, count) => {
      let sawNull = false;
      for (let i = 0; i < count; i++) {
        const candidate = arg(i);
        if (candidate.value === null) sawNull = true;
        if (isNothing(candidate.value) || candidate.value === '' || (isMulti(candidate.value) && candidate.value.length === 0)) continue;
        return candidate;
      }
      return { value: sawNull ? null : undefined, from: arg(0).from };
    },
  },
  Count: {
    min: 1,
    max: 1,
    run: (arg) => {
      const { value, from } = arg(0);
      return { value: isNothing(value) ? 0 : isMulti(value) ? value.length : 1, from };
    },
  },
  CStr: { min: 1, max: 1, run: onText((text) => text) },
  DateAdd: {
    min: 3,
    max: 3,
    literals: [0],
    run: (arg) => {
      const date = asDate(arg(2), 'dateTime');
      if (!date) return nothing(arg(2).from);
      return { value: addToDate(asText(arg(0), 'interval') ?? '', requiredInteger(arg, 1, 'value'), date), from: arg(2).from };
    },
  },
  DateDiff: {
    min: 3,
    max: 3,
    literals: [0],
    run: (arg) => {
      const date1 = asDate(arg(1), 'date1');
      const date2 = asDate(arg(2), 'date2');
      if (!date1 || !date2) return nothing(arg(1).from ?? arg(2).from);
      return { value: dateDifference(asText(arg(0), 'interval') ?? '', date1, date2), from: arg(2).from ?? arg(1).from };
    },
  },
  FormatDateTime: {
    min: 4,
    max: 4,
    literals: [2, 3],
    run: (arg) => {
      const source = arg(0);
      if (isNothing(source.value)) return source;
      const input = isDate(source.value) ? source.value : asText(source, 'source');
      if (input === undefined || input === '') return nothing(source.from);
      try {
        return { value: formatDate(input, asText(arg(2), 'inputFormat') ?? '', asText(arg(3), 'outputFormat') ?? ''), from: source.from };
      } catch (error) {
        throw new MappingEvaluationError(`source ${(error as Error).message}`, source.from);
      }
    },
  },
  IgnoreFlowIfNullOrEmpty: {
    min: 1,
    max: 1,
    run: (arg) => {
      const source = arg(0);
      return isNothing(source.value) || source.value === '' ? nothing(source.from) : source;
    },
  },
  IIF: {
    min: 3,
    max: 3,
    run: (arg) => {
      const condition = arg(0);
      const chosen = asBoolean(condition) ? arg(1) : arg(2);
      return { value: chosen.value, from: chosen.from ?? condition.from };
    },
  },
  InStr: {
    min: 2,
    max: 4,
    run: (arg, count) => {
      const haystack = asText(arg(0), 'value1');
      const needle = asText(arg(1), 'value2');
      if (haystack === undefined || needle === undefined) return { value: 0, from: arg(0).from };
      const start = count > 2 ? (asInteger(arg(2), 'start') ?? 1) : 1;
      const textCompare = count > 3 && asText(arg(3), 'compareType') === 'vbTextCompare';
      const [h, n] = textCompare ? [haystack.toLowerCase(), needle.toLowerCase()] : [haystack, needle];
      return { value: h.indexOf(n, Math.max(0, start - 1)) + 1, from: arg(0).from };
    },
  },
  IsNull: { min: 1, max: 1, run: (arg) => ({ value: isNothing(arg(0).value), from: arg(0).from }) },
  IsNullOrEmpty: { min: 1, max: 1, run: (arg) => ({ value: isNothing(arg(0).value) || arg(0).value === '', from: arg(0).from }) },
  IsPresent: { min: 1, max: 1, run: (arg) => ({ value: !isNothing(arg(0).value) && arg(0).value !== '', from: arg(0).from }) },
  IsString: {
    min: 1,
    max: 1,
    run: (arg) => {
      const { value, from } = arg(0);
      return { value: typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || isDate(value), from };
    },
  },
  /** Entra: the first item is 1 ("Index 0 shouldn't be used"). */
  Item: {
    min: 2,
    max: 2,
    run: (arg) => {
      const source = arg(0);
      const index = requiredInteger(arg, 1, 'index');
      if (index < 1) throw new MappingEvaluationError('index must be 1 or more (the first item is 1)', arg(1).from);
      const { value } = source;
      if (isMulti(value)) return { value: value[index - 1], from: source.from };
      if (isNothing(value)) return source;
      return { value: index === 1 ? value : undefined, from: source.from };
    },
  },
  Join: {
    min: 2,
    max: 64,
    run: (arg, count) => {
      const separator = optionalText(arg, 0, 'separator') ?? '';
      const parts: string[] = [];
      let from: string | undefined;
      let sawNull = false;
      for (let i = 1; i < count; i++) {
        const source = arg(i);
        if (source.value === null) sawNull = true;
        const values = isMulti(source.value) ? source.value : [asText(source, 'source')];
        const present = values.filter((v): v is string => v !== undefined && v !== '');
        if (present.length > 0) from ??= source.from;
        parts.push(...present);
      }
      if (parts.length === 0) return { value: sawNull ? null : undefined, from: arg(1).from };
      return { value: parts.join(separator), from };
    },
  },
  /** Entra: a null string gives an empty one; 0 characters an empty one; fewer than 0 the whole string. */
  Left: {
    min: 2,
    max: 2,
    run: (arg) => {
      const source = arg(0);
      const text = asText(source, 'String') ?? '';
      const n = requiredInteger(arg, 1, 'NumChars');
      return { value: n < 0 ? text : [...text].slice(0, n).join(''), from: source.from };
    },
  },
  Mid: {
    min: 3,
    max: 3,
    run: onText((text, arg) => {
      const start = requiredInteger(arg, 1, 'start');
      const length = requiredInteger(arg, 2, 'length');
      if (start < 1 || length < 0) throw new MappingEvaluationError('start must be 1 or more and length 0 or more', arg(1).from);
      return [...text].slice(start - 1, start - 1 + length).join('');
    }),
  },
  NormalizeDiacritics: { min: 1, max: 1, run: onText((text) => normalizeDiacritics(text)) },
  Not: { min: 1, max: 1, run: (arg) => ({ value: !asBoolean(arg(0)), from: arg(0).from }) },
  Now: { min: 0, max: 0, run: (_arg, _count, ctx) => ({ value: ctx.now }) },
  PCase: { min: 1, max: 2, run: onText((text, arg) => properCase(text, optionalText(arg, 1, 'wordSeparators'))) },
  RemoveDuplicates: {
    min: 1,
    max: 1,
    run: (arg) => {
      const source = arg(0);
      return isMulti(source.value) ? { value: [...new Set(source.value)], from: source.from } : source;
    },
  },
  Replace: { min: 2, max: 7, literals: [2, 3], run: replace },
  /** Evaluated here into the candidates; the account is given the first one free in the tenant when it is created. */
  SelectUniqueValue: {
    min: 2,
    max: 16,
    run: (arg, count) => {
      const candidates: string[] = [];
      let from: string | undefined;
      for (let i = 0; i < count; i++) {
        const rule = arg(i);
        const text = asText(rule, 'uniqueValueRule');
        if (text === undefined || text.trim() === '') continue;
        from ??= rule.from;
        if (!candidates.some((c) => c.toLowerCase() === text.trim().toLowerCase())) candidates.push(text.trim());
      }
      return { value: candidates, from };
    },
  },
  Split: {
    min: 2,
    max: 2,
    run: onText((text, arg) => {
      const delimiter = optionalText(arg, 1, 'delimiter') ?? '';
      return (delimiter ? text.split(delimiter) : [text]).map((part) => part.trim());
    }),
  },
  StripSpaces: { min: 1, max: 1, run: onText((text) => text.replace(/ /g, '')) },
  Switch: {
    min: 4,
    max: 128,
    run: (arg, count) => {
      const source = arg(0);
      const key = asText(source, 'source') ?? '';
      for (let i = 2; i + 1 < count; i += 2) {
        if (sameText({ value: key }, arg(i))) {
          const value = arg(i + 1);
          return { value: value.value, from: value.from ?? source.from };
        }
      }
      const fallback = arg(1);
      return { value: fallback.value, from: fallback.from ?? source.from };
    },
  },
  ToLower: { min: 1, max: 2, literals: [1], run: onText((text, arg) => text.toLocaleLowerCase(optionalText(arg, 1, 'culture') ?? 'und')) },
  ToUpper: { min: 1, max: 2, literals: [1], run: onText((text, arg) => text.toLocaleUpperCase(optionalText(arg, 1, 'culture') ?? 'und')) },
  /** Ours: the value when it is a UPN in one of the tenant's domains, else no value (an HR login elsewhere is not a UPN here). */
  TenantUpn: {
    min: 1,
    max: 1,
    run: (arg, _count, ctx) => {
      const source = arg(0);
      const text = asText(source, 'source');
      const match = text === undefined ? null : /^[^@\s]+@([^@\s]+\.[^@\s]+)$/.exec(text);
      const domain = match?.[1]?.toLowerCase();
      return domain && ctx.upnDomains.some((d) => d.toLowerCase() === domain) ? source : nothing(source.from);
    },
  },
  Word: {
    min: 3,
    max: 3,
    run: (arg) => {
      const source = arg(0);
      const text = asText(source, 'String');
      if (text === undefined) return { value: '', from: source.from };
      return { value: word(text, requiredInteger(arg, 1, 'WordNumber'), optionalText(arg, 2, 'Delimiters') ?? ''), from: source.from };
    },
  },
};

/** Entra functions this app does not offer, and why (named in the load error). */
export const UNSUPPORTED: Readonly<Record<string, string>> = {
  Guid: 'gives a new value on every evaluation, so a re-posted record would become a different event',
  RandomString: 'gives a new value on every evaluation, so a re-posted record would become a different event',
  Redact: 'hides values from provisioning logs, and this app never logs mapped values',
  AppRoleAssignmentsComplex: 'maps app role assignments, which only outbound provisioning has',
  SingleAppRoleAssignment: 'maps app role assignments, which only outbound provisioning has',
  BitAnd: 'reads Active Directory bit flags, which no HR source sends',
  DateFromNum: 'reads Active Directory dates, which no HR source sends',
  NumFromDate: 'writes Active Directory dates, which Entra ID does not use',
  ConvertToBase64: 'encodes for outbound targets; no employee attribute takes base 64',
  ConvertToUTF8Hex: 'encodes for outbound targets; no employee attribute takes hex',
};

/**
 * Replace(source, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttributeName, template),
 * in each of the modes the reference describes.
 */
function replace(arg: Arg, count: number, ctx: EvalContext, call: ExpressionNode): Traced {
  const args = call.kind === 'call' ? call.args : [];
  const source = arg(0);
  const text = asText(source, 'source');
  const keep = (): Traced => source;
  const oldValue = count > 1 && args[1] ? asText(arg(1), 'oldValue') : undefined;
  const group = count > 3 && args[3] ? asText(arg(3), 'regexGroupName') : undefined;
  const replacement = count > 4 && args[4] ? (asText(arg(4), 'replacementValue') ?? '') : undefined;
  const hasAttribute = count > 5 && args[5] !== null && args[5] !== undefined;
  const template = count > 6 && args[6] ? asText(arg(6), 'template') : undefined;
  if (count > 2 && args[2]) {
    const regex = ctx.regexOf(call);
    if (group !== undefined && hasAttribute) {
      if (text !== undefined && text !== '') return keep();
      const other = arg(5);
      const otherText = asText(other, 'replacementAttributeName');
      return { value: otherText === undefined ? undefined : extractGroup(regex, otherText, group), from: other.from };
    }
    if (text === undefined) return keep();
    try {
      const value = group !== undefined ? replaceGroup(regex, text, group, replacement ?? '') : replaceMatches(regex, text, replacement ?? '');
      return { value, from: source.from };
    } catch (error) {
      throw new MappingEvaluationError(`source ${(error as Error).message}`, source.from);
    }
  }
  if (text === undefined) return keep();
  if (oldValue !== undefined && template !== undefined) return { value: replaceLiteral(template, oldValue, text), from: source.from };
  if (oldValue !== undefined) return { value: replaceLiteral(text, oldValue, replacement ?? ''), from: source.from };
  return keep();
}
