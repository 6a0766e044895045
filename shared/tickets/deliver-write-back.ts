import type { LifecycleEvent } from '../domain/events';
import type { Ledger, TicketWriteBack } from '../ledger/types';
import { replayMessageId, REPLAY_COUNT_PROPERTY } from '../messaging/dead-letters';
import type { QueueSender, ReceivedMessage, SettlementActions } from '../messaging/types';
import { NotificationDeliveryError, postJson } from '../notifications/post-json';
import { copyCounterProperties, copyCountersOf, retryMessageId } from '../processing/message-ids';
import { defaultRetryPolicy, retryDelayMs, type RetryPolicy } from '../processing/settle';
import type { TenantRegistry } from '../tenancy/tenant-registry';
import { readWriteBackBody, writeBackMessageId, WRITE_BACK_MESSAGE_KIND, type WriteBackBody } from './write-back-message';
import { writeBackTarget } from './write-back-target';

export interface DeliverWriteBackDeps {
  tenants: TenantRegistry;
  ledger: Ledger;
  processingQueue: QueueSender;
  now: () => Date;
  policy?: RetryPolicy;
  random?: () => number;
  timeoutMs?: number;
}

export type WriteBackSettlement = 'posted' | 'repeat' | 'not-configured' | 'scheduled-retry' | 'dead-lettered';

/** What one post came to, for the log line: ids, the receiver's host and status, never the body or the URL. */
export interface WriteBackOutcome {
  settled: WriteBackSettlement;
  eventId?: string;
  end?: string;
  host?: string;
  detail: string;
}

/**
 * Posts one queued ticket result, signed, and settles its message exactly once: posted; not
 * configured (recorded, nothing to post); a receiver that is unreachable or answers 408, 429 or
 * 5xx is tried again with the backoff of a failed Graph step; one that refuses it (any other 4xx,
 * a redirect) or an address the outbound rules refuse is dead-lettered saying what to fix, then
 * replay. The event itself has ended already and is never changed by this but for its
 * `ticketWriteBack`. Anything else (storage down) is thrown, so the host redelivers.
 */
export async function deliverWriteBackMessage(message: ReceivedMessage, actions: SettlementActions, deps: DeliverWriteBackDeps): Promise<WriteBackOutcome> {
  const body = readWriteBackBody(message);
  if (!body) {
    const description = `Message ${String(message.messageId)} is not a ticket write-back it can read. It was not posted; fix the sender.`;
    await actions.deadletter(message, undefined, 'InvalidMessage', description);
    return { settled: 'dead-lettered', detail: description };
  }
  const { eventId } = body.result;
  const record = await deps.ledger.get(eventId);
  if (record?.ticketWriteBack?.end === body.end && record.ticketWriteBack.status === 'posted') {
    await actions.complete(message);
    return { settled: 'repeat', eventId, end: body.end, detail: 'posted already' };
  }
  const mark = (change: Partial<TicketWriteBack>) => markWriteBack(body, change, deps);
  const counters = copyCountersOf(message.applicationProperties);
  const target = await writeBackTarget(body.result.tenantId, body.callbackUrl, deps.tenants);
  switch (target.kind) {
    case 'not-configured':
      await mark({ status: 'not-configured', error: target.why });
      await actions.complete(message);
      return { settled: 'not-configured', eventId, end: body.end, detail: target.why };
    case 'misconfigured':
      return deadLetter(message, actions, body, `ticket-write-back: ${target.code}`, `${target.why}. Fix it (docs/tickets.md), then replay this message.`, counters.attempt + 1, undefined, deps);
    case 'unavailable':
      return retry(message, actions, body, target.why, undefined, deps);
    case 'post':
      break;
  }
  try {
    await postJson(target.url, body.result, {
      label: `ticket system ${target.host}`,
      allowPrivate: target.allowPrivate,
      secret: target.secret,
      now: deps.now,
      ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
    });
  } catch (error) {
    if (!(error instanceof NotificationDeliveryError)) throw error;
    if (error.retryable) return retry(message, actions, body, error.message, target.host, deps);
    const description = `${error.message}. The ticket's event ${eventId} itself ended ${body.result.status}; only its result did not reach the ticket. Fix the receiver or the ticket's callbackUrl (docs/tickets.md), then replay this message.`;
    return deadLetter(message, actions, body, 'ticket-write-back: Refused', description, counters.attempt + 1, target.host, deps);
  }
  await mark({ status: 'posted', host: target.host, attempts: counters.attempt + 1, error: undefined });
  await actions.complete(message);
  return { settled: 'posted', eventId, end: body.end, host: target.host, detail: `posted to ${target.host}` };
}

