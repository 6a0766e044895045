import { createHash } from 'node:crypto';
import * as z from 'zod';
import { employeeSchema, tenantScopedEventId, toFieldIssues, type AccessChange, type LifecycleEventType } from '../domain/events';
import { httpsUrlProblem } from '../domain/https-url';
import { nestsDeeperThan, tooDeep } from './nesting';
import { validateCandidate, type IntakeResult } from './records';

export const TICKET_ACTIONS = [
  'onboard',
  'offboard',
  'update',
  'reset-password',
  'add-group',
  'remove-group',
  'assign-licence',
  'remove-licence',
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/** Lifecycle actions map onto the HR event types; the others are one-off access changes. */
const LIFECYCLE: Partial<Record<TicketAction, LifecycleEventType>> = { onboard: 'joiner', offboard: 'leaver', update: 'mover' };

/** A service-desk request as the ticket queue delivers it. */
export const ticketRequestSchema = z
  .object({
    /** The ticket system's id; the event id is `ticket-<requestId>`, so a redelivered ticket is one event. */
    requestId: z.string().trim().min(1).max(200),
    action: z.enum(TICKET_ACTIONS),
    requestedAt: z.iso.datetime({ offset: true }).optional(),
    /** The customer tenant this ticket is for (MSPs); absent: the home tenant. */
    tenantId: z.string().optional(),
    employee: employeeSchema,
    /** add-group / remove-group: the group's display name or object id. */
    group: z.string().trim().min(1).max(256).optional(),
    /** assign-licence / remove-licence: the SKU part number (e.g. SPE_E3). */
    sku: z.string().trim().min(1).max(64).optional(),
    /** assign-licence: service plans to leave off. */
    disabledPlans: z.array(z.string().trim().min(1)).max(100).optional(),
    /** Where the event's result is POSTed, signed, when it ends (docs/tickets.md); absent: the tenant's configured PSA webhook, if any. */
    callbackUrl: z
      .string()
      .max(2048)
      .superRefine((url, ctx) => {
        const problem = httpsUrlProblem(url);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
  })
  .strict()
  .superRefine((ticket, ctx) => {
    const needsGroup = ticket.action === 'add-group' || ticket.action === 'remove-group';
    const needsSku = ticket.action === 'assign-licence' || ticket.action === 'remove-licence';
    if (needsGroup && !ticket.group) ctx.addIssue({ code: 'custom', path: ['group'], message: `is required for ${ticket.action}` });
    if (needsSku && !ticket.sku) ctx.addIssue({ code: 'custom', path: ['sku'], message: `is required for ${ticket.action}` });
    if (!needsGroup && ticket.group) ctx.addIssue({ code: 'custom', path: ['group'], message: `is not used by ${ticket.action}` });
    if (!needsSku && ticket.sku) ctx.addIssue({ code: 'custom', path: ['sku'], message: `is not used by ${ticket.action}` });
    if (ticket.action !== 'assign-licence' && ticket.disabledPlans) ctx.addIssue({ code: 'custom', path: ['disabledPlans'], message: 'is only used by assign-licence' });
  });

export type TicketRequest = z.infer<typeof ticketRequestSchema>;

function accessChangeOf(ticket: TicketRequest): AccessChange | undefined {
  switch (ticket.action) {
    case 'reset-password':
      return { action: 'reset-credential' };
    case 'add-group':
    case 'remove-group':
      return { action: ticket.action, group: ticket.group as string };
    case 'assign-licence':
      return { action: 'assign-licence', sku: ticket.sku as string, ...(ticket.disabledPlans ? { disabledPlans: ticket.disabledPlans } : {}) };
    case 'remove-licence':
      return { action: 'remove-licence', sku: ticket.sku as string };
    default:
      return undefined;
  }
}

/**
 * Turns one ticket into one lifecycle event (source `ticket`): onboard → joiner, offboard →
 * leaver, update → mover; reset-password, add/remove-group and assign/remove-licence → an
 * `access` event for the existing worker (a reset issues a Temporary Access Pass through the
 * credential channel). occurredAt is `requestedAt`, else now; issues carry no record index.
 */
export function parseTicketRequest(body: unknown, options: { now: Date; tenantId: string }): IntakeResult {
  if (nestsDeeperThan(body)) return { ok: false, issues: [{ ...tooDeep }] };
  const parsed = ticketRequestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, issues: toFieldIssues(parsed.error) };
  const ticket = parsed.data;
  const change = accessChangeOf(ticket);
  const result = validateCandidate(
    {
      eventId: ticketEventId(ticket.requestId),
      type: LIFECYCLE[ticket.action] ?? 'access',
      tenantId: ticket.tenantId ?? options.tenantId,
      source: 'ticket',
      occurredAt: ticket.requestedAt ?? options.now.toISOString(),
      employee: ticket.employee,
      ...(change ? { change } : {}),
      ticket: { requestId: ticket.requestId, ...(ticket.callbackUrl ? { callbackUrl: ticket.callbackUrl } : {}) },
    },
    undefined,
  );
  if (!result.ok) return { ok: false, issues: result.issues };
  return { ok: true, events: [{ ...result.event, eventId: tenantScopedEventId(result.event.tenantId, result.event.eventId) }] };
}

/**
 * A ticket as it comes off the queue: ticketing tools send JSON as the message body, and the body
 * arrives as an object, as a JSON string, or as its UTF-8 bytes depending on how the sender encoded
 * it (an AMQP value or data section). All three are the same ticket.
 */
export function parseTicketMessage(body: unknown, options: { now: Date; tenantId: string }): IntakeResult {
  let ticket = body;
  if (body instanceof Uint8Array) ticket = Buffer.from(body).toString('utf8');
  if (typeof ticket === 'string') {
    try {
      ticket = JSON.parse(ticket.replace(/^\uFEFF/, ''));
    } catch {
      return { ok: false, issues: [{ field: '(body)', message: 'is not valid JSON' }] };
    }
  }
  return parseTicketRequest(ticket, options);
}

/** `ticket-<requestId>`; ids with other characters or too long get a hash suffix so they stay distinct. */
export function ticketEventId(requestId: string): string {
  const plain = `ticket-${requestId}`;
  if (/^[A-Za-z0-9._:@-]+$/.test(plain) && plain.length <= 128) return plain;
  const digest = createHash('sha256').update(requestId).digest('hex').slice(0, 16);
  return `ticket-${requestId.replace(/[^A-Za-z0-9._:@-]/g, '-').slice(0, 100)}-${digest}`;
}
