import * as z from 'zod';
import { withIdSuffix } from '../domain/bounded-id';
import type { OutgoingMessage, ReceivedMessage } from '../messaging/types';
import type { ConnectorChange } from './port';
import { messageJson } from '../messaging/message-json';

/**
 * A queued fetch: "read this employee from this HR system and turn what you find into an event".
 * It travels on the processing queue, so the queue trigger that runs events runs fetches too and a
 * failed fetch is re-sent with the same backoff as a failed Graph step. Its body holds ids only.
 */

export const FETCH_MESSAGE_KIND = 'hr-connector-fetch';

const fetchBodySchema = z
  .object({
    kind: z.literal(FETCH_MESSAGE_KIND),
    tenantId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    connector: z.string().regex(/^[a-z0-9-]{1,32}$/),
    /** The lifecycle event this change becomes, so a dead letter names it. */
    eventId: z.string().min(1).max(128),
    change: z
      .object({
        key: z.string().regex(/^[0-9a-f]{32}$/),
        sourceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
        kind: z.enum(['created', 'updated', 'left', 'deleted']),
        occurredAt: z.iso.datetime({ offset: true }),
      })
      .strict(),
  })
  .strict();

export type FetchBody = z.infer<typeof fetchBodySchema>;

export function isFetchMessage(message: ReceivedMessage): boolean {
  return message.applicationProperties?.kind === FETCH_MESSAGE_KIND;
}

/** `<eventId>~fetch`: the first fetch of a change; its retries add `~r<n>` (message-ids.ts). */
export function fetchMessageId(eventId: string): string {
  return withIdSuffix(eventId, '~fetch');
}

/**
 * One session per HR employee: their notices are fetched in the order they came. It cannot be a
 * worker's session (the employeeId is only known once the record is read), and `~` keeps it from
 * ever equalling one (`<tenant>:<employeeId>`).
 */
export function fetchSessionId(tenantId: string, connector: string, sourceId: string): string {
  return withIdSuffix(`${tenantId}:~${connector}:${sourceId}`);
}

export function toFetchMessage(tenantId: string, connector: string, eventId: string, change: ConnectorChange): OutgoingMessage {
  const body: FetchBody = { kind: FETCH_MESSAGE_KIND, tenantId, connector, eventId, change: { key: change.key, sourceId: change.sourceId, kind: change.kind, occurredAt: change.occurredAt } };
  return {
    body,
    messageId: fetchMessageId(eventId),
    sessionId: fetchSessionId(tenantId, connector, change.sourceId),
    contentType: 'application/json',
    subject: FETCH_MESSAGE_KIND,
    applicationProperties: { kind: FETCH_MESSAGE_KIND, tenantId, connector },
  };
}

export function readFetchBody(message: ReceivedMessage): FetchBody | undefined {
  const json = messageJson(message);
  if (!json) return undefined;
  const parsed = fetchBodySchema.safeParse(json.value);
  return parsed.success ? parsed.data : undefined;
}
