import { createHash } from 'node:crypto';
import * as z from 'zod';
import { withIdSuffix } from './bounded-id';
import { canonicalJson } from './canonical-json';
import { httpsUrlProblem } from './https-url';

/**
 * The canonical lifecycle event. Every intake (our JSON, SCIM bulk, CSV, ticket queue)
 * normalises into this shape before anything is queued, so processing has one input type.
 */

/** The tenant of a single-tenant deployment, and an MSP's own: its events' ids are not scoped. */
export const HOME_TENANT = 'default';

export const EVENT_TYPES = ['joiner', 'mover', 'leaver', 'rehire', 'access'] as const;
export type LifecycleEventType = (typeof EVENT_TYPES)[number];

/** `manage`: an operator's request through the manage routes (an undo of a leaver), never an HR feed or a ticket. `hr-report`: a change the HR report poller found (shared/polling). */
export const EVENT_SOURCES = ['hr-json', 'hr-scim', 'hr-csv', 'bamboohr', 'hibob', 'hr-report', 'ticket', 'manage'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** eventIds become Service Bus messageIds (≤128 chars) and Table Storage keys (no / \ # ?). */
const eventIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'may contain only letters, digits and . _ : @ -')
  // A URL path reads `.` and `..` as "here" and "up": /api/events/.. would not name this event.
  .refine((id) => id !== '.' && id !== '..', 'may not be . or ..');

const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

const optionalText = (max: number) => z.string().trim().min(1).max(max).optional();

/**
 * Attributes a source may clear by sending them as null (Entra's /bulkUpload cannot: a null there
 * is ignored). Not clearable: the names Entra requires (displayName, userPrincipalName), the
 * usageLocation licences depend on, the manager (a reference, not an attribute) and the leave date
 * (the leaver flow owns it).
 */
export const CLEARABLE_ATTRIBUTES = ['givenName', 'surname', 'department', 'jobTitle', 'employeeType', 'companyName', 'officeLocation', 'city', 'country', 'mobilePhone', 'hireDate'] as const;
export type ClearableAttribute = (typeof CLEARABLE_ATTRIBUTES)[number];

/** A UPN Entra accepts: its allowed characters before the @, a domain after it (the tenant's is checked at intake). */
const upnCandidate = z
  .string()
  .trim()
  .max(113)
  .regex(/^[A-Za-z0-9'_!#^~-]+(\.[A-Za-z0-9'_!#^~-]+)*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, "must be a userPrincipalName (letters, digits and ' . - _ ! # ^ ~ before the @)");

export const employeeSchema = z
  .object({
    /** The HR system's immutable worker key; matched against Entra's `employeeId` (max 16 chars there). */
    employeeId: z.string().trim().min(1).max(16),
    givenName: optionalText(64),
    surname: optionalText(64),
    displayName: optionalText(256),
    /** Explicit UPN; when absent the configured template builds one. */
    userPrincipalName: optionalText(113),
    department: optionalText(64),
    jobTitle: optionalText(128),
    employeeType: optionalText(64),
    companyName: optionalText(64),
    officeLocation: optionalText(128),
    city: optionalText(128),
    country: optionalText(128),
    /** ISO 3166-1 alpha-2; common mistakes (UK) are corrected during planning and recorded. */
    usageLocation: optionalText(8),
    mobilePhone: optionalText(64),
    hireDate: isoDate.optional(),
    leaveDate: isoDate.optional(),
    managerEmployeeId: z.string().trim().min(1).max(16).optional(),
    /** Entra's accountEnabled as the source states it (SCIM `active`): true on a joiner enables an existing disabled account. */
    accountEnabled: z.boolean().optional(),
    /** UPNs to try in order when the account is created (a mapping's SelectUniqueValue): the first one free in the tenant is used. */
    upnCandidates: z.array(upnCandidate).min(1).max(16).optional(),
    /** Attributes the source sent as null: they are cleared in Entra. */
    clear: z.array(z.enum(CLEARABLE_ATTRIBUTES)).min(1).max(CLEARABLE_ATTRIBUTES.length).optional(),
  })
  .strict();

export type Employee = z.infer<typeof employeeSchema>;

const groupRef = z.string().trim().min(1).max(256);
const skuPartNumber = z.string().trim().min(1).max(64);

/**
 * One access change for an existing worker, from a service-desk ticket (`type: access`). Joiners,
 * movers and leavers get access from the rules; these are the one-off requests on top.
 */
export const accessChangeSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('add-group'), group: groupRef }).strict(),
  z.object({ action: z.literal('remove-group'), group: groupRef }).strict(),
  z.object({ action: z.literal('assign-licence'), sku: skuPartNumber, disabledPlans: z.array(z.string().trim().min(1)).max(100).optional() }).strict(),
  z.object({ action: z.literal('remove-licence'), sku: skuPartNumber }).strict(),
  /** A new Temporary Access Pass, delivered through the configured credential channel. */
  z.object({ action: z.literal('reset-credential') }).strict(),
]);
export type AccessChange = z.infer<typeof accessChangeSchema>;

