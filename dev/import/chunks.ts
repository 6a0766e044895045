import { parse } from 'csv-parse/sync';
import { isScimBulkRequest } from '../../shared/intake/scim';
import { mapRecord } from '../../shared/mapping/apply-mapping';
import type { AttributeReader } from '../../shared/mapping/evaluate';
import { sourceMapping, type CompiledSourceMapping, type MappedSource, type MappingSet } from '../../shared/mapping/mapping-file';
import { csvReader, jsonReader, scimReader } from '../../shared/mapping/source-records';

/**
 * A large HR file as request bodies the intake takes: at most `maxRecords` records and `maxBytes`
 * bytes each. Every record of one worker goes into one chunk, in file order (so a joiner and the
 * mover after it are one request, and a refused chunk takes all of that worker's records with it);
 * chunks keep the order in which workers first appear, and are posted one after another. Only a
 * worker with more records than a chunk holds is split, over consecutive chunks, still in order.
 */

export type FileFormat = 'csv' | 'json' | 'scim';

export interface FileRecord {
  /** How the operator finds it: `line 12` (CSV), `record 3` (JSON), `Operations[2]` (SCIM). */
  label: string;
  /** The worker, by the employee id the mapping reads (`--mapping`, else the default); undefined: the record goes on its own. */
  worker?: string;
  /** The record as it goes into a body. */
  text: string;
  bytes: number;
}

export interface ParsedFile {
  format: FileFormat;
  contentType: string;
  records: FileRecord[];
  /** Builds one request body of some of the records. */
  body(records: readonly FileRecord[]): string;
  /** A body's size: `fixed` bytes, each record's, and `between` bytes between two records. */
  fixed: number;
  between: number;
}

export interface Chunk {
  records: FileRecord[];
  body: string;
}

export class ImportFileError extends Error {}

function withBytes(record: Omit<FileRecord, 'bytes'>): FileRecord {
  return { ...record, bytes: Buffer.byteLength(record.text) };
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The worker a record belongs to, read as the mapping of its source (the default, unless `--mapping` gives one) reads the employee id. */
function workerOf(source: MappedSource, reader: AttributeReader, mappings: MappingSet | undefined): string | undefined {
  const mapping = sourceMapping(mappings, source) as CompiledSourceMapping;
  const id = mapRecord(mapping, reader, { now: new Date(), upnDomains: [] }).record.employee.employeeId;
  return typeof id === 'string' && id.trim() !== '' ? id.trim().toLowerCase() : undefined;
}

function parseCsvFile(text: string, mappings: MappingSet | undefined): ParsedFile {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, info: true }) as unknown as typeof rows;
  } catch (error) {
    const { code, lines } = error as { code?: string; lines?: number };
    throw new ImportFileError(`the file is not valid CSV (${code ?? 'parse error'}${lines ? ` near line ${lines}` : ''})`);
  }
  const [header, ...data] = rows;
  if (!header) throw new ImportFileError('the file is empty');
  const headerLine = header.record.map(csvCell).join(',');
  const records = data.map(({ record, info }) => {
    const row = Object.fromEntries(header.record.map((name, i) => [name.trim(), (record[i] ?? '').trim()]));
    return withBytes({ label: `line ${info.lines}`, worker: workerOf('hr-csv', csvReader(row), mappings), text: record.map(csvCell).join(',') });
  });
  const body = (chunk: readonly FileRecord[]) => `${[headerLine, ...chunk.map((r) => r.text)].join('\r\n')}\r\n`;
  // header CRLF, then each row CRLF: the first row's CRLF counts in `fixed`, every other one `between`.
  return { format: 'csv', contentType: 'text/csv', records, body, fixed: Buffer.byteLength(headerLine) + 4, between: 2 };
}

