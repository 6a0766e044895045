import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { employeeSchema, type LifecycleEventType } from '../domain/events';
import { DEFAULT_BAMBOOHR_MAPPING, DEFAULT_CSV_MAPPING, DEFAULT_HIBOB_MAPPING, DEFAULT_REPORT_MAPPING, DEFAULT_SCIM_MAPPING, type SourceMappingText } from './default-mappings';
import { compileExpression, MappingExpressionError, type CompiledExpression } from './parse-expression';

/**
 * The mapping file (`MAPPING_FILE`, or a tenant's `mapping`): for each HR source, an Entra-style
 * expression per employee attribute and one for the event type. A source the file does not list
 * keeps its default mapping; `"extends": "default"` starts from the default and changes only the
 * attributes listed (null drops one). Validated when loaded, like the rules file: a problem names
 * the source, the attribute and what is wrong.
 */

/** The sources a mapping can be written for; a connector adds its own key here. */
export const MAPPED_SOURCES = ['hr-json', 'hr-scim', 'hr-csv', 'bamboohr', 'hibob', 'hr-report'] as const;
export type MappedSource = (typeof MAPPED_SOURCES)[number];

/** Every canonical employee attribute (accountEnabled included), plus upnCandidates through SelectUniqueValue on userPrincipalName. */
export const MAPPABLE_ATTRIBUTES = Object.keys(employeeSchema.shape).filter((name) => name !== 'clear' && name !== 'upnCandidates') as MappableAttribute[];
export type MappableAttribute = Exclude<keyof z.infer<typeof employeeSchema>, 'clear' | 'upnCandidates'>;

const expressionText = z.string().min(1);

const sourceMappingSchema = z
  .object({
    extends: z.literal('default').optional(),
    /** joiner | mover | leaver | rehire, from the record. */
    type: expressionText.optional(),
    attributes: z.record(z.string(), expressionText.nullable()).default({}),
  })
  .strict();

export const mappingFileSchema = z
  .object({
    $schema: z.string().optional(),
    $comment: z.string().optional(),
    sources: z.partialRecord(z.enum(MAPPED_SOURCES), sourceMappingSchema).default({}),
  })
  .strict();

export type MappingFile = z.infer<typeof mappingFileSchema>;

export interface CompiledSourceMapping {
  source: MappedSource;
  type: CompiledExpression;
  /** The keys of the type expression when it is a Switch, for "must be one of" messages. */
  typeKeys?: string[];
  attributes: ReadonlyMap<MappableAttribute, CompiledExpression>;
}

/** The mappings one tenant's intake uses; a source missing here is read the default way. */
export interface MappingSet {
  origin: string;
  sources: Partial<Record<MappedSource, CompiledSourceMapping>>;
}

export class MappingFileError extends Error {
  constructor(
    readonly origin: string,
    readonly problems: readonly string[],
  ) {
    super(`mapping ${origin} is not valid: ${problems.join('; ')}`);
    this.name = 'MappingFileError';
  }
}

const DEFAULTS: Partial<Record<MappedSource, SourceMappingText>> = { 'hr-scim': DEFAULT_SCIM_MAPPING, 'hr-csv': DEFAULT_CSV_MAPPING, bamboohr: DEFAULT_BAMBOOHR_MAPPING, hibob: DEFAULT_HIBOB_MAPPING, 'hr-report': DEFAULT_REPORT_MAPPING };

/** Compiles one source's expressions, adding each problem (source, attribute, reason, expression) to `problems`. */
export function compileSourceMapping(source: MappedSource, text: SourceMappingText, problems: string[]): CompiledSourceMapping | undefined {
  const before = problems.length;
  const compile = (attribute: string, expression: string): CompiledExpression | undefined => {
    try {
      return compileExpression(expression, { allowSelectUniqueValue: attribute === 'userPrincipalName' });
    } catch (error) {
      const reason = error instanceof MappingExpressionError ? error.message : String(error);
      problems.push(`${source} ${attribute}: ${reason} in ${JSON.stringify(expression)}`);
      return undefined;
    }
  };
  const type = compile('type', text.type);
  const attributes = new Map<MappableAttribute, CompiledExpression>();
  for (const [attribute, expression] of Object.entries(text.attributes)) {
    if (!(MAPPABLE_ATTRIBUTES as string[]).includes(attribute)) {
      problems.push(`${source} ${attribute}: is not an employee attribute (one of ${MAPPABLE_ATTRIBUTES.join(', ')})`);
      continue;
    }
    const compiled = compile(attribute, expression);
    if (compiled) attributes.set(attribute as MappableAttribute, compiled);
  }
  if (!text.attributes.employeeId) problems.push(`${source} employeeId: is required (it matches the worker's account)`);
  if (problems.length > before || !type) return undefined;
  return { source, type, attributes, ...typeKeysOf(type) };
}

