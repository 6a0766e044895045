import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalServiceBus } from '../../dev/local-service-bus';
import type { ReceivedMessage } from '../../shared/messaging/types';
import { QUEUE, eventually, firstMessage, openBus, tempDir } from './helpers';

describe('local Service Bus: persistence and dead-letter replay', () => {
  let bus: LocalServiceBus;

  afterEach(async () => {
    await bus.close();
  });

  it('when the bus is closed and reopened on the same dataDir, then nothing is lost, including an unsettled message', async () => {
    const dir = tempDir();
    bus = await openBus(dir);
    bus.createQueue(QUEUE, { requiresDuplicateDetection: true });
    let held: ReceivedMessage | undefined;
    const sub = bus.subscribe(QUEUE, async (input) => {
      const m = firstMessage(input);
      if (m.body === 'in flight') held = m; // never settled
      else await input.actions.complete(m);
    }, { autoCompleteMessages: false, maxConcurrentCalls: 1 });
    const sender = bus.createSender(QUEUE);
    await sender.sendMessages({ body: 'in flight', messageId: 'a', applicationProperties: { at: new Date(0) } });
    await eventually(() => held !== undefined);
    await sub.close();
    await sender.sendMessages({ body: 'waiting', messageId: 'b' });
    await sender.scheduleMessages({ body: 'scheduled', messageId: 'c' }, new Date(Date.now() + 60_000));
    await sender.sendMessages({ body: Buffer.from('bytes'), messageId: 'd' });
    await bus.close();

    bus = await openBus(dir);
    bus.createQueue(QUEUE, { requiresDuplicateDetection: true });
    expect(bus.counts(QUEUE)).toEqual({ active: 3, scheduled: 1, deadLettered: 0, locked: 0 });
    await bus.createSender(QUEUE).sendMessages({ body: 'duplicate after restart', messageId: 'b' });
    const seen: ReceivedMessage[] = [];
    bus.subscribe(QUEUE, async (input) => {
      seen.push(firstMessage(input));
    });
    await bus.waitForIdle();

    expect(seen.map((m) => [m.messageId, m.deliveryCount])).toEqual([
      ['a', 2],
      ['b', 1],
      ['d', 1],
    ]);
    expect(seen[0]?.applicationProperties?.at).toEqual(new Date(0));
    expect(Buffer.isBuffer(seen[2]?.body) && seen[2].body.toString()).toBe('bytes');
    expect(bus.counts(QUEUE)).toEqual({ active: 0, scheduled: 1, deadLettered: 0, locked: 0 });
  });

  it('when the process stops without close, then acknowledged sends and settlements are already on disk', async () => {
    const dir = tempDir();
    bus = await openBus(dir);
    bus.createQueue(QUEUE, {});
    await bus.createSender(QUEUE).sendMessages([{ body: 1 }, { body: 2 }]);
    const other = await openBus(dir); // a second process reading the journal as it is now

    other.createQueue(QUEUE, {});

    expect(other.counts(QUEUE).active).toBe(2);
    await other.close();
  });

  it('when a dead letter is resubmitted, then it is delivered again as a new message and leaves the dead-letter queue', async () => {
    const dir = tempDir();
    bus = await openBus(dir);
    bus.createQueue(QUEUE, { requiresDuplicateDetection: true });
    let fixed = false;
    const delivered: ReceivedMessage[] = [];
    bus.subscribe(QUEUE, async ({ messages, actions }) => {
      const m = (messages as ReceivedMessage[])[0] as ReceivedMessage;
      if (!fixed) return actions.deadletter(m, undefined, 'Bug', 'not yet');
      delivered.push(m);
      await actions.complete(m);
    }, { autoCompleteMessages: false });
    await bus.createSender(QUEUE).sendMessages({ body: { n: 1 }, messageId: 'replay-me', applicationProperties: { p: 'x' } });
    await bus.waitForIdle();
    const [dead] = bus.peekDeadLetters(QUEUE);
    expect(dead?.deadLetterReason).toBe('Bug');

    fixed = true;
    bus.resubmitDeadLetter(QUEUE, dead?.sequenceNumber);
    await bus.waitForIdle();

    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ messageId: 'replay-me', body: { n: 1 }, applicationProperties: { p: 'x' }, deliveryCount: 1 });
    expect(delivered[0]?.deadLetterReason).toBeUndefined();
    expect(bus.peekDeadLetters(QUEUE)).toHaveLength(0);
  });

  it('when dead letters are removed or received, then they are gone after a restart', async () => {
    const dir = tempDir();
    bus = await openBus(dir);
    bus.createQueue(QUEUE, { maxDeliveryCount: 1 });
    const sub = bus.subscribe(QUEUE, async () => {
      throw new Error('always');
    });
    await bus.createSender(QUEUE).sendMessages([{ body: 1, messageId: 'x' }, { body: 2, messageId: 'y' }, { body: 3, messageId: 'z' }]);
    await bus.waitForIdle();
    await sub.close();
    expect(bus.counts(QUEUE).deadLettered).toBe(3);

    expect(bus.removeDeadLetter(QUEUE, 'x').body).toBe(1);
    expect(bus.receiveDeadLetters(QUEUE, 1).map((m) => m.body)).toEqual([2]);
    await bus.close();
    bus = await openBus(dir);
    bus.createQueue(QUEUE, { maxDeliveryCount: 1 });

    expect(bus.peekDeadLetters(QUEUE).map((m) => m.messageId)).toEqual(['z']);
    expect(() => bus.resubmitDeadLetter(QUEUE, 'x')).toThrow(/No dead-lettered message/);
  });

  it('when a message was in flight at its last allowed delivery and the process restarts, then it is dead-lettered', async () => {
    const dir = tempDir();
    bus = await openBus(dir);
    bus.createQueue(QUEUE, { maxDeliveryCount: 1 });
    let got = false;
    bus.subscribe(QUEUE, async () => {
      got = true;
    }, { autoCompleteMessages: false });
    await bus.createSender(QUEUE).sendMessages({ body: 1 });
    await eventually(() => got);
    await bus.close();

    bus = await openBus(dir);
    bus.createQueue(QUEUE, { maxDeliveryCount: 1 });

    expect(bus.counts(QUEUE)).toMatchObject({ active: 0, deadLettered: 1 });
    expect(bus.peekDeadLetters(QUEUE)[0]?.deadLetterReason).toBe('MaxDeliveryCountExceeded');
  });

  it('when many messages flow through, then the journal is compacted on close and replays to the same state', async () => {
    const dir = tempDir();
    bus = await openBus(dir);
    bus.createQueue(QUEUE, {});
    const sub = bus.subscribe(QUEUE, async () => undefined, { maxConcurrentCalls: 16 });
    const sender = bus.createSender(QUEUE);
    const started = Date.now();
    for (let i = 0; i < 20; i++) await sender.sendMessages(Array.from({ length: 100 }, (_, j) => ({ body: i * 100 + j })));
    await bus.waitForIdle(20_000);
    const elapsed = Date.now() - started;
    await sub.close();
    await sender.sendMessages({ body: 'left over' });
    await bus.close();
    const lines = fs.readFileSync(path.join(dir, `${QUEUE}.jsonl`), 'utf8').trim().split('\n');

    expect(elapsed).toBeLessThan(10_000);
    expect(lines.length).toBeLessThan(10);
    bus = await openBus(dir);
    bus.createQueue(QUEUE, {});
    expect(bus.counts(QUEUE).active).toBe(1);
  });
});