function parseJsonFile(text: string, mappings: MappingSet | undefined): ParsedFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new ImportFileError('the file is not valid JSON');
  }
  if (isScimBulkRequest(parsed)) {
    const { Operations, ...rest } = parsed as { Operations: unknown[] } & Record<string, unknown>;
    const records = Operations.map((op, i) => {
      const data = (op as { data?: unknown })?.data;
      const worker = data && typeof data === 'object' ? workerOf('hr-scim', scimReader(data as Record<string, unknown>), mappings) : undefined;
      return withBytes({ label: `Operations[${i}]`, ...(worker ? { worker } : {}), text: JSON.stringify(op) });
    });
    const body = (chunk: readonly FileRecord[]) => JSON.stringify({ ...rest, Operations: chunk.map((r) => JSON.parse(r.text) as unknown) });
    return { format: 'scim', contentType: 'application/scim+json', records, body, fixed: Buffer.byteLength(body([])), between: 1 };
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const records = items.map((item, i) => {
    // Records in the sender's own layout (an hr-json mapping) name the worker where the mapping reads it.
    const own = mappings?.sources['hr-json'] && item && typeof item === 'object' ? workerOf('hr-json', jsonReader(item as Record<string, unknown>), mappings) : undefined;
    const id = own ?? (item as { employee?: { employeeId?: unknown } } | null)?.employee?.employeeId;
    return withBytes({ label: `record ${i + 1}`, ...(typeof id === 'string' && id.trim() ? { worker: id.trim().toLowerCase() } : {}), text: JSON.stringify(item) });
  });
  return { format: 'json', contentType: 'application/json', records, body: (chunk) => `[${chunk.map((r) => r.text).join(',')}]`, fixed: 2, between: 1 };
}

/** What a file is, by its extension: `.csv`, or `.json` (canonical events, or a SCIM BulkRequest by its `schemas`). */
export function formatOfName(name: string): 'csv' | 'json' | undefined {
  const extension = /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase();
  return extension === 'csv' ? 'csv' : extension === 'json' ? 'json' : undefined;
}

/** A file as CSV or JSON (a SCIM BulkRequest is told apart by its content); `mappings`: the `--mapping` file's, for who each record is about. */
export function parseImportFile(kind: 'csv' | 'json', text: string, mappings?: MappingSet): ParsedFile {
  const file = kind === 'csv' ? parseCsvFile(text, mappings) : parseJsonFile(text, mappings);
  if (file.records.length === 0) throw new ImportFileError('the file holds no records');
  return file;
}

/** The file's records as request bodies within both limits; throws when one record alone is over the byte limit. */
export function chunkRecords(file: ParsedFile, limits: { maxRecords: number; maxBytes: number }): Chunk[] {
  const groups = new Map<string, FileRecord[]>();
  file.records.forEach((record, i) => {
    const key = record.worker ?? `#${i}`;
    groups.set(key, [...(groups.get(key) ?? []), record]);
  });
  const chunks: Chunk[] = [];
  let current: FileRecord[] = [];
  let currentBytes = 0;
  const bytesOf = (records: readonly FileRecord[]) => records.reduce((sum, r) => sum + r.bytes + file.between, 0);
  // Sizes add up record by record, so packing a large file stays linear.
  const fitsWith = (records: readonly FileRecord[]) =>
    current.length + records.length <= limits.maxRecords && file.fixed + currentBytes + bytesOf(records) - file.between <= limits.maxBytes;
  const add = (records: readonly FileRecord[]) => {
    current.push(...records);
    currentBytes += bytesOf(records);
  };
  const close = () => {
    if (current.length > 0) chunks.push({ records: current, body: file.body(current) });
    current = [];
    currentBytes = 0;
  };
  for (const group of groups.values()) {
    if (fitsWith(group)) {
      add(group);
      continue;
    }
    close();
    if (fitsWith(group)) {
      add(group);
      continue;
    }
    // One worker with more than a chunk holds: their records over consecutive chunks, in order.
    for (const record of group) {
      if (!fitsWith([record])) close();
      if (!fitsWith([record])) throw new ImportFileError(`${record.label} alone is larger than a request may be (${limits.maxBytes} bytes)`);
      add([record]);
    }
    close();
  }
  close();
  return chunks;
}
