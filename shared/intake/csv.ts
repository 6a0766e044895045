import { parse } from 'csv-parse/sync';
import { deriveEventId, type Employee, type FieldIssue, type LifecycleEventType } from '../domain/events';
import { checkRecordCount, collect, compact, text, validateCandidate, type IntakeResult, type Validated } from './records';

/**
 * How an HR CSV export becomes lifecycle events.
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
  csvMapping: CsvMapping;
}

/**
 * Parses a CSV with a header row. Request-level issues (field `(body)` or a column name)
 * for unreadable CSV, duplicate or missing required columns and the record count; row
 * issues carry record = 0-based data row and field = the CSV column to fix. occurredAt is
 * the receive time; the eventId hashes the normalised row without it, so re-posting the
 * same file gives the same events.
 */
export function parseCsv(body: string, options: CsvIntakeOptions): IntakeResult {
  const { csvMapping: mapping } = options;
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
  for (const required of [mapping.columns.employeeId, mapping.eventType.column]) {
    if (!header.includes(required)) issues.push({ field: required, message: 'is a required column and is missing from the header' });
  }
  if (issues.length > 0) return { ok: false, issues };
  const countIssues = checkRecordCount(rows.length, options.maxRecords);
  if (countIssues.length > 0) return { ok: false, issues: countIssues };

  return collect(rows.map((row, index) => toEvent(row, index, options)));
}

function toEvent(row: Record<string, string>, index: number, options: CsvIntakeOptions): Validated {
  const { columns, eventType } = options.csvMapping;
  const issues: FieldIssue[] = [];
  if (text(row[columns.employeeId]) === undefined) issues.push({ record: index, field: columns.employeeId, message: 'is required' });
  const typeValue = text(row[eventType.column]);
  const type = typeof typeValue === 'string' ? lookup(eventType.values, typeValue) : undefined;
  if (type === undefined) {
    issues.push({ record: index, field: eventType.column, message: `must be one of: ${Object.keys(eventType.values).join(', ')}` });
  }
  if (issues.length > 0) return { ok: false, issues };

  const employee: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(columns)) employee[field] = text(row[column]);
  const withoutId = { type, tenantId: options.tenantId, source: 'hr-csv' as const, employee: compact(employee) };
  const candidate = {
    ...withoutId,
    eventId: deriveEventId(withoutId as Parameters<typeof deriveEventId>[0]),
    occurredAt: options.now.toISOString(),
  };
  return validateCandidate(candidate, index, (path) => {
    const field = path.startsWith('employee.') ? path.slice('employee.'.length).split('.')[0] : undefined;
    return (field && columns[field as keyof Employee]) || path;
  });
}

function lookup(values: Record<string, LifecycleEventType>, value: string): LifecycleEventType | undefined {
  const wanted = value.trim().toLowerCase();
  const key = Object.keys(values).find((k) => k.trim().toLowerCase() === wanted);
  return key === undefined ? undefined : values[key];
}
