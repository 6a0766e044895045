import type { LocalServiceBus } from '../../dev/local-service-bus';
import type { ReceivedMessage, SettlementActions } from '../../shared/messaging/types';
import { QUEUE, eventually, firstMessage, openBus, sleep, tempDir } from './helpers';

describe('local Service Bus: delivery and settlement', () => {
  let bus: LocalServiceBus;

  afterEach(async () => {
    await bus.close();
  });

  it('when a message is sent, then the handler receives it once with SDK-shaped fields and completing removes it', async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, {});
    const seen: ReceivedMessage[] = [];
    bus.subscribe(QUEUE, async (input) => {
      const message = firstMessage(input);
      seen.push(message);
      await input.actions.complete(message);
    }, { autoCompleteMessages: false });

    await bus.createSender(QUEUE).sendMessages({
      body: { hello: 'world' },
      messageId: 'm-1',
      contentType: 'application/json',
      subject: 'greeting',
      applicationProperties: { retryCount: 2 },
    });
    await bus.waitForIdle();

    expect(seen).toHaveLength(1);
    const [m] = seen as [ReceivedMessage];
    expect(m.body).toEqual({ hello: 'world' });
    expect(m.messageId).toBe('m-1');
    expect(m.contentType).toBe('application/json');
    expect(m.subject).toBe('greeting');
    expect(m.applicationProperties).toEqual({ retryCount: 2 });
    expect(m.deliveryCount).toBe(1);
    expect(m.enqueuedTimeUtc).toBeInstanceOf(Date);
    expect(m.lockedUntilUtc).toBeInstanceOf(Date);
    expect(m.sequenceNumber?.toNumber()).toBeGreaterThan(0);
    expect(m.state).toBe('active');
    expect(bus.counts(QUEUE)).toEqual({ active: 0, scheduled: 0, deadLettered: 0, locked: 0 });
  });

  it('when the handler abandons a message, then it is redelivered with deliveryCount 2', async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, {});
    const deliveries: number[] = [];
    bus.subscribe(QUEUE, async ({ messages, actions }) => {
      const m = (messages as ReceivedMessage[])[0] as ReceivedMessage;
      deliveries.push(m.deliveryCount ?? 0);
      if (m.deliveryCount === 1) await actions.abandon(m);
      else await actions.complete(m);
    }, { autoCompleteMessages: false });

    await bus.createSender(QUEUE).sendMessages({ body: 'x' });
    await bus.waitForIdle();

    expect(deliveries).toEqual([1, 2]);
  });

  it('when the handler throws, then the message is abandoned and redelivered immediately', async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, {});
    const deliveries: number[] = [];
    bus.subscribe(QUEUE, async (input) => {
      const m = firstMessage(input);
      deliveries.push(m.deliveryCount ?? 0);
      if (deliveries.length < 3) throw new Error('transient');
      await input.actions.complete(m);
    }, { autoCompleteMessages: false });

    await bus.createSender(QUEUE).sendMessages({ body: 'x' });
    await bus.waitForIdle();

    expect(deliveries).toEqual([1, 2, 3]);
    expect(bus.counts(QUEUE).deadLettered).toBe(0);
  });

  it('when every delivery fails, then after maxDeliveryCount attempts it is dead-lettered with MaxDeliveryCountExceeded', async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, { maxDeliveryCount: 3 });
    let attempts = 0;
    bus.subscribe(QUEUE, async () => {
      attempts++;
      throw new Error('poison');
    });

    await bus.createSender(QUEUE).sendMessages({ body: { id: 7 }, applicationProperties: { kind: 'joiner' } });
    await bus.waitForIdle();

    expect(attempts).toBe(3);
    const [dead, ...rest] = bus.peekDeadLetters(QUEUE);
    expect(rest).toHaveLength(0);
    expect(dead?.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    expect(dead?.deadLetterErrorDescription).toBe('Message could not be consumed after 3 delivery attempts.');
    expect(dead?.deliveryCount).toBe(3);
    expect(dead?.body).toEqual({ id: 7 });
    expect(dead?.applicationProperties).toEqual({ kind: 'joiner' });
    expect(bus.counts(QUEUE)).toEqual({ active: 0, scheduled: 0, deadLettered: 1, locked: 0 });
  });

  it('when the handler dead-letters explicitly, then the reason and description are visible on the dead letter', async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, {});
    bus.subscribe(QUEUE, async ({ messages, actions }) => {
      const m = (messages as ReceivedMessage[])[0] as ReceivedMessage;
      await actions.deadletter(m, undefined, 'ValidationFailed', 'employeeId is missing');
    }, { autoCompleteMessages: false });

    await bus.createSender(QUEUE).sendMessages({ body: { bad: true }, messageId: 'bad-1' });
    await bus.waitForIdle();

    const dead = bus.peekDeadLetters(QUEUE);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      messageId: 'bad-1',
      body: { bad: true },
      deadLetterReason: 'ValidationFailed',
      deadLetterErrorDescription: 'employeeId is missing',
      deliveryCount: 1,
    });
  });

  it('when a message is settled twice, then the second settlement fails with MessageLockLost', async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, {});
    const outcome: unknown[] = [];
    bus.subscribe(QUEUE, async ({ messages, actions }) => {
      const m = (messages as ReceivedMessage[])[0] as ReceivedMessage;
      await actions.complete(m);
      outcome.push(await actions.complete(m).then(() => 'settled again', (e: { code?: string }) => e.code));
    }, { autoCompleteMessages: false });

    await bus.createSender(QUEUE).sendMessages({ body: 1 });
    await bus.waitForIdle();

    expect(outcome).toEqual(['MessageLockLost']);
  });

  it('when the handler returns without settling and auto-complete is off, then the message comes back after the lock expires', async () => {
    bus = await openBus(tempDir(), { lockDurationMs: 80 });
    bus.createQueue(QUEUE, {});
    const deliveries: number[] = [];
    let first: { message: ReceivedMessage; actions: SettlementActions } | undefined;
    bus.subscribe(QUEUE, async ({ messages, actions }) => {
      const m = (messages as ReceivedMessage[])[0] as ReceivedMessage;
      deliveries.push(m.deliveryCount ?? 0);
      if (m.deliveryCount === 1) first = { message: m, actions };
      else await actions.complete(m);
    }, { autoCompleteMessages: false });

    await bus.createSender(QUEUE).sendMessages({ body: 1 });
    await eventually(() => deliveries.length === 1);
    await sleep(20);
    expect(bus.counts(QUEUE)).toMatchObject({ active: 0, locked: 1 });
    await eventually(() => deliveries.length === 2);
    await bus.waitForIdle();

    expect(deliveries).toEqual([1, 2]);
    await expect(first?.actions.complete(first.message)).rejects.toMatchObject({ code: 'MessageLockLost' });
  });

  it('when a handler runs longer than the lock, then the lock is renewed while it runs (maxAutoLockRenewalDuration) and its settlement holds; past that duration it expires', async () => {
    // The trigger's processor renews the lock of a message its handler still runs, up to
    // maxAutoLockRenewalDuration (default 5 minutes; host.json sets it):
    // https://learn.microsoft.com/dotnet/api/azure.messaging.servicebus.servicebusprocessor.maxautolockrenewalduration
    bus = await openBus(tempDir(), { lockDurationMs: 80 });
    bus.createQueue(QUEUE, {});
    const outcomes: string[] = [];
    bus.subscribe(QUEUE, async ({ messages, actions }) => {
      const m = (messages as ReceivedMessage[])[0] as ReceivedMessage;
      await sleep(m.body === 'renewed' ? 400 : 900);
      outcomes.push(await actions.complete(m).then(() => `${String(m.body)}: completed`, (e: { code?: string }) => `${String(m.body)}: ${e.code}`));
    }, { autoCompleteMessages: false, maxAutoLockRenewalDurationMs: 600 });

    await bus.createSender(QUEUE).sendMessages({ body: 'renewed' });
    await eventually(() => outcomes.length === 1, 3_000);
    expect(outcomes).toEqual(['renewed: completed']);
    expect(bus.counts(QUEUE)).toMatchObject({ active: 0, locked: 0 });

    await bus.createSender(QUEUE).sendMessages({ body: 'too long' });
    await eventually(() => outcomes.length >= 2, 3_000);
    expect(outcomes[1]).toBe('too long: MessageLockLost');
  });

  it('when auto-complete is on and the handler returns normally, then the message is completed', async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, {});
    let calls = 0;
    bus.subscribe(QUEUE, async () => {
      calls++;
    });

    await bus.createSender(QUEUE).sendMessages([{ body: 1 }, { body: 2 }]);
    await bus.waitForIdle();

    expect(calls).toBe(2);
    expect(bus.counts(QUEUE)).toEqual({ active: 0, scheduled: 0, deadLettered: 0, locked: 0 });
  });
});
