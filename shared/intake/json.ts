import { deriveEventId, HOME_TENANT, type FieldIssue } from '../domain/events';
import { mapRecord } from '../mapping/apply-mapping';
import type { CompiledSourceMapping, MappingSet } from '../mapping/mapping-file';
import { jsonReader } from '../mapping/source-records';
import { mappingIssues, toMappedEvent, type MappedEventOptions } from './mapped-event';
import { checkRecordCount, collect, isObject, validateCandidate, type IntakeResult, type Validated } from './records';

/** The prefix `tenantScopedEventId` gives a customer tenant's event ids. */
const CUSTOMER_SCOPED = /^[a-z0-9][a-z0-9-]{0,62}:/;

export interface JsonIntakeOptions {
  tenantId: string;
  maxRecords: number;
  now?: Date;
  upnDomains?: readonly string[];
  /** With an hr-json mapping, records are in the sender's own layout and mapped; without, they are canonical. */
  mappings?: MappingSet;
}

/**
 * Canonical JSON: one lifecycle event or an array of them, each without the need for
 * `eventId`, `tenantId` or `source`. Missing `source` becomes `hr-json` (another source is
 * refused: HR cannot speak for the ticket queue), missing `tenantId` the configured tenant,
 * missing `eventId` a hash of the record, so re-posting the same record is the same event.
 * Issues name the record index (0-based, also for a single object) and the dotted field.
 */
export function parseCanonicalJson(body: unknown, options: JsonIntakeOptions): IntakeResult {
  const records = Array.isArray(body) ? body : [body];
  const countIssues = checkRecordCount(records.length, options.maxRecords);
  if (countIssues.length > 0) return { ok: false, issues: countIssues };
  const mapping = options.mappings?.sources['hr-json'];
  if (mapping) return collect(records.map((record, index) => toMappedJsonEvent(record, index, mapping, options)));
  return collect(records.map((record, index) => toEvent(record, index, options)));
}

/**
 * A record in the sender's layout (a webhook of its own): every field comes through the mapping,
 * issues name the sender's paths, the event id is a hash of the mapped content and occurredAt
 * the receive time, as for CSV.
 */
function toMappedJsonEvent(record: unknown, index: number, mapping: CompiledSourceMapping, options: JsonIntakeOptions): Validated {
  if (!isObject(record)) return { ok: false, issues: [{ record: index, field: '(record)', message: 'must be a JSON object' }] };
  const now = options.now ?? new Date();
  const { record: mapped, issues } = mapRecord(mapping, jsonReader(record), { now, upnDomains: options.upnDomains ?? [] });
  const context: MappedEventOptions = { index, tenantId: options.tenantId, source: 'hr-json', now, fieldName: (path) => path, ...(options.upnDomains ? { upnDomains: options.upnDomains } : {}) };
  const problems = mappingIssues(issues, context);
  if (mapped.employee.employeeId === undefined) problems.unshift({ record: index, field: mapped.fieldOf('employeeId'), message: 'is required (it becomes the employeeId)' });
  if (problems.length > 0 || !mapped.type) return { ok: false, issues: problems };
  return toMappedEvent({ ...mapped, type: mapped.type }, context);
}

function toEvent(record: unknown, index: number, options: JsonIntakeOptions): Validated {
  if (!isObject(record)) return { ok: false, issues: [{ record: index, field: '(record)', message: 'must be a JSON object' }] };
  if (record.source !== undefined && record.source !== 'hr-json') {
    const issue: FieldIssue = { record: index, field: 'source', message: "must be 'hr-json' or omitted on this endpoint" };
    return { ok: false, issues: [issue] };
  }
  if (record.tenantId !== undefined && record.tenantId !== options.tenantId) {
    // One tenant's HR feed, signed with its own secret, must never reach another tenant.
    const issue: FieldIssue = { record: index, field: 'tenantId', message: `must be '${options.tenantId}' (the tenant this request is for) or omitted` };
    return { ok: false, issues: [issue] };
  }
  if (record.type === 'access' || record.change !== undefined) {
    // A grant (a group, a licence, a pass) is a service-desk decision with its own ticket, never a side effect of an HR record.
    const field = record.type === 'access' ? 'type' : 'change';
    return { ok: false, issues: [{ record: index, field, message: 'is not accepted from HR feeds: they carry joiner, mover, leaver and rehire; one-off access changes come from tickets' }] };
  }
  if (options.tenantId === HOME_TENANT && typeof record.eventId === 'string' && CUSTOMER_SCOPED.test(record.eventId)) {
    // `acme:X` is how customer acme's event X is known: from the home tenant it would be acme's.
    return { ok: false, issues: [{ record: index, field: 'eventId', message: "may not start with a tenant key and ':' (customer tenants' event ids are scoped that way)" }] };
  }
  const { eventId, ...rest } = record;
  const withDefaults = { ...rest, source: 'hr-json', tenantId: options.tenantId };
  const candidate = {
    ...withDefaults,
    eventId: eventId ?? deriveEventId(withDefaults as Parameters<typeof deriveEventId>[0]),
  };
  return validateCandidate(candidate, index);
}
