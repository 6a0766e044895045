import type { AcceptedEvent } from './post-chunks';

/**
 * Follows each accepted event's signed status URL until it is finished or the time is up, a few at a
 * time. A leaver stays `queued` for the deletion its policy schedules after the retention days, and a
 * joiner waiting for a licence retries hours later: an event queued with its next attempt beyond the
 * wait counts as scheduled (with the reason, when it waits for a retry), not as still running.
 */

export interface EventOutcome {
  eventId: string;
  status: string;
  /** `<step>: <code>` of a dead-lettered or failed event. */
  reason?: string;
  scheduledFor?: string;
}

const FINISHED = new Set(['succeeded', 'failed', 'dead-lettered', 'skipped']);
const AT_ONCE = 8;

interface StatusView {
  status?: string;
  nextAttemptAt?: string;
  error?: { step?: string; code?: string };
}

function outcomeOf(eventId: string, view: StatusView, deadline: number): EventOutcome | undefined {
  const status = view.status ?? 'unknown';
  if (FINISHED.has(status)) {
    const reason = view.error ? [view.error.step, view.error.code].filter(Boolean).join(': ') : undefined;
    return { eventId, status, ...(reason ? { reason } : {}) };
  }
  if (status === 'queued' && view.nextAttemptAt && Date.parse(view.nextAttemptAt) > deadline) {
    // A retry waits with the reason it stopped (licences out of stock); a future-dated step has none.
    const reason = view.error ? [view.error.step, view.error.code].filter(Boolean).join(': ') : undefined;
    return { eventId, status: 'scheduled', scheduledFor: view.nextAttemptAt, ...(reason ? { reason } : {}) };
  }
  return undefined;
}

export async function followEvents(events: readonly AcceptedEvent[], options: { waitMs: number; pollMs?: number; onProgress?: (done: number) => void }): Promise<EventOutcome[]> {
  const deadline = Date.now() + options.waitMs;
  const done = new Map<string, EventOutcome>();
  const last = new Map<string, string>();
  let pending = [...events];
  while (pending.length > 0) {
    for (let i = 0; i < pending.length; i += AT_ONCE) {
      await Promise.all(
        pending.slice(i, i + AT_ONCE).map(async (event) => {
          const response = await fetch(event.statusUrl).catch(() => undefined);
          if (!response?.ok) return;
          const view = (await response.json()) as StatusView;
          last.set(event.eventId, view.status ?? 'unknown');
          const outcome = outcomeOf(event.eventId, view, deadline);
          if (outcome) done.set(event.eventId, outcome);
        }),
      );
    }
    pending = pending.filter((e) => !done.has(e.eventId));
    options.onProgress?.(done.size);
    if (pending.length === 0 || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1_000));
  }
  return events.map((e) => done.get(e.eventId) ?? { eventId: e.eventId, status: `still ${last.get(e.eventId) ?? 'queued'}` });
}