async function retry(message: ReceivedMessage, actions: SettlementActions, body: WriteBackBody, reason: string, host: string | undefined, deps: DeliverWriteBackDeps): Promise<WriteBackOutcome> {
  const policy = deps.policy ?? defaultRetryPolicy;
  const counters = copyCountersOf(message.applicationProperties);
  const attempt = counters.attempt + 1;
  if (attempt >= policy.maxAttempts) {
    const description = `${reason}, still after ${attempt} attempts. The ticket's event ${body.result.eventId} itself ended ${body.result.status}; only its result did not reach the ticket. Fix the receiver, then replay this message.`;
    return deadLetter(message, actions, body, 'ticket-write-back: RetriesExhausted', description, attempt, host, deps);
  }
  const at = new Date(deps.now().getTime() + retryDelayMs(attempt, policy, 0, deps.random));
  // A replayed write-back counts its retries on the replay's own id, so they never repeat the first run's.
  const replays = message.applicationProperties?.[REPLAY_COUNT_PROPERTY];
  const first = writeBackMessageId(body.result.eventId, body.end);
  const base = typeof replays === 'number' ? replayMessageId(first, replays) : first;
  await deps.processingQueue.scheduleMessages(
    {
      body: message.body,
      messageId: retryMessageId(base, undefined, attempt),
      ...(message.sessionId ? { sessionId: message.sessionId } : {}),
      contentType: 'application/json',
      subject: WRITE_BACK_MESSAGE_KIND,
      applicationProperties: { ...(message.applicationProperties ?? {}), kind: WRITE_BACK_MESSAGE_KIND, ...copyCounterProperties({ ...counters, attempt }) },
    },
    at,
  );
  await markWriteBack(body, { status: 'retrying', attempts: attempt, ...(host ? { host } : {}), error: `${reason} (attempt ${attempt + 1} at ${at.toISOString()})` }, deps);
  await actions.complete(message);
  return { settled: 'scheduled-retry', eventId: body.result.eventId, end: body.end, ...(host ? { host } : {}), detail: reason };
}

async function deadLetter(
  message: ReceivedMessage,
  actions: SettlementActions,
  body: WriteBackBody,
  reason: string,
  description: string,
  attempts: number,
  host: string | undefined,
  deps: DeliverWriteBackDeps,
): Promise<WriteBackOutcome> {
  await markWriteBack(body, { status: 'dead-lettered', attempts, ...(host ? { host } : {}), error: description }, deps);
  await actions.deadletter(message, undefined, reason, description);
  return { settled: 'dead-lettered', eventId: body.result.eventId, end: body.end, ...(host ? { host } : {}), detail: description };
}

/**
 * Records where this end's write-back stands on the event's ledger record, unless a later end
 * has taken its place (a replayed event that ended again). Only an existing record is changed.
 */
async function markWriteBack(body: WriteBackBody, change: Partial<TicketWriteBack>, deps: DeliverWriteBackDeps): Promise<void> {
  const { result, end } = body;
  const record = await deps.ledger.get(result.eventId);
  if (!record) return;
  const at = deps.now().toISOString();
  await deps.ledger.update(ledgerKeyOf(body), (r) => {
    const current = r.ticketWriteBack;
    if (current && current.end !== end) return r;
    const { error: _previous, ...base } = current ?? { end, status: 'queued' as const, queuedAt: at, updatedAt: at, attempts: 0 };
    const { error, ...rest } = change;
    return { ...r, ticketWriteBack: { ...base, ...rest, updatedAt: at, ...(error !== undefined ? { error } : {}) } };
  });
}

/** The ledger finds a record by its eventId; the rest only matters for a record it would create, which it never does here. */
function ledgerKeyOf(body: WriteBackBody): LifecycleEvent {
  const { result } = body;
  return { eventId: result.eventId, tenantId: result.tenantId, type: result.type, source: 'ticket', occurredAt: result.acceptedAt, employee: { employeeId: result.employeeId } } as LifecycleEvent;
}
