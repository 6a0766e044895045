import { deriveEventId, HOME_TENANT, type LifecycleEvent } from '../../shared/domain/events';
import { parseHrRequest } from '../../shared/intake';
import { loadMappingFile, MappingFileError, type MappingSet } from '../../shared/mapping/mapping-file';
import { ImportFileError, type FileRecord, type ParsedFile } from './chunks';
import type { RefusedIssue } from './post-chunks';

/**
 * `--mapping file`. The intake reads a tenant's records through the mapping the host holds for that
 * tenant (MAPPING_FILE for the home tenant, `mapping` in a customer's file: shared/tenancy); a request
 * cannot choose another one, and must not — the HR secret signs records, not the way they are read.
 * So a mapping given here is applied on this machine, by the intake's own code (`parseHrRequest`
 * with the file's compiled mapping, record by record), and the events it makes are posted as
 * canonical JSON events, which the intake takes as they are. A record the mapping refuses is refused
 * here, with the intake's words, and never posted.
 */

export interface LocallyMapped {
  file: ParsedFile;
  refused: RefusedIssue[];
  refusedRecords: number;
}

/** Compiles the mapping file, or says what is wrong with it (the same checks the host makes when it loads one). */
export function readMapping(path: string): MappingSet {
  try {
    return loadMappingFile(path);
  } catch (error) {
    if (error instanceof MappingFileError) throw new ImportFileError(`the mapping file is not valid, nothing was posted: ${error.message}`);
    throw error;
  }
}

/** The event as canonical JSON: the intake fills in source (hr-json) and tenant. */
function canonical(event: LifecycleEvent): Record<string, unknown> {
  const { eventId: _scoped, tenantId, source: _source, ...rest } = event;
  // The id hashes what the event says as it is posted (source hr-json), without the receive time, so
  // importing the file again gives the same ids, which never clash with a raw post of the same rows.
  const { occurredAt: _at, ...said } = rest;
  const eventId = deriveEventId({ ...said, tenantId, source: 'hr-json' } as Parameters<typeof deriveEventId>[0]);
  return { eventId, ...rest };
}

export function mapLocally(file: ParsedFile, mappings: MappingSet, options: { tenantId: string; upnDomains: readonly string[]; now: Date }): LocallyMapped {
  const issues = new Map<string, RefusedIssue>();
  const refuse = (field: string, message: string, label: string) => {
    const key = `${field}\u0000${message}`;
    const entry = issues.get(key) ?? { field, message, records: [] };
    entry.records.push(label);
    issues.set(key, entry);
  };
  const mapped: { record: FileRecord; event?: Record<string, unknown>; worker?: string }[] = [];
  for (const record of file.records) {
    const result = parseHrRequest(file.body([record]), file.contentType, { now: options.now, tenantId: options.tenantId || HOME_TENANT, maxRecords: 1, mappings, upnDomains: options.upnDomains });
    if (result.ok) {
      for (const event of result.events) mapped.push({ record, event: canonical(event), worker: event.employee.employeeId.trim().toLowerCase() });
      continue;
    }
    const fileLevel = result.issues.find((i) => i.record === undefined);
    // A header without the columns the mapping needs is the same for every row: said once, before anything is posted.
    if (fileLevel) throw new ImportFileError(`the file does not fit the mapping, nothing was posted: ${fileLevel.field} ${fileLevel.message}`);
    for (const issue of result.issues) refuse(issue.field, issue.message, record.label);
    mapped.push({ record, ...(record.worker ? { worker: record.worker } : {}) });
  }
  // As the host does with a refused record: the other records of that worker are not posted either.
  const refusedWorkers = new Set(mapped.filter((m) => !m.event && m.worker).map((m) => m.worker));
  const posted: FileRecord[] = [];
  let refusedRecords = 0;
  for (const m of mapped) {
    if (!m.event) {
      refusedRecords += 1;
      continue;
    }
    if (m.worker && refusedWorkers.has(m.worker)) {
      refuse('(worker)', 'not posted: another record of the same worker was refused', m.record.label);
      refusedRecords += 1;
      continue;
    }
    const text = JSON.stringify(m.event);
    posted.push({ label: m.record.label, ...(m.worker ? { worker: m.worker } : {}), text, bytes: Buffer.byteLength(text) });
  }
  const body = (chunk: readonly FileRecord[]) => `[${chunk.map((r) => r.text).join(',')}]`;
  return { file: { format: 'json', contentType: 'application/json', records: posted, body, fixed: 2, between: 1 }, refused: [...issues.values()], refusedRecords };
}
