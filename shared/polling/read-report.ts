import { parse } from 'csv-parse/sync';
import { employeeSchema, type Employee } from '../domain/events';
import { nestsDeeperThan } from '../intake/nesting';
import { mapRecord } from '../mapping/apply-mapping';
import { attributesOf } from '../mapping/ast';
import type { AttributeReader } from '../mapping/evaluate';
import type { CompiledSourceMapping } from '../mapping/mapping-file';
import { csvReader, jsonReader } from '../mapping/source-records';
import type { ReportFormat } from './report-config';

/**
 * A fetched report as workers: each row through the tenant's `hr-report` mapping (the same engine as
 * every intake), validated against the canonical employee. A row that cannot be read keeps its
 * worker as the snapshot has them — never "gone", which would make a leaver of a typo — and a report
 * whose rows cannot all be attributed to a worker is refused whole.
 */

/** One worker as the report states them: the canonical attributes, and whether the status says they left. */
export interface ReportWorker {
  employee: Employee;
  terminated: boolean;
}

/** A problem with one row, in the report's field names; never a value (the employee id names the worker). */
export interface RowProblem {
  /** 1-based data row. */
  row: number;
  employeeId?: string;
  field: string;
  message: string;
}

export interface ReadReport {
  /** By worker key (the employee id, lower-cased: Entra compares employeeIds case-insensitively). */
  workers: Map<string, ReportWorker>;
  /** Workers whose rows could not be read this time: they keep what the snapshot holds. */
  unreadable: Set<string>;
  problems: RowProblem[];
  rows: number;
}

/** The report cannot be read at all (not JSON, no Report_Entry, rows without a worker): the run fails, the snapshot stays. */
export class ReportParseError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ReportParseError';
  }
}

export interface ReadOptions {
  mapping: CompiledSourceMapping;
  now: Date;
  upnDomains: readonly string[];
}

export function workerKey(employeeId: string): string {
  return employeeId.trim().toLowerCase();
}

/** Rows as attribute readers: JSON `Report_Entry` objects (`[a.b]` follows properties) or CSV rows (`[Column]`). */
function rowsOf(body: string, format: ReportFormat, mapping: CompiledSourceMapping): AttributeReader[] {
  const text = body.replace(/^\uFEFF/, '');
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ReportParseError('the report is not valid JSON');
    }
    if (nestsDeeperThan(parsed)) throw new ReportParseError('the report nests deeper than 32 levels');
    const entries = (parsed as { Report_Entry?: unknown } | null)?.Report_Entry;
    if (!Array.isArray(entries)) throw new ReportParseError('the report has no Report_Entry array (a RaaS JSON report is { "Report_Entry": [ … ] })');
    const notObject = entries.findIndex((e) => typeof e !== 'object' || e === null || Array.isArray(e));
    if (notObject >= 0) throw new ReportParseError(`Report_Entry[${notObject}] is not an object`);
    return (entries as Record<string, unknown>[]).map((entry) => jsonReader(entry));
  }
  let header: string[] = [];
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: (names: string[]) => (header = names), skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (error) {
    // csv-parse messages can quote cells: only the code and the line.
    const { code, lines } = error as { code?: string; lines?: number };
    throw new ReportParseError(`the report is not valid CSV (${code ?? 'parse error'}${lines ? ` near line ${lines}` : ''})`);
  }
  const duplicate = header.find((name, i) => header.indexOf(name) !== i);
  if (duplicate !== undefined) throw new ReportParseError(`the report's column ${duplicate} appears more than once in the header`);
  for (const column of attributesOf(mapping.attributes.get('employeeId')?.node ?? null)) {
    if (!header.includes(column)) throw new ReportParseError(`the report's header has no ${column} column (the employee id)`);
  }
  return rows.map((row) => csvReader(row));
}

export function readReport(body: string, format: ReportFormat, options: ReadOptions): ReadReport {
  const readers = rowsOf(body, format, options.mapping);
  const workers = new Map<string, ReportWorker>();
  const unreadable = new Set<string>();
  const problems: RowProblem[] = [];
  const rowsOfKey = new Map<string, number[]>();
  let withoutId = 0;
  let idField = 'employeeId';

  readers.forEach((read, index) => {
    const row = index + 1;
    const { record, issues } = mapRecord(options.mapping, read, { now: options.now, upnDomains: options.upnDomains });
    idField = record.fieldOf('employeeId');
    const id = record.employee.employeeId;
    if (typeof id !== 'string' || id.trim() === '') {
      withoutId += 1;
      return;
    }
    const key = workerKey(id);
    rowsOfKey.set(key, [...(rowsOfKey.get(key) ?? []), row]);
    const { clear: _cleared, ...employee } = record.employee;
    const rowProblems: RowProblem[] = issues.map((i) => ({ row, employeeId: id, field: i.field, message: i.message }));
    const parsed = employeeSchema.safeParse(employee);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const attribute = String(issue.path[0] ?? 'employeeId');
        rowProblems.push({ row, employeeId: id, field: record.fieldOf(attribute === 'upnCandidates' ? 'userPrincipalName' : attribute), message: `${attribute}: ${issue.message}` });
      }
    }
    const domains = options.upnDomains.map((d) => d.toLowerCase());
    const candidates = parsed.success ? parsed.data.upnCandidates : undefined;
    if (candidates && candidates.some((c) => !domains.includes(c.split('@').pop()?.toLowerCase() ?? ''))) {
      rowProblems.push({ row, employeeId: id, field: record.fieldOf('userPrincipalName'), message: "gives a UPN candidate outside the tenant's UPN domain" });
    }
    if (rowProblems.length > 0 || !parsed.success || !record.type) {
      problems.push(...rowProblems);
      unreadable.add(key);
      return;
    }
    workers.set(key, { employee: parsed.data, terminated: record.type === 'leaver' });
  });

  if (withoutId > 0) throw new ReportParseError(`${withoutId} of ${readers.length} rows have no employee id (${idField}); without it a row cannot be told from a worker who left`);
  // Two rows for one worker (a second position, a join in the report) do not say which is current.
  for (const [key, rows] of rowsOfKey) {
    if (rows.length < 2) continue;
    workers.delete(key);
    unreadable.add(key);
    problems.push({ row: rows[0] as number, employeeId: key, field: idField, message: `the worker appears in ${rows.length} rows (${rows.join(', ')}); kept as before until the report has one row per worker` });
  }
  return { workers, unreadable, problems, rows: readers.length };
}
