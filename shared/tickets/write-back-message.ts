import * as z from 'zod';
import { withIdSuffix } from '../domain/bounded-id';
import type { OutgoingMessage, ReceivedMessage } from '../messaging/types';
import type { TicketResult } from './ticket-result';
import { messageJson } from '../messaging/message-json';

/**
 * A queued ticket write-back: "post this result to the ticket system". It travels on the
 * processing queue, like an HR connector's fetch, so the queue trigger that ends an event posts
 * its result, with the same backoff, dead-letter subqueue and replay. Each write-back has a
 * session of its own, never its worker's: a slow or refusing ticket system holds up nothing else.
 */

export const WRITE_BACK_MESSAGE_KIND = 'ticket-write-back';

const resultSchema = z
  .object({
    kind: z.literal('lifecycle-ticket-result'),
    writeBackId: z.string().min(1).max(300),
    requestId: z.string().min(1).max(200),
    eventId: z.string().min(1).max(200),
    tenantId: z.string().min(1).max(63),
    type: z.string().min(1).max(32),
    employeeId: z.string().min(1).max(200),
    status: z.string().min(1).max(32),
    steps: z.array(z.unknown()).max(200),
    acceptedAt: z.string().max(40),
    endedAt: z.string().max(40),
  })
  .passthrough();

const writeBackBodySchema = z
  .object({
    kind: z.literal(WRITE_BACK_MESSAGE_KIND),
    /** The event the result is of, where a dead letter's summary looks for it (shared/messaging/dead-letters.ts). */
    eventId: z.string().min(1).max(200),
    /** `<status>.<attempts>`: which end of the event this result tells of (ticket-result.ts). */
    end: z.string().regex(/^[a-z-]+\.\d+$/),
    /** The ticket's own receiver; absent: the tenant's configured PSA webhook. */
    callbackUrl: z.string().max(2048).optional(),
    result: resultSchema,
  })
  .strict();

export type WriteBackBody = Omit<z.infer<typeof writeBackBodySchema>, 'result'> & { result: TicketResult };

export function isWriteBackMessage(message: ReceivedMessage): boolean {
  return message.applicationProperties?.kind === WRITE_BACK_MESSAGE_KIND;
}

/** `<eventId>~wb-<end>`: one message per end, so a settlement repeated after a crash queues it once (duplicate detection). */
export function writeBackMessageId(eventId: string, end: string): string {
  return withIdSuffix(eventId, `~wb-${end}`);
}

/** A session per event's write-backs (`~` keeps it from equalling a worker's `<tenant>:<employeeId>`). */
export function writeBackSessionId(tenantId: string, eventId: string): string {
  return withIdSuffix(`${tenantId}:~ticket:${eventId}`);
}

export function toWriteBackMessage(end: string, result: TicketResult, callbackUrl: string | undefined): OutgoingMessage {
  const body: WriteBackBody = { kind: WRITE_BACK_MESSAGE_KIND, eventId: result.eventId, end, ...(callbackUrl ? { callbackUrl } : {}), result };
  return {
    body,
    messageId: writeBackMessageId(result.eventId, end),
    sessionId: writeBackSessionId(result.tenantId, result.eventId),
    contentType: 'application/json',
    subject: WRITE_BACK_MESSAGE_KIND,
    applicationProperties: { kind: WRITE_BACK_MESSAGE_KIND, tenantId: result.tenantId },
  };
}

export function readWriteBackBody(message: ReceivedMessage): WriteBackBody | undefined {
  const json = messageJson(message);
  if (!json) return undefined;
  const parsed = writeBackBodySchema.safeParse(json.value);
  // The result is ours, written by queue-write-back.ts: checked for what delivery reads, posted as it came.
  return parsed.success ? (parsed.data as unknown as WriteBackBody) : undefined;
}