export const lifecycleEventSchema = z
  .object({
    eventId: eventIdSchema,
    type: z.enum(EVENT_TYPES),
    /** Customer tenant key (MSP deployments); the home tenant is `default`. */
    tenantId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes')
      .default(HOME_TENANT),
    source: z.enum(EVENT_SOURCES),
    /** When the change happened in the source system; orders events for one employee. */
    occurredAt: isoDateTime,
    /** When the change should take effect (e.g. a leaver's last day); absent means now. */
    effectiveAt: isoDateTime.optional(),
    employee: employeeSchema,
    /** Required for `access` events, refused on every other type. */
    change: accessChangeSchema.optional(),
    /**
     * The sender's names of the naming attributes, when a mapped source (SCIM, CSV) left them
     * without letters: a joiner that cannot build a UPN then names the field the sender knows.
     */
    sourceFields: z.partialRecord(z.enum(['givenName', 'surname']), z.string().min(1).max(300)).optional(),
    /**
     * An undo of a leaver: this rehire restores the account from the snapshot that leaver took.
     * Only the manage route (`POST /api/manage/workers/{employeeId}/undo-leaver`, source `manage`)
     * makes one; an HR feed or a ticket carrying it is refused.
     */
    restore: z.object({ snapshotOf: eventIdSchema }).strict().optional(),
    /**
     * A ticket's event: the ticket it came from and where its result goes when it ends
     * (shared/tickets). Only the ticket intake sets it; it is not part of what the event says.
     */
    ticket: z
      .object({
        requestId: z.string().min(1).max(200),
        callbackUrl: z.string().max(2048).refine((u) => httpsUrlProblem(u) === undefined, 'must be an https:// URL without a user name or password').optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((event, ctx) => {
    if (event.type === 'access' && !event.change) ctx.addIssue({ code: 'custom', path: ['change'], message: 'is required for an access event' });
    if (event.type !== 'access' && event.change) ctx.addIssue({ code: 'custom', path: ['change'], message: 'is only allowed on an access event' });
    employeeConsistency(event, ctx);
    if (event.restore && (event.type !== 'rehire' || event.source !== 'manage')) {
      ctx.addIssue({ code: 'custom', path: ['restore'], message: 'is only allowed on an undo of a leaver, which the manage route makes' });
    }
    if (event.source === 'manage' && !event.restore) ctx.addIssue({ code: 'custom', path: ['source'], message: "'manage' events are undos of a leaver and carry restore" });
    if (event.ticket && event.source !== 'ticket') ctx.addIssue({ code: 'custom', path: ['ticket'], message: "is only allowed on a ticket's event" });
  });

/** What the employee's newer fields may say, for the event's type. */
function employeeConsistency(event: { type: LifecycleEventType; employee: Employee }, ctx: z.RefinementCtx): void {
  const { employee } = event;
  const issue = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: ['employee', field], message });
  if (employee.accountEnabled === true && !['joiner', 'rehire'].includes(event.type)) issue('accountEnabled', 'true is only meaningful on a joiner or rehire');
  if (employee.accountEnabled === false && event.type !== 'leaver') issue('accountEnabled', 'false is only meaningful on a leaver');
  if (employee.upnCandidates && employee.userPrincipalName) issue('upnCandidates', 'may not be given with userPrincipalName');
  for (const field of employee.clear ?? []) {
    if (employee[field] !== undefined) issue('clear', `lists ${field}, which also has a value`);
  }
  if (employee.clear && new Set(employee.clear).size !== employee.clear.length) issue('clear', 'lists an attribute twice');
}

export type LifecycleEvent = z.infer<typeof lifecycleEventSchema>;
export type LifecycleEventInput = z.input<typeof lifecycleEventSchema>;

/**
 * The key Service Bus sessions order by: one employee of one tenant, `<tenantId>:<employeeId>`.
 * A sessionId may have 128 characters; the schemas allow 63 + 1 + 16, and `withIdSuffix` keeps a
 * longer one (should those limits grow) within 128 and distinct.
 */
export function employeeKey(event: Pick<LifecycleEvent, 'tenantId' | 'employee'>): string {
  return withIdSuffix(`${event.tenantId}:${event.employee.employeeId}`);
}

/**
 * The id an event is known by everywhere (ledger key, Service Bus messageId, status URL): a
 * customer tenant's ids are prefixed with its key, so two customers' `ticket-INC001` stay two
 * events. The home tenant's ids are as sent.
 */
export function tenantScopedEventId(tenantId: string, eventId: string): string {
  if (tenantId === HOME_TENANT || eventId.startsWith(`${tenantId}:`)) return eventId;
  const scoped = `${tenantId}:${eventId}`;
  if (scoped.length <= 128) return scoped;
  const digest = createHash('sha256').update(eventId).digest('hex').slice(0, 16);
  return `${tenantId}:${eventId.slice(0, 127 - tenantId.length - 18)}-${digest}`;
}

/**
 * What an event says, apart from its id and when it was sent (a retried post, a redelivered
 * ticket and a re-read CSV have new receive times but say the same): two events under one eventId
 * are the same event exactly when this is the same.
 */
export function eventFingerprint(event: Omit<LifecycleEvent, 'eventId' | 'occurredAt'>): string {
  const { type, tenantId, source, effectiveAt, employee, change, restore } = event;
  return createHash('sha256').update(canonicalJson({ type, tenantId, source, effectiveAt, employee, change, restore })).digest('hex').slice(0, 32);
}

/**
 * A stable id for a record that came without one: the same record posted twice gets the
 * same id, so Service Bus duplicate detection and the ledger both see it as one event.
 */
export function deriveEventId(record: Omit<LifecycleEventInput, 'eventId'>): string {
  const digest = createHash('sha256').update(canonicalJson(record)).digest('hex').slice(0, 32);
  return `evt-${digest}`;
}

export interface FieldIssue {
  /** Index of the record in the request (0-based), or undefined for request-level problems. */
  record?: number;
  /** Dotted path of the field, e.g. `employee.usageLocation`. */
  field: string;
  message: string;
}

/** Turns a zod error into issues that name the field and the record; never echoes values. */
export function toFieldIssues(error: z.ZodError, record?: number, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return { ...(record === undefined ? {} : { record }), field: path || '(record)', message: issue.message };
  });
}
