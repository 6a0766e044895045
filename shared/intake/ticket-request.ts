import { createHash } from 'node:crypto';
import { z } from 'zod';
import { employeeSchema, toFieldIssues, type LifecycleEventType } from '../domain/events';
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

/** The ticket actions that map onto a lifecycle event today; the others are refused honestly. */
const SUPPORTED: Partial<Record<TicketAction, LifecycleEventType>> = { onboard: 'joiner', offboard: 'leaver', update: 'mover' };

/** A service-desk request as the ticket queue delivers it. */
export const ticketRequestSchema = z
  .object({
    /** The ticket system's id; the event id is `ticket-<requestId>`, so a redelivered ticket is one event. */
    requestId: z.string().trim().min(1).max(200),
    action: z.enum(TICKET_ACTIONS),
    requestedAt: z.iso.datetime({ offset: true }).optional(),
    tenantId: z.string().optional(),
    employee: employeeSchema,
  })
  .strict();

export type TicketRequest = z.infer<typeof ticketRequestSchema>;

/**
 * Turns one ticket into one lifecycle event (source `ticket`): onboard → joiner, offboard →
 * leaver, update → mover. Other actions are rejected with an issue on `action`.
 * occurredAt is `requestedAt`, else now; issues carry no record index (one ticket).
 */
export function parseTicketRequest(body: unknown, options: { now: Date; tenantId: string }): IntakeResult {
  const action = z.enum(TICKET_ACTIONS).safeParse((body as { action?: unknown } | null)?.action);
  if (action.success && !SUPPORTED[action.data]) {
    return {
      ok: false,
      issues: [{ field: 'action', message: `is not supported yet: ${action.data} (supported: ${Object.keys(SUPPORTED).join(', ')})` }],
    };
  }
  const parsed = ticketRequestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, issues: toFieldIssues(parsed.error) };
  const ticket = parsed.data;
  const result = validateCandidate(
    {
      eventId: ticketEventId(ticket.requestId),
      type: SUPPORTED[ticket.action],
      tenantId: ticket.tenantId ?? options.tenantId,
      source: 'ticket',
      occurredAt: ticket.requestedAt ?? options.now.toISOString(),
      employee: ticket.employee,
    },
    undefined,
  );
  return result.ok ? { ok: true, events: [result.event] } : { ok: false, issues: result.issues };
}

/** `ticket-<requestId>`; ids with other characters or too long get a hash suffix so they stay distinct. */
export function ticketEventId(requestId: string): string {
  const plain = `ticket-${requestId}`;
  if (/^[A-Za-z0-9._:@-]+$/.test(plain) && plain.length <= 128) return plain;
  const digest = createHash('sha256').update(requestId).digest('hex').slice(0, 16);
  return `ticket-${requestId.replace(/[^A-Za-z0-9._:@-]/g, '-').slice(0, 100)}-${digest}`;
}
