import { ServiceBusClient, type ServiceBusMessageBatch } from '@azure/service-bus';
import type { LocalServiceBus } from '../../dev/local-service-bus';
import type { OutgoingMessage } from '../../shared/messaging/types';
import { QUEUE, openBus, tempDir } from './helpers';

/**
 * Standard tier: "256 KB" a message and "256 KB" a batch, message and session ids of at most 128
 * (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas).
 */
const LIMIT = 256 * 1024;

/** A message shaped like the app's event messages, with a body of about `bodyBytes`. */
function eventLike(i: number, bodyBytes = 700): OutgoingMessage {
  const employee = { employeeId: `E${i}`, givenName: 'Seán', surname: "O'Brien", department: 'Engineering', notes: 'x'.repeat(Math.max(0, bodyBytes - 160)) };
  return {
    body: { eventId: `evt-${String(i).padStart(32, '0')}`, type: 'joiner', tenantId: 'default', occurredAt: '2026-11-22T09:00:00Z', employee },
    messageId: `evt-${String(i).padStart(32, '0')}`,
    sessionId: `default:E${i}`,
    contentType: 'application/json',
    subject: 'joiner',
    applicationProperties: { tenantId: 'default', eventType: 'joiner' },
  };
}

const oneOf = (body: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({ body, messageId: 'm', sessionId: 's', ...extra });

describe('local Service Bus: Standard tier size and id limits', () => {
  let bus: LocalServiceBus;

  beforeEach(async () => {
    bus = await openBus(tempDir());
    bus.createQueue(QUEUE, { requiresSession: true, requiresDuplicateDetection: true });
  });

  afterEach(async () => {
    await bus.close();
  });

  it('when one message is larger than 256 KB, then the send is refused with MessageSizeExceeded and nothing is queued', async () => {
    const sender = bus.createSender(QUEUE);

    await expect(sender.sendMessages(oneOf('x'.repeat(LIMIT)))).rejects.toMatchObject({ name: 'ServiceBusError', code: 'MessageSizeExceeded' });

    expect(bus.counts(QUEUE).active).toBe(0);
  });

  it('when one message is a little under 256 KB with its properties, then it is queued', async () => {
    await bus.createSender(QUEUE).sendMessages(oneOf('x'.repeat(LIMIT - 1024)));

    expect(bus.counts(QUEUE).active).toBe(1);
  });

  it('when an array of messages that each fit adds up to more than 256 KB, then the whole send is refused as the SDK refuses it and nothing is queued', async () => {
    const messages = Array.from({ length: 400 }, (_, i) => eventLike(i));

    await expect(bus.createSender(QUEUE).sendMessages(messages)).rejects.toMatchObject({
      code: 'MessageSizeExceeded',
      message: expect.stringContaining('Messages were too big to fit in a single batch'),
    });

    expect(bus.counts(QUEUE).active).toBe(0);
  });

  it('when messages go into a batch from createMessageBatch, then tryAddMessage says no once 256 KB would be passed and the batch sends exactly what it took', async () => {
    const sender = bus.createSender(QUEUE);
    const batch = await sender.createMessageBatch();
    let added = 0;
    while (batch.tryAddMessage(eventLike(added))) added++;

    expect(batch.maxSizeInBytes).toBe(LIMIT);
    expect(batch.count).toBe(added);
    expect(batch.sizeInBytes).toBeLessThanOrEqual(LIMIT);
    expect(batch.sizeInBytes + 900).toBeGreaterThan(LIMIT);
    await sender.sendMessages(batch);
    expect(bus.counts(QUEUE).active).toBe(added);
  });

  it('when a batch is asked to be larger than the link allows, then createMessageBatch refuses; a smaller one holds less', async () => {
    const sender = bus.createSender(QUEUE);

    await expect(sender.createMessageBatch({ maxSizeInBytes: LIMIT + 1 })).rejects.toThrow(`is greater than maximum message size (${LIMIT} bytes)`);
    const small = await sender.createMessageBatch({ maxSizeInBytes: 2_000 });
    expect(small.tryAddMessage(eventLike(1))).toBe(true);
    expect(small.tryAddMessage(eventLike(2))).toBe(false);
  });

  it('when a messageId or sessionId is longer than 128 characters, then sending throws what the SDK throws; 128 is accepted', async () => {
    const sender = bus.createSender(QUEUE);
    const batch = await sender.createMessageBatch();

    await expect(sender.sendMessages(oneOf('b', { messageId: 'm'.repeat(129) }))).rejects.toThrow("Length of 'messageId' property on the message cannot be greater than 128 characters.");
    await expect(sender.sendMessages([oneOf('b', { sessionId: 's'.repeat(129) })])).rejects.toThrow("Length of 'sessionId' property on the message cannot be greater than 128 characters.");
    await expect(sender.scheduleMessages(oneOf('b', { messageId: 'm'.repeat(129) }), new Date(Date.now() + 60_000))).rejects.toThrow('cannot be greater than 128');
    expect(() => batch.tryAddMessage(oneOf('b', { messageId: 'm'.repeat(129) }))).toThrow('cannot be greater than 128');

    await sender.sendMessages(oneOf('b', { messageId: 'm'.repeat(128), sessionId: 's'.repeat(128) }));
    expect(bus.counts(QUEUE).active).toBe(1);
  });

  it('when a message over 256 KB is scheduled, then scheduling fails (Service Bus answers it with a timeout) and nothing is scheduled', async () => {
    await expect(bus.createSender(QUEUE).scheduleMessages(oneOf('x'.repeat(LIMIT)), new Date(Date.now() + 60_000))).rejects.toMatchObject({ code: 'ServiceTimeout' });

    expect(bus.counts(QUEUE).scheduled).toBe(0);
  });
});

describe("local Service Bus: the batch size estimate against the SDK's own ServiceBusMessageBatch", () => {
  let client: ServiceBusClient;
  let sdkBatch: () => Promise<ServiceBusMessageBatch>;

  beforeAll(() => {
    // The SDK's batch, measured by its own AMQP encoder. Only the link's maximum would need a
    // connection; it is the Standard tier's 256 KB (what `link.maxMessageSize` reports there).
    client = new ServiceBusClient('Endpoint=sb://sizing.invalid/;SharedAccessKeyName=none;SharedAccessKey=bm9uZQ==');
    const sender = client.createSender(QUEUE) as unknown as { _sender: { getMaxMessageSize(): Promise<number> }; createMessageBatch(): Promise<ServiceBusMessageBatch> };
    sender._sender.getMaxMessageSize = async () => LIMIT;
    sdkBatch = () => sender.createMessageBatch();
  });

  afterAll(async () => {
    await client.close();
  });

  it('when the same event-like messages fill both batches, then the local size is never below the SDK size, within 6% of it, and the local batch holds no more messages', async () => {
    const bus = await openBus(tempDir());
    bus.createQueue(QUEUE, {});
    try {
      const local = await bus.createSender(QUEUE).createMessageBatch();
      const sdk = await sdkBatch();
      let sdkCount = 0;
      for (let i = 0; ; i++) {
        const message = eventLike(i, 300 + ((i * 37) % 900));
        const inLocal = local.tryAddMessage(message);
        if (!sdk.tryAddMessage(message)) break;
        sdkCount++;
        if (inLocal) {
          expect(local.sizeInBytes).toBeGreaterThanOrEqual(sdk.sizeInBytes);
          expect(local.sizeInBytes).toBeLessThanOrEqual(sdk.sizeInBytes * 1.06);
        }
      }
      expect(local.count).toBeLessThanOrEqual(sdkCount);
      expect(local.count).toBeGreaterThan(sdkCount * 0.95);
    } finally {
      await bus.close();
    }
  });

  it('when a message has a large body or many properties, then the local estimate of one message is still not below the SDK size', async () => {
    const bus = await openBus(tempDir());
    bus.createQueue(QUEUE, {});
    try {
      const cases: OutgoingMessage[] = [
        oneOf('é'.repeat(60_000), { contentType: 'text/plain', subject: 's', correlationId: 'c' }),
        { body: Buffer.alloc(10_000, 1), messageId: 'bytes' },
        { body: { n: 1 }, messageId: 'props', applicationProperties: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${i}`, i % 2 ? `v${i}` : i])) },
        { body: null, messageId: 'ttl', timeToLive: 60_000, scheduledEnqueueTimeUtc: new Date() },
      ];
      for (const message of cases) {
        const local = await bus.createSender(QUEUE).createMessageBatch();
        const sdk = await sdkBatch();
        expect(local.tryAddMessage(message)).toBe(true);
        expect(sdk.tryAddMessage(message)).toBe(true);
        expect(local.sizeInBytes).toBeGreaterThanOrEqual(sdk.sizeInBytes);
      }
    } finally {
      await bus.close();
    }
  });
});
