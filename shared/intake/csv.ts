import { parse } from 'csv-parse/sync';
import type { Employee, FieldIssue, LifecycleEventType } from '../domain/events';
import { mapRecord } from '../mapping/apply-mapping';
import { attributesOf } from '../mapping/ast';
import { compileSourceMapping, MappingFileError, sourceMapping, type CompiledSourceMapping, type MappingSet } from '../mapping/mapping-file';
import { csvReader } from '../mapping/source-records';
import { mappingIssues, toMappedEvent, type MappedEventOptions } from './mapped-event';
import { checkRecordCount, collect, type IntakeResult, type Validated } from './records';

/**
 * A plain column mapping (each field one column, one column for the event type), kept for callers
 * that configure CSV that way; it becomes an expression mapping (`[Column]`, and a Switch on the
 * type column). A tenant's mapping file (hr-csv) says the same and more.
 * - `columns`: canonical employee field → CSV header. One column may feed several fields
 *   (the default uses CountryCode for both country and usageLocation). Mapped columns other
 *   than the employee id may be missing from the file; their fields are then absent.
 * - `eventType`: the column that decides the event type and its values (matched
 *   case-insensitively, trimmed) → type. A value not listed rejects the row.
 * The employee id column and the event type column must be in the header.
 * Columns not in the mapping are ignored. Empty cells are absent values.
 */
export interface CsvMapping {
  columns: Partial<Record<keyof Employee, string>> & { employeeId: string };
  eventType: { column: string; values: Record<string, LifecycleEventType> };
}

/**
 * Mirrors the API-driven provisioning sample AttributeMapping.psd1 (csv-with-2-records.csv):
 * WorkerID is the employee id and WorkerStatus Active/Inactive decides joiner/leaver (a joiner
 * for an existing user is processed as an update). UserID (e.g. EMP1222) is not a UPN, so it
 * is not mapped; the UPN template applies. OfficePhone is a work number, not a mobile.
 */
export const defaultCsvMapping: CsvMapping = {
  columns: {
    employeeId: 'WorkerID',
    givenName: 'FirstName',
    surname: 'LastName',
    displayName: 'FullName',
    employeeType: 'WorkerType',
    jobTitle: 'JobTitle',
    department: 'Department',
    companyName: 'Company',
    officeLocation: 'Location',
    city: 'City',
    country: 'CountryCode',
    usageLocation: 'CountryCode',
    hireDate: 'HireDate',
    managerEmployeeId: 'ManagerID',
  },
  eventType: { column: 'WorkerStatus', values: { active: 'joiner', inactive: 'leaver', terminated: 'leaver' } },
};

export interface CsvIntakeOptions {
  now: Date;
  tenantId: string;
  maxRecords: number;
  /** A plain column mapping; the default one means "the tenant's hr-csv mapping, else the default". */
  csvMapping?: CsvMapping;
  mappings?: MappingSet;
  upnDomains?: readonly string[];
}

const compiledColumnMappings = new WeakMap<CsvMapping, CompiledSourceMapping>();

/** `[` `]` and `"` cannot be written inside an attribute reference. */
function columnReference(column: string): string {
  if (/[[\]"]/.test(column)) throw new MappingFileError('csvMapping', [`hr-csv ${column}: a column name with [, ] or " cannot be mapped`]);
  return `[${column}]`;
}

/** The expression mapping a plain column mapping stands for. */
function fromColumns(mapping: CsvMapping): CompiledSourceMapping {
  const cached = compiledColumnMappings.get(mapping);
  if (cached) return cached;
  const attributes = Object.fromEntries(Object.entries(mapping.columns).map(([field, column]) => [field, columnReference(column as string)]));
  const pairs = Object.entries(mapping.eventType.values).map(([key, type]) => `${JSON.stringify(key.trim().toLowerCase())}, ${JSON.stringify(type)}`);
  const type = `Switch(ToLower(${columnReference(mapping.eventType.column)}), , ${pairs.join(', ')})`;
  const problems: string[] = [];
  const compiled = compileSourceMapping('hr-csv', { type, attributes }, problems);
  if (!compiled) throw new MappingFileError('csvMapping', problems);
  compiledColumnMappings.set(mapping, compiled);
  return compiled;
}

function mappingFor(options: CsvIntakeOptions): CompiledSourceMapping {
  if (options.csvMapping && options.csvMapping !== defaultCsvMapping) return fromColumns(options.csvMapping);
  return sourceMapping(options.mappings, 'hr-csv') as CompiledSourceMapping;
}

/**
 * Parses a CSV with a header row. Request-level issues (field `(body)` or a column name)
 * for unreadable CSV, duplicate or missing required columns and the record count; row
 * issues carry record = 0-based data row and field = the CSV column to fix. occurredAt is
 * the receive time; the eventId hashes the normalised row without it, so re-posting the
 * same file gives the same events.
 */
export function parseCsv(body: string, options: CsvIntakeOptions): IntakeResult {
  const mapping = mappingFor(options);
  let header: string[] = [];
  let rows: Record<string, string>[];
  try {
    rows = parse(body, {
      columns: (names: string[]) => (header = names),
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as Record<string, string>[];
  } catch (error) {
    // csv-parse messages can quote cell contents; report only the code and the line.
    const { code, lines } = error as { code?: string; lines?: number };
    return { ok: false, issues: [{ field: '(body)', message: `is not valid CSV (${code ?? 'parse error'}${lines ? ` near line ${lines}` : ''})` }] };
  }

  const issues: FieldIssue[] = [];
  const duplicates = header.filter((name, i) => header.indexOf(name) !== i);
  for (const name of new Set(duplicates)) issues.push({ field: name, message: 'appears more than once in the header' });
  // The columns the employee id and the event type are read from must be there; any other may be missing.
  const required = [...attributesOf(mapping.attributes.get('employeeId')?.node ?? null), ...attributesOf(mapping.type.node)];
  for (const column of new Set(required)) {
    if (!header.includes(column)) issues.push({ field: column, message: 'is a required column and is missing from the header' });
  }
  if (issues.length > 0) return { ok: false, issues };
  const countIssues = checkRecordCount(rows.length, options.maxRecords);
  if (countIssues.length > 0) return { ok: false, issues: countIssues };

  return collect(rows.map((row, index) => toEvent(row, index, mapping, options)));
}

function toEvent(row: Record<string, string>, index: number, mapping: CompiledSourceMapping, options: CsvIntakeOptions): Validated {
  const { record, issues: problems } = mapRecord(mapping, csvReader(row), { now: options.now, upnDomains: options.upnDomains ?? [] });
  const context: MappedEventOptions = {
    index,
    tenantId: options.tenantId,
    source: 'hr-csv',
    now: options.now,
    fieldName: (column) => column,
    ...(options.upnDomains ? { upnDomains: options.upnDomains } : {}),
  };
  const issues: FieldIssue[] = [];
  if (record.employee.employeeId === undefined) {
    issues.push({ record: index, field: record.fieldOf('employeeId'), message: 'is required' });
  }
  issues.push(...mappingIssues(problems, context));
  if (issues.length > 0 || !record.type) return { ok: false, issues };
  return toMappedEvent({ ...record, type: record.type }, context);
}
