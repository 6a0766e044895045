import type { LocalServiceBus } from '../../dev/local-service-bus';
import { lifecycleEventSchema, type LifecycleEvent } from '../../shared/domain/events';
import { MemoryLedger } from '../../shared/ledger/memory-ledger';
import { toEventMessage } from '../../shared/messaging/event-messages';
import type { ProcessOutcome } from '../../shared/processing/outcome';
import { settleOutcome } from '../../shared/processing/settle';
import { eventually, firstMessage, openBus, tempDir } from '../local-service-bus/helpers';

const event: LifecycleEvent = lifecycleEventSchema.parse({
  eventId: 'copies-1',
  type: 'mover',
  source: 'hr-json',
  occurredAt: '2026-11-22T09:00:00Z',
  employee: { employeeId: 'C1' },
});

describe('scheduled copies of one event', () => {
  let bus: LocalServiceBus;
  beforeEach(async () => {
    bus = await openBus(tempDir());
    bus.createQueue('events', { requiresSession: true, requiresDuplicateDetection: true });
  });
  afterEach(() => bus.close());

  it('when an event waits, is deferred, waits again and so on, then every copy is delivered: none repeats an earlier id that duplicate detection would drop', async () => {
    const script: ProcessOutcome['kind'][] = ['waiting', 'deferred', 'waiting', 'retry', 'waiting', 'deferred', 'waiting', 'succeeded'];
    const ledger = new MemoryLedger();
    const seen: string[] = [];
    const deps = { processingQueue: bus.createSender('events'), ledger, now: () => new Date(), policy: { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 2 }, random: () => 0 };
    bus.subscribe('events', async (input) => {
      const message = firstMessage(input);
      seen.push(String(message.messageId));
      const kind = script[seen.length - 1] ?? 'succeeded';
      const at = new Date(Date.now() + 5);
      const record = await ledger.update(event, (r) => r);
      const outcome: ProcessOutcome =
        kind === 'waiting' ? { kind, record, at, reason: 'behind another' } : kind === 'deferred' ? { kind, at, reason: 'busy' } : kind === 'retry' ? { kind, step: 's', reason: 'transient' } : { kind: 'succeeded', record };
      await settleOutcome(message, event, outcome, input.actions, deps);
    }, { autoCompleteMessages: false });
    await bus.createSender('events').sendMessages(toEventMessage(event));

    await eventually(() => seen.length === script.length, 5_000);
    expect(new Set(seen).size).toBe(script.length);
  });

  it('when a late copy of a finished event is deferred at the door, then the event stays finished and its copy will skip it', async () => {
    const ledger = new MemoryLedger();
    await ledger.update(event, (r) => ({ ...r, status: 'succeeded' }));
    bus.subscribe('events', async (input) => {
      await settleOutcome(firstMessage(input), event, { kind: 'deferred', at: new Date(Date.now() + 60_000), reason: 'busy' }, input.actions, { processingQueue: bus.createSender('events'), ledger, now: () => new Date() });
    }, { autoCompleteMessages: false });
    await bus.createSender('events').sendMessages(toEventMessage(event));
    await eventually(() => bus.counts('events').scheduled === 1, 5_000);
    expect(await ledger.get(event.eventId)).toMatchObject({ status: 'succeeded' });
    expect((await ledger.get(event.eventId))?.nextAttemptAt).toBeUndefined();
  });
});
