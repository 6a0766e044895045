import { deriveEventId, type Employee, type FieldIssue } from '../domain/events';
import { checkRecordCount, collect, compact, isObject, text, validateCandidate, type IntakeResult, type Validated } from './records';

export const SCIM_BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const CORE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * Attributes read from custom extension schemas (any other `urn:` object in `data`), first
 * non-blank match wins. Names are matched case-insensitively, as SCIM attribute names are.
 */
const CUSTOM_ATTRIBUTES: Partial<Record<keyof Employee, string[]>> = {
  hireDate: ['hireDate', 'FirstDayOfWork', 'StartDate'],
  leaveDate: ['leaveDate', 'TerminationDate', 'LastDayOfWork', 'EndDate'],
  usageLocation: ['usageLocation', 'TwoLetterCountryCode'],
  officeLocation: ['officeLocation', 'Location'],
};

export interface ScimIntakeOptions {
  now: Date;
  tenantId: string;
  maxRecords: number;
  /**
   * Domains a SCIM `userName` may use to become the UPN (the tenant's UPN domains). HR logins
   * in other domains (`bjensen@example.com`) are not UPNs here: the template builds one.
   */
  upnDomains?: readonly string[];
}

/** True when a parsed JSON body declares itself a SCIM BulkRequest. */
export function isScimBulkRequest(body: unknown): boolean {
  const schemas = isObject(body) ? body.schemas : undefined;
  return Array.isArray(schemas) && schemas.includes(SCIM_BULK_REQUEST_SCHEMA);
}

