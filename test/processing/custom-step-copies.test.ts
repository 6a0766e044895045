import type { LocalServiceBus } from '../../dev/local-service-bus';
import { lifecycleEventSchema, type LifecycleEvent } from '../../shared/domain/events';
import { MemoryLedger } from '../../shared/ledger/memory-ledger';
import { toEventMessage } from '../../shared/messaging/event-messages';
import type { ProcessOutcome } from '../../shared/processing/outcome';
import { settleOutcome } from '../../shared/processing/settle';
import { eventually, firstMessage, openBus, tempDir } from '../local-service-bus/helpers';

const event: LifecycleEvent = lifecycleEventSchema.parse({
  eventId: 'waits-1',
  type: 'leaver',
  source: 'hr-json',
  occurredAt: '2026-11-22T09:00:00Z',
  employee: { employeeId: 'W1' },
});

describe('scheduled copies of an event that waits for custom steps', () => {
  let bus: LocalServiceBus;
  beforeEach(async () => {
    bus = await openBus(tempDir());
    bus.createQueue('events', { requiresSession: true, requiresDuplicateDetection: true });
  });
  afterEach(() => bus.close());

  it('when a leaver waited for its date and then waits for two custom steps, then every deadline copy is delivered: none is dropped as the `~due` copy it already had', async () => {
    // Its effective date, then a wait per custom step, then another copy of the same wait (an early deadline copy pausing again).
    const script: { key?: string }[] = [{}, { key: 'csAAA.1' }, { key: 'csBBB.2' }, { key: 'csBBB.3' }];
    const ledger = new MemoryLedger();
    const seen: string[] = [];
    const deps = { processingQueue: bus.createSender('events'), ledger, now: () => new Date() };
    bus.subscribe('events', async (input) => {
      const message = firstMessage(input);
      seen.push(String(message.messageId));
      const step = script[seen.length - 1];
      const record = await ledger.update(event, (r) => r);
      const outcome: ProcessOutcome = step ? { kind: 'scheduled', record, at: new Date(Date.now() + 5), reason: 'waits', ...(step.key ? { key: step.key } : {}) } : { kind: 'succeeded', record };
      await settleOutcome(message, event, outcome, input.actions, deps);
    }, { autoCompleteMessages: false });
    await bus.createSender('events').sendMessages(toEventMessage(event));

    await eventually(() => seen.length === script.length + 1, 5_000);
    expect(seen).toEqual(['waits-1', 'waits-1~due', 'waits-1~csAAA.1', 'waits-1~csBBB.2', 'waits-1~csBBB.3']);
  });
});
