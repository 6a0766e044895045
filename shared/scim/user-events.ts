import { canonicalJson } from '../domain/canonical-json';
import { CLEARABLE_ATTRIBUTES, type FieldIssue, type LifecycleEvent, type LifecycleEventType } from '../domain/events';
import { mapScimUser } from '../intake/scim';
import type { MappedRecord } from '../mapping/apply-mapping';
import type { ReadyTenant } from '../tenancy/tenant-registry';
import { scimEventId } from './ids';
import { badRequest, ScimProblem } from './protocol';
import { isInactive, type ScimUserResource } from './representation';

/** What a client did to a User: POST, PUT or PATCH, DELETE. */
export type ScimChange = 'create' | 'update' | 'delete';

export interface UserEventInput {
  tenant: ReadyTenant;
  now: Date;
  change: ScimChange;
  resourceId: string;
  /** The User after the request (for a DELETE: as it stood). */
  user: ScimUserResource;
  /** The User before it, and the event it made; for a create, the deleted User of the same externalId, if any. */
  previous?: { user: ScimUserResource; event?: LifecycleEvent; deleted: boolean };
}

/**
 * The lifecycle event a SCIM request makes, mapped by the tenant's hr-scim mapping like a bulk
 * User (shared/intake/scim.ts). The mapping says joiner or leaver (`active`); the request says the
 * rest: a create is a joiner (a rehire when the externalId was deleted before), an update of an
 * active worker a mover (a rehire when they were inactive), a DELETE a leaver. An update that drops
 * an attribute the last event set clears it (a PUT replaces the whole User, RFC 7644 §3.5.1).
 * undefined: nothing to do — the mapped worker did not change, or is gone and stays gone.
 */
export function userEvent(input: UserEventInput): LifecycleEvent | undefined {
  const { tenant, previous } = input;
  const before = previous?.event;
  const wasGone = previous !== undefined && (previous.deleted || isInactive(previous.user));
  const result = mapScimUser(input.user, {
    now: input.now,
    tenantId: tenant.key,
    upnDomains: [tenant.settings.UPN_DOMAIN],
    ...(tenant.mapping ? { mappings: tenant.mapping } : {}),
    index: 0,
    at: '',
    otherAt: '',
    eventIdOf: (withoutId) => scimEventId(tenant.key, input.resourceId, before?.eventId, withoutId),
    decide: (record) => decide(record, input.change, wasGone, before),
  });
  if (!result.ok) throw invalid(result.issues);
  const event = result.event;
  if (before && before.employee.employeeId !== event.employee.employeeId) {
    throw new ScimProblem(400, 'The attribute mapped to employeeId changed; a worker keeps their employeeId (delete the User and create it again for another worker).', 'mutability');
  }
  if (wasGone && event.type === 'leaver') return undefined;
  if (before && !previous?.deleted && sameWorker(before, event)) return undefined;
  return event;
}

/** The worker as HR states them, whatever the event was called: a PATCH of `emails` changes nothing mapped. */
function sameWorker(before: LifecycleEvent, after: LifecycleEvent): boolean {
  const state = (event: LifecycleEvent) => {
    const { accountEnabled: _enabled, clear, ...employee } = event.employee;
    return { gone: event.type === 'leaver', employee, clear: event === after ? clear : undefined };
  };
  return canonicalJson(state(before)) === canonicalJson(state(after));
}

type Typed = MappedRecord & { type: LifecycleEventType };

function decide(record: Typed, change: ScimChange, wasGone: boolean, before: LifecycleEvent | undefined): Typed {
  const type = typeFor(record.type, change, wasGone);
  const employee = { ...record.employee };
  // accountEnabled says what `active` said; on a mover or a leaver it is the type itself.
  if (type === 'mover' || (type === 'leaver' && employee.accountEnabled !== false)) delete employee.accountEnabled;
  if (change === 'update' && type !== 'leaver' && before) {
    const dropped = CLEARABLE_ATTRIBUTES.filter((name) => before.employee[name] !== undefined && employee[name] === undefined);
    const clear = [...new Set([...((employee.clear as string[] | undefined) ?? []), ...dropped])];
    if (clear.length > 0) employee.clear = clear;
  }
  return { ...record, type, employee };
}

function typeFor(mapped: LifecycleEventType, change: ScimChange, wasGone: boolean): LifecycleEventType {
  if (change === 'delete') return 'leaver';
  if (mapped !== 'joiner') return mapped;
  if (change === 'create') return wasGone ? 'rehire' : 'joiner';
  return wasGone ? 'rehire' : 'mover';
}

/** 400 invalidValue naming each attribute the mapping or the event schema refused, never a value. */
function invalid(issues: FieldIssue[]): ScimProblem {
  const shown = issues.slice(0, 10).map((issue) => `${issue.field}: ${issue.message}`);
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : '';
  return badRequest('invalidValue', `The User cannot become a lifecycle event: ${shown.join('; ')}${more}.`);
}
