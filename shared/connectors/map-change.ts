import { lifecycleEventSchema, type LifecycleEvent, type LifecycleEventType } from '../domain/events';
import { attributesOf } from '../mapping/ast';
import { mapRecord } from '../mapping/apply-mapping';
import { sourceMapping, type CompiledSourceMapping, type MappedSource } from '../mapping/mapping-file';
import { jsonReader } from '../mapping/source-records';
import { mappingIssues, toMappedEvent } from '../intake/mapped-event';
import type { ReadyTenant } from '../tenancy/tenant-registry';
import type { FetchBody } from './fetch-message';
import type { ChangeKind, HrConnector, SourceRecord } from './port';

/**
 * A fetched record through the tenant's mapping for its connector (a source like `hr-csv`), into
 * the event its change becomes. The mapping reads the record as the API gave it plus
 * `[webhook.change]`: what the notice said — `created` also when this employee was never mapped
 * before, so the first change the connector sees of a worker makes their account, whichever
 * notice it was (BambooHR sends `employee.created` and `employee.updated` together).
 */

export type MappedChange = { ok: true; event: LifecycleEvent } | { ok: false; problems: string[] };

export function mappingOf(tenant: ReadyTenant, connector: HrConnector<never>): CompiledSourceMapping {
  const mapping = sourceMapping(tenant.mapping, connector.name as MappedSource);
  if (!mapping) throw new Error(`no mapping for connector source ${connector.name}`);
  return mapping;
}

/** The API fields to ask for: those the mapping reads, and those the connector needs itself. */
export function fieldsFor(connector: HrConnector<never>, mapping: CompiledSourceMapping): string[] {
  const paths = [mapping.type, ...mapping.attributes.values()].flatMap((expression) => attributesOf(expression.node));
  const fields = paths.map((path) => connector.fieldOf(path)).filter((field): field is string => field !== undefined);
  return [...new Set([...connector.requiredFields, ...fields])];
}

export function webhookChange(kind: ChangeKind, seenBefore: boolean): ChangeKind {
  return kind === 'updated' && !seenBefore ? 'created' : kind;
}

export function mapFetchedRecord(record: SourceRecord, body: FetchBody, context: { tenant: ReadyTenant; connector: HrConnector<never>; seenBefore: boolean; now: Date }): MappedChange {
  const { tenant, connector, now } = context;
  const mapping = mappingOf(tenant, connector);
  const source = { ...record, webhook: { change: webhookChange(body.change.kind, context.seenBefore) } };
  const upnDomains = [tenant.settings.UPN_DOMAIN];
  const { record: mapped, issues } = mapRecord(mapping, jsonReader(source), { now, upnDomains });
  const options = { index: 0, tenantId: tenant.key, source: connector.name as MappedSource & LifecycleEvent['source'], now, fieldName: (path: string) => path, upnDomains, eventIdOf: () => body.eventId };
  const problems = mappingIssues(issues, options).map((issue) => `${issue.field}: ${issue.message}`);
  if (mapped.employee.employeeId === undefined) problems.unshift(`${mapped.fieldOf('employeeId')}: is required (it becomes the employeeId)`);
  // An employee deleted in HR leaves, whatever the record still says.
  const type: LifecycleEventType | undefined = body.change.kind === 'deleted' ? 'leaver' : mapped.type;
  if (problems.length > 0 || !type) return { ok: false, problems: problems.length > 0 ? problems : ['type: gives no event type'] };
  const validated = toMappedEvent({ ...mapped, type }, options);
  if (!validated.ok) return { ok: false, problems: validated.issues.map((issue) => `${issue.field}: ${issue.message}`) };
  return { ok: true, event: { ...validated.event, eventId: body.eventId, occurredAt: body.change.occurredAt } };
}

/** A leaver for a worker whose HR record is gone: only the employeeId is known. */
export function goneLeaver(body: FetchBody, connector: HrConnector<never>, employeeId: string): LifecycleEvent | undefined {
  const parsed = lifecycleEventSchema.safeParse({ eventId: body.eventId, type: 'leaver', tenantId: body.tenantId, source: connector.name, occurredAt: body.change.occurredAt, employee: { employeeId } });
  return parsed.success ? parsed.data : undefined;
}

/** The employeeId the tenant's mapping gives the little a notice itself says about a gone employee. */
export function goneEmployeeId(body: FetchBody, context: { tenant: ReadyTenant; connector: HrConnector<never>; now: Date }): string | undefined {
  const mapping = mappingOf(context.tenant, context.connector);
  const { record } = mapRecord(mapping, jsonReader(context.connector.goneRecord(body.change.sourceId)), { now: context.now, upnDomains: [context.tenant.settings.UPN_DOMAIN] });
  const id = record.employee.employeeId;
  return typeof id === 'string' && id.length <= 16 ? id : undefined;
}
