import * as z from 'zod';
import type { DeadLetters, DeadLetterSummary } from '../messaging/dead-letters';
import type { Ledger } from '../ledger/types';
import type { EventIndex } from './event-index';
import { MASS_LEAVER_HOLD_REASON, remedyFor } from './remedies';
import { tenantKeySchema } from './events-view';

/** Waiting events are looked up in the index over this many days, and at most this many. */
const WAITING_DAYS = 30;
const WAITING_MAX = 200;

export interface StuckItem {
  messageId: string;
  eventId?: string;
  employeeId?: string;
  tenantId: string;
  queue: 'processing' | 'tickets';
  deadLetteredAt?: string;
  description: string;
}

export interface StuckGroup {
  reason: string;
  remedy: string;
  count: number;
  /** Release applies (the mass-leaver hold); every group can be replayed. */
  releasable: boolean;
  items: StuckItem[];
}

export interface WaitingEvent {
  eventId: string;
  employeeId: string;
  tenantId: string;
  /** The earlier event of the worker this one waits behind. */
  waitsFor?: string;
  until?: string;
  reason: string;
}

function item(letter: DeadLetterSummary, queue: StuckItem['queue']): StuckItem {
  return {
    messageId: letter.messageId,
    ...(letter.eventId ? { eventId: letter.eventId } : {}),
    ...(letter.employeeId ? { employeeId: letter.employeeId } : {}),
    tenantId: letter.tenantId,
    queue,
    // Service Bus keeps the enqueue time, not the dead-lettering time; a dead letter is as old as its message at most.
    ...(letter.enqueuedAt ? { deadLetteredAt: letter.enqueuedAt } : {}),
    description: letter.description,
  };
}

/** Dead letters of both queues grouped by reason, largest group first, each with what to do about it. */
export function groupDeadLetters(letters: readonly { letter: DeadLetterSummary; queue: StuckItem['queue'] }[]): StuckGroup[] {
  const groups = new Map<string, StuckGroup>();
  for (const { letter, queue } of letters) {
    const group = groups.get(letter.reason) ?? { reason: letter.reason, remedy: remedyFor(letter.reason), count: 0, releasable: letter.reason === MASS_LEAVER_HOLD_REASON, items: [] };
    group.count++;
    group.items.push(item(letter, queue));
    groups.set(letter.reason, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/** Events queued behind an earlier event of their worker (shared/processing/worker-lane.ts): what they wait for and until when. */
export async function waitingEvents(deps: { ledger: Ledger; index: EventIndex }, tenantId: string | undefined, now: Date): Promise<{ waiting: WaitingEvent[]; truncated: boolean }> {
  const toDay = now.toISOString().slice(0, 10);
  const fromDay = new Date(now.getTime() - (WAITING_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const { rows, truncated } = await deps.index.scan({ fromDay, toDay, status: 'queued', errorCode: 'WaitingForEarlierEvent', ...(tenantId ? { tenantId } : {}) }, WAITING_MAX);
  const waiting = await Promise.all(
    rows.map(async (row) => {
      const lane = await deps.ledger.getLane(row.employeeKey);
      const head = lane.order[0];
      return {
        eventId: row.eventId,
        employeeId: row.employeeId,
        tenantId: row.tenantId,
        ...(head && head !== row.eventId ? { waitsFor: head } : {}),
        ...(lane.headDueAt ? { until: lane.headDueAt } : row.nextAttemptAt ? { until: row.nextAttemptAt } : {}),
        reason: row.error?.message ?? 'waiting for an earlier event of this worker',
      };
    }),
  );
  return { waiting, truncated };
}

export async function stuckView(deps: { deadLetters: DeadLetters; ledger: Ledger; index: EventIndex; queues: { processing: string; tickets: string } }, tenantId: string | undefined, now: Date) {
  const [processing, tickets, waiting] = await Promise.all([
    deps.deadLetters.list(deps.queues.processing),
    deps.deadLetters.list(deps.queues.tickets),
    waitingEvents(deps, tenantId, now),
  ]);
  const letters = [...processing.map((letter) => ({ letter, queue: 'processing' as const })), ...tickets.map((letter) => ({ letter, queue: 'tickets' as const }))].filter(
    ({ letter }) => tenantId === undefined || letter.tenantId === tenantId,
  );
  return { deadLetters: groupDeadLetters(letters), waiting: waiting.waiting, ...(waiting.truncated ? { waitingTruncated: true } : {}) };
}

const actionFields = z.object({
  queue: z.enum(['processing', 'tickets']).default('processing'),
  messageIds: z.array(z.string().min(1).max(200)).min(1).max(500).optional(),
  reason: z.string().min(1).max(200).optional(),
  tenant: tenantKeySchema.optional(),
});
const hasSelection = (b: { messageIds?: unknown; reason?: unknown }) => b.messageIds !== undefined || b.reason !== undefined;
const noSelection = { message: 'give messageIds, a reason, or both: a console action never resubmits every dead letter', path: ['reason'] };

export const deadLetterActionSchema = actionFields.strict().refine(hasSelection, noSelection);

/** A release is an approval of each held leaver: why, kept with the releaser's name in each event's record (as an approval's comment). */
export const releaseActionSchema = actionFields.extend({ comment: z.string().trim().min(1).max(500) }).strict().refine(hasSelection, noSelection);

export type DeadLetterAction = z.infer<typeof deadLetterActionSchema>;
export type ReleaseAction = z.infer<typeof releaseActionSchema>;