/**
 * A SCIM 2.0 BulkRequest as Entra API-driven inbound provisioning accepts it: every operation
 * is `POST /Users` with a `bulkId` and a User in `data`. Mapping (Entra's default mapping):
 * `externalId` → employeeId (required; `employeeNumber` is not used for matching),
 * `name.givenName`/`familyName`, `displayName`, `title` → jobTitle, `userType` → employeeType,
 * `userName` → userPrincipalName only when it is `x@<one of upnDomains>` (otherwise the UPN
 * template applies), work address `locality`/`country` → city/country (a two-letter
 * country is also the usageLocation), `phoneNumbers[type eq "mobile"]` → mobilePhone;
 * enterprise `department`, `organization` → companyName, `manager.value` → managerEmployeeId;
 * custom extensions per CUSTOM_ATTRIBUTES. `active: false` is a leaver, anything else a
 * joiner (processing treats a joiner for an existing user as an update). The operations are
 * all-or-nothing regardless of `failOnErrors`. Issues carry record = operation index and
 * field = `Operations[i].` + the SCIM attribute path, e.g. `Operations[2].data.externalId`.
 * The eventId is `scim-<bulkId>-<hash of the normalised record>`: stable across re-posts of
 * the same state (occurredAt, which is the receive time, is not part of it).
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
  const fail = (field: string, message: string): Validated => ({ ok: false, issues: [{ record: index, field: `${at}.${field}`, message }] });
  if (!isObject(operation)) return { ok: false, issues: [{ record: index, field: at, message: 'must be an object' }] };
  const issues: FieldIssue[] = [];
  if (String(operation.method ?? '').toUpperCase() !== 'POST') issues.push({ record: index, field: `${at}.method`, message: 'must be POST' });
  if (String(operation.path ?? '').toLowerCase() !== '/users') issues.push({ record: index, field: `${at}.path`, message: 'must be /Users' });
  const bulkId = text(operation.bulkId);
  if (typeof bulkId !== 'string') issues.push({ record: index, field: `${at}.bulkId`, message: 'is required' });
  const data = operation.data;
  if (!isObject(data)) issues.push({ record: index, field: `${at}.data`, message: 'must be a SCIM User object' });
  if (issues.length > 0 || !isObject(data) || typeof bulkId !== 'string') return { ok: false, issues };

  const active = readActive(pick(data, 'active'));
  if (active === 'invalid') return fail('data.active', 'must be true or false');
  if (text(pick(data, 'externalId')) === undefined) return fail('data.externalId', 'is required (it becomes the employeeId)');

  const { employee, sources } = mapUser(data, options.upnDomains ?? []);
  const withoutId = compact({
    type: active === false ? 'leaver' : 'joiner',
    tenantId: options.tenantId,
    source: 'hr-scim' as const,
    employee,
  });
  const digest = deriveEventId(withoutId as Parameters<typeof deriveEventId>[0]).replace(/^evt-/, '');
  const eventId = `scim-${sanitize(bulkId).slice(0, 64)}-${digest}`;
  const candidate = { ...withoutId, eventId, occurredAt: options.now.toISOString() };
  return validateCandidate(candidate, index, (path) => {
    const field = path.startsWith('employee.') ? path.slice('employee.'.length).split('.')[0] : undefined;
    const source = field ? sources[field] : undefined;
    return source ? `${at}.data.${source}` : `${at}.${path}`;
  });
}

function mapUser(data: Record<string, unknown>, upnDomains: readonly string[]): { employee: Record<string, unknown>; sources: Record<string, string> } {
  const employee: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  const set = (field: keyof Employee, value: unknown, source: string) => {
    const v = text(value);
    if (v === undefined || employee[field] !== undefined) return;
    employee[field] = v;
    sources[field] = source;
  };

  set('employeeId', pick(data, 'externalId'), 'externalId');
  const name = pick(data, 'name');
  set('givenName', pick(name, 'givenName'), 'name.givenName');
  set('surname', pick(name, 'familyName'), 'name.familyName');
  set('displayName', pick(data, 'displayName'), 'displayName');
  const userName = text(pick(data, 'userName'));
  const domains = new Set(upnDomains.map((d) => d.toLowerCase()));
  const upnMatch = typeof userName === 'string' ? /^[^@\s]+@([^@\s]+\.[^@\s]+)$/.exec(userName) : null;
  if (upnMatch && domains.has((upnMatch[1] as string).toLowerCase())) set('userPrincipalName', userName, 'userName');
  set('jobTitle', pick(data, 'title'), 'title');
  set('employeeType', pick(data, 'userType'), 'userType');

  const address = byType(pick(data, 'addresses'), 'work');
  set('city', pick(address, 'locality'), 'addresses[type eq "work"].locality');
  set('country', pick(address, 'country'), 'addresses[type eq "work"].country');
  const mobile = byType(pick(data, 'phoneNumbers'), 'mobile');
  set('mobilePhone', pick(mobile, 'value'), 'phoneNumbers[type eq "mobile"].value');

  const enterprise = pick(data, ENTERPRISE_SCHEMA);
  set('department', pick(enterprise, 'department'), `${ENTERPRISE_SCHEMA}:department`);
  set('companyName', pick(enterprise, 'organization'), `${ENTERPRISE_SCHEMA}:organization`);
  set('managerEmployeeId', pick(pick(enterprise, 'manager'), 'value'), `${ENTERPRISE_SCHEMA}:manager.value`);

  for (const [key, extension] of Object.entries(data)) {
    const lower = key.toLowerCase();
    if (!lower.startsWith('urn:') || lower === ENTERPRISE_SCHEMA.toLowerCase() || lower === CORE_USER_SCHEMA.toLowerCase()) continue;
    if (!isObject(extension)) continue;
    for (const [field, names] of Object.entries(CUSTOM_ATTRIBUTES) as [keyof Employee, string[]][]) {
      for (const attribute of names) set(field, pick(extension, attribute), `${key}:${attribute}`);
    }
  }

  // A two-letter work country doubles as the usage location when no extension gave one.
  const country = employee.country;
  if (typeof country === 'string' && /^[A-Za-z]{2}$/.test(country)) set('usageLocation', country.toUpperCase(), sources.country ?? 'country');
  return { employee, sources };
}

/** SCIM attribute names are case-insensitive (RFC 7643 §2.1); Entra's samples mix `userName`/`username`. */
function pick(value: unknown, key: string): unknown {
  if (!isObject(value)) return undefined;
  if (key in value) return value[key];
  const lower = key.toLowerCase();
  const match = Object.keys(value).find((k) => k.toLowerCase() === lower);
  return match === undefined ? undefined : value[match];
}

/** The entry of a multi-valued attribute with the given type, else the primary one. */
function byType(values: unknown, type: string): unknown {
  if (!Array.isArray(values)) return undefined;
  return (
    values.find((v) => String(pick(v, 'type') ?? '').toLowerCase() === type) ??
    (type === 'work' ? values.find((v) => pick(v, 'primary') === true) : undefined)
  );
}

function readActive(value: unknown): boolean | undefined | 'invalid' {
  if (value === undefined || value === null || typeof value === 'boolean') return value ?? undefined;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return 'invalid';
}

function sanitize(value: string): string {
  return value.replace(/[^A-Za-z0-9._:@-]/g, '-');
}
