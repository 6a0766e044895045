import { deriveEventId, type FieldIssue, type LifecycleEventType } from '../domain/events';
import { mapRecord, type MappedRecord } from '../mapping/apply-mapping';
import { sourceMapping, type MappingSet } from '../mapping/mapping-file';
import { scimReader } from '../mapping/source-records';
import { mappingIssues, toMappedEvent, type MappedEventOptions } from './mapped-event';
import { checkRecordCount, collect, isObject, text, type IntakeResult, type Validated } from './records';

export const SCIM_BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export interface ScimIntakeOptions {
  now: Date;
  tenantId: string;
  maxRecords: number;
  /**
   * Domains a SCIM `userName` may use to become the UPN (the tenant's UPN domains). HR logins
   * in other domains (`bjensen@example.com`) are not UPNs here: the template builds one.
   */
  upnDomains?: readonly string[];
  /** The tenant's mappings; without one for hr-scim, the default (shared/mapping/default-mappings.ts). */
  mappings?: MappingSet;
}

/** True when a parsed JSON body declares itself a SCIM BulkRequest. */
export function isScimBulkRequest(body: unknown): boolean {
  const schemas = isObject(body) ? body.schemas : undefined;
  return Array.isArray(schemas) && schemas.includes(SCIM_BULK_REQUEST_SCHEMA);
}

/**
 * A SCIM 2.0 BulkRequest as Entra API-driven inbound provisioning accepts it: every operation
 * is `POST /Users` with a `bulkId` and a User in `data`, mapped by the tenant's hr-scim mapping
 * (by default Entra's: `externalId` → employeeId, required; `name`, `title`, `userType`, the work
 * address, enterprise `department`/`organization`/`manager.value`, custom extensions' hire and
 * leave dates and usage location; names from `displayName` when `name` is missing; `userName` is
 * the UPN only in one of upnDomains; `active` → accountEnabled, `active: false` a leaver; a null
 * clears). The operations are all-or-nothing regardless of `failOnErrors`. Issues carry record =
 * operation index and field = `Operations[i].` + the SCIM attribute path, e.g.
 * `Operations[2].data.externalId`. The eventId is `scim-<bulkId>-<hash of the normalised record>`:
 * stable across re-posts of the same state (occurredAt, which is the receive time, is not part of it).
 */
export function parseScimBulkRequest(body: unknown, options: ScimIntakeOptions): IntakeResult {
  if (!isScimBulkRequest(body)) {
    return { ok: false, issues: [{ field: 'schemas', message: `must include ${SCIM_BULK_REQUEST_SCHEMA}` }] };
  }
  const operations = (body as Record<string, unknown>).Operations;
  if (!Array.isArray(operations)) return { ok: false, issues: [{ field: 'Operations', message: 'must be an array of operations' }] };
  const countIssues = checkRecordCount(operations.length, options.maxRecords);
  if (countIssues.length > 0) return { ok: false, issues: countIssues };
  return collect(operations.map((operation, index) => toEvent(operation, index, options)));
}

function toEvent(operation: unknown, index: number, options: ScimIntakeOptions): Validated {
  const at = `Operations[${index}]`;
  if (!isObject(operation)) return { ok: false, issues: [{ record: index, field: at, message: 'must be an object' }] };
  const issues: FieldIssue[] = [];
  if (String(operation.method ?? '').toUpperCase() !== 'POST') issues.push({ record: index, field: `${at}.method`, message: 'must be POST' });
  if (String(operation.path ?? '').toLowerCase() !== '/users') issues.push({ record: index, field: `${at}.path`, message: 'must be /Users' });
  const bulkId = text(operation.bulkId);
  if (typeof bulkId !== 'string') issues.push({ record: index, field: `${at}.bulkId`, message: 'is required' });
  const data = operation.data;
  if (!isObject(data)) issues.push({ record: index, field: `${at}.data`, message: 'must be a SCIM User object' });
  if (issues.length > 0 || !isObject(data) || typeof bulkId !== 'string') return { ok: false, issues };

  return mapScimUser(data, {
    ...options,
    index,
    at: `${at}.data`,
    otherAt: at,
    eventIdOf: (withoutId) => `scim-${sanitize(bulkId).slice(0, 64)}-${deriveEventId(withoutId as Parameters<typeof deriveEventId>[0]).replace(/^evt-/, '')}`,
  });
}

export interface ScimUserOptions extends Omit<ScimIntakeOptions, 'maxRecords'> {
  /** The record's index in the request, for issues. */
  index: number;
  /** The sender's path of the User (`Operations[2].data` in a bulk request; '' for a /Users resource). */
  at: string;
  /** Where problems outside the User are reported (`Operations[2]`; '' for a resource). */
  otherAt: string;
  eventIdOf: (withoutId: Record<string, unknown>) => string;
  /**
   * The event once the mapping has run, before validation: the /Users endpoints make an update of
   * an active worker a mover, and a DELETE a leaver (the mapping alone says joiner or leaver).
   */
  decide?: (record: MappedRecord & { type: LifecycleEventType }) => MappedRecord & { type: LifecycleEventType };
}

/**
 * One SCIM User through the tenant's hr-scim mapping into a validated event: the bulk intake's
 * operations and the /Users resource endpoints (shared/scim) share it, so both read a User alike.
 */
export function mapScimUser(data: Record<string, unknown>, options: ScimUserOptions): Validated {
  const { index } = options;
  const join = (prefix: string, field: string) => (prefix ? `${prefix}.${field}` : field);
  const fail = (field: string, message: string): Validated => ({ ok: false, issues: [{ record: index, field: join(options.at, field), message }] });
  const mapping = sourceMapping(options.mappings, 'hr-scim');
  if (!mapping) return options.at ? { ok: false, issues: [{ record: index, field: options.at, message: 'has no hr-scim mapping' }] } : fail('(record)', 'has no hr-scim mapping');
  const { record, issues: problems } = mapRecord(mapping, scimReader(data), { now: options.now, upnDomains: options.upnDomains ?? [] });
  const context: MappedEventOptions = {
    index,
    tenantId: options.tenantId,
    source: 'hr-scim',
    now: options.now,
    fieldName: (field) => join(options.at, field),
    otherField: (path) => join(options.otherAt, path),
    ...(options.upnDomains ? { upnDomains: options.upnDomains } : {}),
    eventIdOf: options.eventIdOf,
  };
  if (problems.length > 0) return { ok: false, issues: mappingIssues(problems, context) };
  if (record.employee.employeeId === undefined) return fail(record.fieldOf('employeeId'), 'is required (it becomes the employeeId)');
  if (!record.type) return fail(record.fieldOf('type'), 'gives no event type');
  const typed = { ...record, type: record.type };
  return toMappedEvent(options.decide ? options.decide(typed) : typed, context);
}

function sanitize(value: string): string {
  return value.replace(/[^A-Za-z0-9._:@-]/g, '-');
}
