import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalServiceBus, type LocalServiceBusOptions } from '../../dev/local-service-bus';
import type { ReceivedMessage, ServiceBusTriggerInput } from '../../shared/messaging/types';

export const QUEUE = 'work';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'local-sb-'));
}

export async function openBus(dataDir: string, options: Partial<LocalServiceBusOptions> = {}): Promise<LocalServiceBus> {
  return LocalServiceBus.open({ dataDir, log: () => undefined, ...options });
}

export function firstMessage(input: ServiceBusTriggerInput): ReceivedMessage {
  const messages = Array.isArray(input.messages) ? input.messages : [input.messages];
  if (messages.length !== 1) throw new Error(`expected one message per call, got ${messages.length}`);
  return messages[0] as ReceivedMessage;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the predicate holds (or fails the test after timeoutMs). */
export async function eventually(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
