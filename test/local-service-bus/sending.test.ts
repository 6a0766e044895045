import type { LocalServiceBus } from '../../dev/local-service-bus';
import type { ReceivedMessage } from '../../shared/messaging/types';
import { QUEUE, eventually, firstMessage, openBus, sleep, tempDir } from './helpers';

describe('local Service Bus: sending, duplicate detection and scheduling', () => {
  let bus: LocalServiceBus;

  afterEach(async () => {
    await bus.close();
  });

  it('when the same messageId is sent twice within the window, then it is delivered once', async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, { requiresDuplicateDetection: true });
    const bodies: unknown[] = [];
    bus.subscribe(QUEUE, async (input) => {
      bodies.push(firstMessage(input).body);
    });
    const sender = bus.createSender(QUEUE);

    await sender.sendMessages({ body: 'first', messageId: 'hire-42' });
    await bus.waitForIdle();
    await expect(sender.sendMessages({ body: 'second', messageId: 'hire-42' })).resolves.toBeUndefined();
    await sender.sendMessages({ body: 'other', messageId: 'hire-43' });
    await bus.waitForIdle();

    expect(bodies).toEqual(['first', 'other']);
  });

  it('when the same messageId is sent again after the window, then it is delivered again', async () => {
    let clock = 1_000_000;
    bus = await openBus(tempDir(), { now: () => clock, duplicateDetectionWindowMs: 1000 });
    bus.createQueue(QUEUE, { requiresDuplicateDetection: true });
    const sender = bus.createSender(QUEUE);

    await sender.sendMessages({ body: 1, messageId: 'same' });
    clock += 1001;
    await sender.sendMessages({ body: 2, messageId: 'same' });

    expect(bus.counts(QUEUE).active).toBe(2);
  });

  it('when duplicate detection is off, then a repeated messageId is delivered twice', async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, {});
    const sender = bus.createSender(QUEUE);

    await sender.sendMessages([{ body: 1, messageId: 'same' }, { body: 2, messageId: 'same' }]);

    expect(bus.counts(QUEUE).active).toBe(2);
  });

  it('when a batch to a session queue has one message without sessionId, then the whole batch is rejected', async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, { requiresSession: true });
    const sender = bus.createSender(QUEUE);

    await expect(
      sender.sendMessages([
        { body: 1, sessionId: 'a' },
        { body: 2 },
        { body: 3, sessionId: 'b' },
      ]),
    ).rejects.toThrow(/SessionId was not set/);

    expect(bus.counts(QUEUE)).toEqual({ active: 0, scheduled: 0, deadLettered: 0, locked: 0 });
  });

  it('when sending to a queue that was never created, then the send fails', async () => {
    bus = await openBus(tempDir());

    await expect(bus.createSender('missing').sendMessages({ body: 1 })).rejects.toThrow(/could not be found/);
  });

  it('when a message is scheduled, then it is delivered only after its time', async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, {});
    const received: Array<{ body: unknown; at: number }> = [];
    bus.subscribe(QUEUE, async (input) => {
      received.push({ body: firstMessage(input).body, at: Date.now() });
    });
    const sender = bus.createSender(QUEUE);
    const start = Date.now();

    const sequenceNumbers = await sender.scheduleMessages({ body: 'later' }, new Date(start + 150));
    await sender.sendMessages({ body: 'via property', scheduledEnqueueTimeUtc: new Date(start + 150) });
    await sender.sendMessages({ body: 'now' });
    await bus.waitForIdle();

    expect(sequenceNumbers).toHaveLength(1);
    expect(received.map((r) => r.body)).toEqual(['now']);
    expect(bus.counts(QUEUE)).toMatchObject({ active: 0, scheduled: 2 });

    await eventually(() => received.length === 3);
    expect(received.slice(1).map((r) => r.body).sort()).toEqual(['later', 'via property']);
    for (const r of received.slice(1)) expect(r.at).toBeGreaterThanOrEqual(start + 150);
  });

  it('when a message is scheduled beyond what one Node timer can wait (30 days), then it stays scheduled without firing early', async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, {});
    const received: unknown[] = [];
    bus.subscribe(QUEUE, async (input) => void received.push(firstMessage(input).body));
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      await bus.createSender(QUEUE).scheduleMessages({ body: 'in a month' }, new Date(Date.now() + 30 * 24 * 3600_000));
      await sleep(50);
      expect(received).toEqual([]);
      expect(bus.counts(QUEUE)).toMatchObject({ scheduled: 1, active: 0 });
      expect(warnings.filter((w) => w.name === 'TimeoutOverflowWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('when a wake-up timer fires before the message is due (timers can run early against the clock), then the message is still delivered', async () => {
    // A clock running at half speed makes every timer fire "early" relative to it.
    const start = Date.now();
    const slowClock = () => start + Math.floor((Date.now() - start) / 2);
    bus = await openBus(tempDir(), { now: slowClock });
    bus.createQueue(QUEUE, {});
    const received: unknown[] = [];
    bus.subscribe(QUEUE, async (input) => void received.push(firstMessage(input).body));
    await bus.createSender(QUEUE).scheduleMessages({ body: 'due soon' }, new Date(slowClock() + 60));
    await eventually(() => received.length === 1, 2000);
    expect(received).toEqual(['due soon']);
  });

  it('when sessions run concurrently, then each session is delivered in order with one message in flight', async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, { requiresSession: true });
    const order = new Map<string, number[]>();
    const inFlight = new Map<string, number>();
    let maxPerSession = 0;
    let maxOverall = 0;
    let overall = 0;
    bus.subscribe(QUEUE, async ({ messages, actions }) => {
      const m = (messages as ReceivedMessage[])[0] as ReceivedMessage;
      const session = m.sessionId as string;
      inFlight.set(session, (inFlight.get(session) ?? 0) + 1);
      overall++;
      maxPerSession = Math.max(maxPerSession, inFlight.get(session) ?? 0);
      maxOverall = Math.max(maxOverall, overall);
      await sleep(5 + Math.floor(Math.random() * 10));
      order.set(session, [...(order.get(session) ?? []), m.body as number]);
      inFlight.set(session, (inFlight.get(session) ?? 1) - 1);
      overall--;
      await actions.complete(m);
    }, { maxConcurrentSessions: 3, autoCompleteMessages: false });

    const batch = [];
    for (let i = 0; i < 8; i++) for (const s of ['a', 'b', 'c', 'd']) batch.push({ body: i, sessionId: s });
    await bus.createSender(QUEUE).sendMessages(batch);
    await bus.waitForIdle();

    for (const s of ['a', 'b', 'c', 'd']) expect(order.get(s)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(maxPerSession).toBe(1);
    expect(maxOverall).toBeGreaterThan(1);
    expect(maxOverall).toBeLessThanOrEqual(3);
  });

  it("when a session's last message is done, then its slot idles for sessionIdleTimeout before taking another session, unless that session's next message comes", async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, { requiresSession: true });
    const started: { body: unknown; at: number }[] = [];
    bus.subscribe(QUEUE, async ({ messages, actions }) => {
      const m = (messages as ReceivedMessage[])[0] as ReceivedMessage;
      started.push({ body: m.body, at: Date.now() });
      await actions.complete(m);
    }, { maxConcurrentSessions: 1, autoCompleteMessages: false, sessionIdleTimeoutMs: 300 });

    const sender = bus.createSender(QUEUE);
    const t0 = Date.now();
    await sender.sendMessages([{ body: 'a1', sessionId: 'a' }, { body: 'b1', sessionId: 'b' }]);
    await eventually(() => started.length === 1);
    await sleep(50);
    await sender.sendMessages({ body: 'a2', sessionId: 'a' }); // arrives while a's slot idles
    await eventually(() => started.length === 3, 3_000);

    expect(started.map((s) => s.body)).toEqual(['a1', 'a2', 'b1']);
    expect((started[1] as { at: number }).at - t0).toBeLessThan(250);
    expect((started[2] as { at: number }).at - (started[1] as { at: number }).at).toBeGreaterThanOrEqual(250);
  });

  it('when a non-session queue has a backlog, then at most maxConcurrentCalls handlers run at once', async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, {});
    let running = 0;
    let peak = 0;
    bus.subscribe(QUEUE, async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(10);
      running--;
    }, { maxConcurrentCalls: 4 });

    await bus.createSender(QUEUE).sendMessages(Array.from({ length: 20 }, (_, i) => ({ body: i })));
    await bus.waitForIdle();

    expect(peak).toBe(4);
    expect(bus.counts(QUEUE).active).toBe(0);
  });
});
