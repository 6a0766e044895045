import type { LocalServiceBus } from '../../dev/local-service-bus';
import { lifecycleEventSchema, type LifecycleEvent } from '../../shared/domain/events';
import { EventPublisher, EventTooLargeError } from '../../shared/messaging/event-messages';
import type { QueueSender, ReceivedMessage } from '../../shared/messaging/types';
import { QUEUE, firstMessage, openBus, tempDir } from '../local-service-bus/helpers';

/** Event `i` of a request; workers repeat every `workers` events, so a worker's events span the request. */
function event(i: number, workers = 200): LifecycleEvent {
  const types = ['joiner', 'mover', 'leaver'] as const;
  return lifecycleEventSchema.parse({
    eventId: `req-7-${String(i).padStart(4, '0')}`,
    type: types[Math.floor(i / workers) % 3],
    source: 'hr-json',
    occurredAt: '2026-11-22T09:00:00Z',
    employee: {
      employeeId: `W${i % workers}`,
      givenName: 'Zoë',
      surname: 'Sørensen',
      displayName: 'Zoë Sørensen (Research & Development, Zürich)',
      department: 'Research & Development',
      jobTitle: 'Principal Engineer, Identity and Access Platform',
      companyName: 'Contoso Europe Holdings',
      officeLocation: 'Zürich – Europaallee 36, Building 2, Floor 7',
      city: 'Zürich',
      country: 'CH',
      mobilePhone: '+41 79 123 45 67',
      hireDate: '2026-12-01',
    },
  });
}

/** The local sender, with its `nth` send failing as a dropped connection would. */
function failingOnSend(sender: QueueSender, nth: number): QueueSender & { sends: number } {
  const wrapped = {
    sends: 0,
    createMessageBatch: sender.createMessageBatch.bind(sender),
    scheduleMessages: sender.scheduleMessages.bind(sender),
    close: sender.close.bind(sender),
    sendMessages: async (messages: Parameters<QueueSender['sendMessages']>[0]) => {
      wrapped.sends++;
      if (wrapped.sends === nth) throw Object.assign(new Error('The connection was lost.'), { name: 'ServiceBusError', code: 'ServiceCommunicationProblem' });
      await sender.sendMessages(messages);
    },
  };
  return wrapped;
}

describe('publishing a request of events', () => {
  let bus: LocalServiceBus;

  beforeEach(async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, { requiresSession: true, requiresDuplicateDetection: true });
  });

  afterEach(async () => {
    await bus.close();
  });

  it('when 500 events are more than one 256 KB send holds, then all are queued in several batches in request order, and each worker keeps its order', async () => {
    const events = Array.from({ length: 500 }, (_, i) => event(i));
    const sender = failingOnSend(bus.createSender(QUEUE), 0);
    const batches: number[] = [];

    await new EventPublisher(sender).publish(events, async (queued) => void batches.push(queued.length));

    expect(batches.length).toBeGreaterThan(1);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(500);
    expect(sender.sends).toBe(batches.length);
    const received: ReceivedMessage[] = [];
    bus.subscribe(QUEUE, async (input) => void received.push(firstMessage(input)), { maxConcurrentSessions: 8 });
    await bus.waitForIdle();
    const bySequence = [...received].sort((a, b) => Number(a.sequenceNumber) - Number(b.sequenceNumber));
    expect(bySequence.map((m) => m.messageId)).toEqual(events.map((e) => e.eventId));
    const worker = received.filter((m) => m.sessionId === 'default:W7').map((m) => (m.body as LifecycleEvent).type);
    expect(worker).toEqual(['joiner', 'mover', 'leaver']);
  });

  it('when a later batch fails, then the earlier batches stay queued and only their events are reported queued; publishing again queues the rest once', async () => {
    const events = Array.from({ length: 500 }, (_, i) => event(i));
    const reported: string[] = [];

    await expect(new EventPublisher(failingOnSend(bus.createSender(QUEUE), 2)).publish(events, async (queued) => void reported.push(...queued.map((e) => e.eventId)))).rejects.toThrow('connection was lost');

    expect(reported.length).toBeGreaterThan(0);
    expect(reported).toEqual(events.slice(0, reported.length).map((e) => e.eventId));
    expect(bus.counts(QUEUE).active).toBe(reported.length);
    await new EventPublisher(bus.createSender(QUEUE)).publish(events);
    expect(bus.counts(QUEUE).active).toBe(500);
  });

  it('when one event alone is over what one message may carry, then publishing fails naming the event, not its content', async () => {
    const huge = { ...event(1), employee: { ...event(1).employee, displayName: 'Secret-Name '.repeat(30_000) } } as LifecycleEvent;

    const publishing = new EventPublisher(bus.createSender(QUEUE)).publish([event(0), huge]);

    await expect(publishing).rejects.toThrow(EventTooLargeError);
    await expect(publishing).rejects.toThrow(/^Event req-7-0001 is larger than one Service Bus message may be/);
    await expect(publishing).rejects.not.toThrow(/Secret-Name/);
  });
});
