import { DateTime } from 'luxon';
import { CLEARABLE_ATTRIBUTES, type ClearableAttribute, type LifecycleEventType } from '../domain/events';
import { attributesOf } from './ast';
import { evaluate, type AttributeReader } from './evaluate';
import { EVENT_TYPES_FROM_HR, type CompiledSourceMapping, type MappableAttribute } from './mapping-file';
import { evalContext, type CompiledExpression } from './parse-expression';
import { asText, isDate, isMulti, MappingEvaluationError, Opaque, type Traced } from './values';

/** One record after its mapping: the canonical employee, and where each attribute came from. */
export interface MappedRecord {
  type?: LifecycleEventType;
  employee: Record<string, unknown>;
  /** The sender's field for a canonical attribute (or `type`), for issues. */
  fieldOf(attribute: string): string;
}

/** A mapping problem for one record, in the sender's field names; it names the attribute and the expression, never a value. */
export interface MappingIssue {
  field: string;
  message: string;
}

export interface MapOptions {
  now: Date;
  upnDomains: readonly string[];
}

const DATE_ATTRIBUTES = new Set(['hireDate', 'leaveDate']);

/**
 * Evaluates every expression of the mapping over one record. Text is trimmed and a blank becomes
 * absent (as the intake always read HR values); a value the source sent as null clears a clearable
 * attribute; dates come out as ISO 8601; SelectUniqueValue on userPrincipalName gives upnCandidates.
 * Values of the wrong kind (an object where text belongs) are passed on, so validation names them.
 */
export function mapRecord(mapping: CompiledSourceMapping, read: AttributeReader, options: MapOptions): { record: MappedRecord; issues: MappingIssue[] } {
  const employee: Record<string, unknown> = {};
  const clear: ClearableAttribute[] = [];
  const fields = new Map<string, string>();
  const issues: MappingIssue[] = [];
  const staticField = (attribute: string, expression: CompiledExpression | undefined) => attributesOf(expression?.node ?? null)[0] ?? attribute;

  const run = (attribute: string, expression: CompiledExpression): Traced | undefined => {
    try {
      const result = evaluate(expression, read, evalContext(expression, options.now, options.upnDomains));
      fields.set(attribute, result.from ?? staticField(attribute, expression));
      return result;
    } catch (error) {
      const from = error instanceof MappingEvaluationError && error.from ? error.from : staticField(attribute, expression);
      const problem = error instanceof MappingEvaluationError ? error.message : 'cannot be computed';
      issues.push({ field: from, message: `${attribute} (mapped by ${expression.text}): ${problem}` });
      return undefined;
    }
  };

  for (const [attribute, expression] of mapping.attributes) {
    const result = run(attribute, expression);
    if (!result) continue;
    const out = output(attribute, result);
    if (out.issue) issues.push({ field: fields.get(attribute) as string, message: out.issue });
    else if (out.clear) clear.push(attribute as ClearableAttribute);
    else if (out.candidates) employee.upnCandidates = out.candidates;
    else if (out.value !== undefined) employee[attribute] = out.value;
  }
  if (clear.length > 0) employee.clear = clear;

  let type: LifecycleEventType | undefined;
  const typed = run('type', mapping.type);
  if (typed) {
    const text = typeof typed.value === 'string' ? typed.value.trim() : undefined;
    if (text && (EVENT_TYPES_FROM_HR as string[]).includes(text)) type = text as LifecycleEventType;
    else {
      const allowed = mapping.typeKeys ?? EVENT_TYPES_FROM_HR;
      issues.push({ field: fields.get('type') as string, message: `must be one of: ${allowed.join(', ')}` });
    }
  }
  const fieldOf = (attribute: string) => fields.get(attribute) ?? staticField(attribute, mapping.attributes.get(attribute as MappableAttribute));
  return { record: { ...(type ? { type } : {}), employee, fieldOf }, issues: firstPerField(issues) };
}

type Output = { value?: unknown; clear?: true; candidates?: string[]; issue?: string };

function output(attribute: string, { value }: Traced): Output {
  if (value === undefined) return {};
  if (value === null) return (CLEARABLE_ATTRIBUTES as readonly string[]).includes(attribute) ? { clear: true } : {};
  if (attribute === 'accountEnabled') {
    if (typeof value === 'boolean') return { value };
    const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    if (text === 'true' || text === 'false') return { value: text === 'true' };
    if (text === '') return {};
    return { issue: 'must be true or false' };
  }
  if (attribute === 'userPrincipalName' && isMulti(value)) return value.length > 0 ? { candidates: [...value] } : {};
  if (isDate(value)) return { value: DATE_ATTRIBUTES.has(attribute) ? (value as DateTime).toUTC().toISO({ suppressMilliseconds: true }) : asText({ value }, attribute) };
  if (typeof value === 'string') return value.trim() === '' ? {} : { value: value.trim() };
  if (typeof value === 'number') return { value: String(value) };
  if (value instanceof Opaque) return { value: value.raw };
  return { value };
}

/** Two problems with one field read as one: the first says what to fix. */
function firstPerField(issues: MappingIssue[]): MappingIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => !seen.has(issue.field) && seen.add(issue.field));
}
