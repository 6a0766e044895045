import { deriveEventId, type EventSource, type FieldIssue, type LifecycleEventType } from '../domain/events';
import { toAsciiToken } from '../domain/naming';
import type { MappedRecord, MappingIssue } from '../mapping/apply-mapping';
import { compact, validateCandidate, type Validated } from './records';

/**
 * What SCIM, CSV and mapped JSON records share once their mapping has run: issues in the sender's
 * field names, the event id from the record's content, and validation against the canonical schema.
 */
export interface MappedEventOptions {
  index: number;
  tenantId: string;
  source: Exclude<EventSource, 'ticket' | 'manage'>;
  now: Date;
  /** The sender's full name of a source field (SCIM: `Operations[2].data.name.givenName`; CSV: the header). */
  fieldName: (sourceField: string) => string;
  /** Where a problem outside the employee is reported (SCIM: `Operations[2].<path>`). */
  otherField?: (path: string) => string;
  /** The tenant's UPN domains: UPN candidates must be in one of them. */
  upnDomains?: readonly string[];
  /** The event id for the record without one (its content, hashed). */
  eventIdOf?: (withoutId: Record<string, unknown>) => string;
}

export function mappingIssues(issues: MappingIssue[], options: MappedEventOptions): FieldIssue[] {
  return issues.map((issue) => ({ record: options.index, field: options.fieldName(issue.field), message: issue.message }));
}

export function toMappedEvent(record: MappedRecord & { type: LifecycleEventType }, options: MappedEventOptions): Validated {
  const { employee } = record;
  const candidates = employee.upnCandidates as string[] | undefined;
  const domains = (options.upnDomains ?? []).map((d) => d.toLowerCase());
  if (candidates && domains.length > 0 && candidates.some((c) => !domains.includes(c.split('@').pop()?.toLowerCase() ?? ''))) {
    return { ok: false, issues: [{ record: options.index, field: options.fieldName(record.fieldOf('userPrincipalName')), message: "gives a UPN candidate outside the tenant's UPN domain" }] };
  }
  const withoutId = compact({ type: record.type, tenantId: options.tenantId, source: options.source, employee });
  const eventId = (options.eventIdOf ?? ((w) => deriveEventId(w as Parameters<typeof deriveEventId>[0])))(withoutId);
  const sourceFields = namingSourceFields(record);
  const candidate = { ...withoutId, eventId, occurredAt: options.now.toISOString(), ...(sourceFields ? { sourceFields } : {}) };
  return validateCandidate(candidate, options.index, (path) => {
    if (!path.startsWith('employee.')) return options.otherField ? options.otherField(path) : path;
    const field = path.slice('employee.'.length).split('.')[0] as string;
    return options.fieldName(record.fieldOf(field === 'upnCandidates' ? 'userPrincipalName' : field));
  });
}

/**
 * A joiner that will need its names to build a UPN, and has none with letters: processing names
 * the sender's fields when it stops, not ours (`name.givenName`, the FirstName column).
 */
function namingSourceFields(record: MappedRecord & { type: LifecycleEventType }): Record<string, string> | undefined {
  const { employee, type } = record;
  if ((type !== 'joiner' && type !== 'rehire') || employee.userPrincipalName !== undefined || employee.upnCandidates !== undefined) return undefined;
  const lacking = (['givenName', 'surname'] as const).filter((field) => typeof employee[field] !== 'string' || toAsciiToken(employee[field] as string) === '');
  if (lacking.length === 0) return undefined;
  return Object.fromEntries(lacking.map((field) => [field, record.fieldOf(field).slice(0, 300)]));
}
