import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalHost } from '../../dev/local-host/local-host';
import type { FunctionDeclaration, ServiceBusQueueFunctionDeclaration } from '../../shared/hosting/function-declarations';
import type { ReceivedMessage } from '../../shared/messaging/types';

const dataDir = mkdtempSync(path.join(tmpdir(), 'local-host-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function env(): NodeJS.ProcessEnv {
  return { ...process.env, AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION_STRING, GRAPH_SIMULATOR_PORT: '0', HR_WEBHOOK_SECRET: 'local-host-test-secret-0123456789abcdef' };
}

describe('local host', () => {
  it('when a timer is declared, then it fires on its schedule and on demand through POST /admin/functions/{name}', async () => {
    const runs: boolean[] = [];
    const declarations: FunctionDeclaration[] = [
      { kind: 'timer', name: 'tick', schedule: '*/1 * * * * *', handler: async (timer) => void runs.push(timer.isPastDue) },
    ];
    const host = await startLocalHost({ port: 0, dataDir: path.join(dataDir, 'timers'), env: env(), declarations, log: () => undefined });
    try {
      const deadline = Date.now() + 5_000;
      while (runs.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(runs.length).toBeGreaterThanOrEqual(1);
      const before = runs.length;
      const response = await fetch(`${host.url}/admin/functions/tick`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(202);
      expect(runs.length).toBeGreaterThan(before);
      expect((await fetch(`${host.url}/admin/functions/nope`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      await host.stop();
    }
  });

  it('when the host stops while a message is being handled, then after a restart it is delivered again and nothing is lost', async () => {
    const queueDir = path.join(dataDir, 'restart');
    const queueEnv = { ...env(), PROCESSING_QUEUE_NAME: 'restart-test' };
    const queue = (handler: ServiceBusQueueFunctionDeclaration['handler']): FunctionDeclaration[] => [
      { kind: 'serviceBusQueue', name: 'consume', queueName: '%PROCESSING_QUEUE_NAME%', connection: 'ServiceBusConnection', isSessionsEnabled: true, handler },
    ];
    let seen: () => void = () => undefined;
    const started = new Promise<void>((r) => (seen = r));
    const first = await startLocalHost({
      port: 0,
      dataDir: queueDir,
      env: queueEnv,
      log: () => undefined,
      declarations: queue(async () => {
        seen();
        await new Promise(() => undefined); // the worker "hangs" until the host goes away
      }),
    });
    await first.bus.createSender('restart-test').sendMessages({ body: { n: 1 }, messageId: 'm-1', sessionId: 's-1' });
    await started;
    await first.stop();

    const delivered: ReceivedMessage[] = [];
    const second = await startLocalHost({
      port: 0,
      dataDir: queueDir,
      env: queueEnv,
      log: () => undefined,
      declarations: queue(async (input) => {
        const message = Array.isArray(input.messages) ? input.messages[0]! : input.messages;
        delivered.push(message);
        await input.actions.complete(message);
      }),
    });
    try {
      await second.bus.waitForIdle(10_000);
      expect(delivered.map((m) => m.messageId)).toEqual(['m-1']);
      expect(delivered[0]?.deliveryCount).toBeGreaterThanOrEqual(2);
    } finally {
      await second.stop();
    }
  });
});
