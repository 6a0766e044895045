import { tenantScopedEventId, type FieldIssue } from '../domain/events';
import { parseCsv, type CsvMapping } from './csv';
import { parseCanonicalJson } from './json';
import { nestsDeeperThan, tooDeep } from './nesting';
import type { MappingSet } from '../mapping/mapping-file';
import type { IntakeResult } from './records';
import { isScimBulkRequest, parseScimBulkRequest } from './scim';

export { defaultCsvMapping, type CsvMapping } from './csv';
export type { IntakeResult } from './records';
export { parseTicketRequest, ticketRequestSchema, type TicketRequest } from './ticket-request';

export interface IntakeOptions {
  /** Receive time; occurredAt for formats that carry none (SCIM, CSV). */
  now: Date;
  /** Tenant for records that name none. */
  tenantId: string;
  /** Most records (events, operations, rows) one request may carry. */
  maxRecords: number;
  /** A plain CSV column mapping (the default: the tenant's hr-csv mapping, else the default mapping). */
  csvMapping?: CsvMapping;
  /** The tenant's mapping file, compiled; a source it does not list is read the default way. */
  mappings?: MappingSet;
  /** The tenant's UPN domains: a SCIM userName in one of them is taken as the UPN. */
  upnDomains?: readonly string[];
}

/**
 * Parses an HR request into validated lifecycle events, all or nothing.
 * `application/json` and `*+json`: a SCIM BulkRequest when `schemas` says so, else canonical
 * JSON; `application/scim+json`: SCIM; `text/csv`: CSV. Other content types are refused.
 */
export function parseHrRequest(body: string, contentType: string | undefined, options: IntakeOptions): IntakeResult {
  return scopeToTenant(parseHrBody(body, contentType, options), options.tenantId);
}

/** Customer tenants' event ids carry the tenant's key (see `tenantScopedEventId`). */
export function scopeToTenant(result: IntakeResult, tenantId: string): IntakeResult {
  if (!result.ok) return result;
  return { ok: true, events: result.events.map((e) => ({ ...e, eventId: tenantScopedEventId(tenantId, e.eventId) })) };
}

function parseHrBody(body: string, contentType: string | undefined, options: IntakeOptions): IntakeResult {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'text/csv') return parseCsv(body, options);
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    const issue: FieldIssue = {
      field: '(content-type)',
      message: `must be application/json, application/scim+json or text/csv${mediaType ? '' : ' (none was sent)'}`,
    };
    return { ok: false, issues: [issue] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, issues: [{ field: '(body)', message: 'is not valid JSON' }] };
  }
  if (nestsDeeperThan(parsed)) return { ok: false, issues: [{ ...tooDeep }] };
  if (mediaType === 'application/scim+json' || isScimBulkRequest(parsed)) return parseScimBulkRequest(parsed, options);
  return parseCanonicalJson(parsed, options);
}