function typeKeysOf(type: CompiledExpression): { typeKeys?: string[] } {
  const { node } = type;
  if (node.kind !== 'call' || node.name !== 'Switch') return {};
  const keys = node.args.filter((arg, i) => i >= 2 && i % 2 === 0 && arg?.kind === 'string').map((arg) => (arg as { value: string }).value);
  return keys.length > 0 ? { typeKeys: keys } : {};
}

/** Validates and compiles a parsed mapping file (a tenant's `mapping`, or MAPPING_FILE's content). */
export function compileMappingFile(json: unknown, origin: string): MappingSet {
  const parsed = mappingFileSchema.safeParse(json);
  if (!parsed.success) throw new MappingFileError(origin, parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`));
  const problems: string[] = [];
  const sources: MappingSet['sources'] = {};
  for (const [source, mapping] of Object.entries(parsed.data.sources) as [MappedSource, z.infer<typeof sourceMappingSchema>][]) {
    const base = mapping.extends ? DEFAULTS[source] : undefined;
    if (mapping.extends && !base) {
      problems.push(`${source}: has no default mapping to extend (canonical JSON is read as it is)`);
      continue;
    }
    const attributes: Record<string, string> = { ...(base?.attributes ?? {}) };
    for (const [attribute, expression] of Object.entries(mapping.attributes)) {
      if (expression === null) delete attributes[attribute];
      else attributes[attribute] = expression;
    }
    const type = mapping.type ?? base?.type;
    if (!type) {
      problems.push(`${source} type: is required (an expression giving joiner, mover, leaver or rehire)`);
      continue;
    }
    const compiled = compileSourceMapping(source, { type, attributes }, problems);
    if (compiled) sources[source] = compiled;
  }
  if (problems.length > 0) throw new MappingFileError(origin, problems);
  return { origin, sources };
}

/** Reads MAPPING_FILE (relative to the app's working directory, as RULES_FILE is). */
export function loadMappingFile(file: string): MappingSet {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read as JSON (${(error as Error).message})`;
    throw new MappingFileError(file, [reason]);
  }
  return compileMappingFile(json, file);
}

/** A tenant's `mapping` (inline, or a file's path) or MAPPING_FILE; undefined: the defaults. */
export function mappingFrom(value: string | MappingFile | undefined, origin: string): MappingSet | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? loadMappingFile(value) : compileMappingFile(value, origin);
}

let defaults: MappingSet | undefined;

/** The default mappings, compiled once; a problem in them is a defect, so it throws. */
export function defaultMappings(): MappingSet {
  if (!defaults) {
    const problems: string[] = [];
    const sources: MappingSet['sources'] = {};
    for (const [source, text] of Object.entries(DEFAULTS) as [MappedSource, SourceMappingText][]) {
      const compiled = compileSourceMapping(source, text, problems);
      if (compiled) sources[source] = compiled;
    }
    if (problems.length > 0) throw new MappingFileError('(defaults)', problems);
    defaults = { origin: '(defaults)', sources };
  }
  return defaults;
}

/** The mapping a tenant's records of one source go through: its own, else the default (none for canonical JSON). */
export function sourceMapping(mappings: MappingSet | undefined, source: MappedSource): CompiledSourceMapping | undefined {
  return mappings?.sources[source] ?? defaultMappings().sources[source];
}

export const EVENT_TYPES_FROM_HR: readonly LifecycleEventType[] = ['joiner', 'mover', 'leaver', 'rehire'];
