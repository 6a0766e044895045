import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalHost, type LocalHostOptions, type RunningLocalHost } from '../../dev/local-host/local-host';
import { postHrEvents } from '../../dev/hr-client';

export const TEST_HR_SECRET = 'test-hr-webhook-secret-0123456789abcdef';

export interface TestHost extends RunningLocalHost {
  logs: string[];
  postHr(body: string, init?: { contentType?: string; secret?: string; timestamp?: number; query?: string }): Promise<Response>;
  waitForStatus(eventId: string, statuses?: string[], timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The event's status view once `done` holds (polled; the queue runs on its own schedule). */
  waitFor(eventId: string, done: (status: Record<string, unknown>) => boolean, timeoutMs?: number, what?: string): Promise<Record<string, unknown>>;
}

/**
 * The local host on free ports with a fresh queue journal, embedded Azurite and simulator:
 * the same path `npm start` takes, driven over real HTTP.
 */
export async function startTestHost(options: Partial<LocalHostOptions> = {}): Promise<TestHost> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lifecycle-host-'));
  const logs: string[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, GRAPH_SIMULATOR_PORT: '0', HR_WEBHOOK_SECRET: TEST_HR_SECRET, ...options.env };
  // Share the run's Azurite (test/support/global-setup.ts); each event id is unique per test.
  env.AzureWebJobsStorage = process.env.TEST_STORAGE_CONNECTION_STRING;
  env.LEDGER_TABLE_NAME = `ledger${randomBytes(6).toString('hex')}`;
  if (!options.env?.GRAPH_BASE_URL) delete env.GRAPH_BASE_URL;
  const host = await startLocalHost({ port: 0, dataDir, timersPaused: true, log: (l) => logs.push(l), ...options, env });

  async function postHr(body: string, init: { contentType?: string; secret?: string; timestamp?: number; query?: string } = {}): Promise<Response> {
    return postHrEvents(host.url, body, { ...init, secret: init.secret ?? TEST_HR_SECRET });
  }

  async function waitFor(eventId: string, done: (status: Record<string, unknown>) => boolean, timeoutMs = 20_000, what = 'the awaited state') {
    const deadline = Date.now() + timeoutMs;
    let last: Record<string, unknown> = {};
    while (Date.now() < deadline) {
      const response = await fetch(`${host.url}/api/events/${encodeURIComponent(eventId)}`);
      if (response.status === 200) {
        last = (await response.json()) as Record<string, unknown>;
        if (done(last)) {
          // The ledger says dead-lettered just before the handler settles the message on the bus.
          if (last.status === 'dead-lettered') await host.bus.waitForIdle();
          return last;
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`event ${eventId} did not reach ${what} in ${timeoutMs} ms; last: ${JSON.stringify(last)}\n${logs.slice(-20).join('\n')}`);
  }

  function waitForStatus(eventId: string, statuses = ['succeeded', 'failed', 'dead-lettered', 'skipped'], timeoutMs = 20_000) {
    return waitFor(eventId, (status) => statuses.includes(String(status.status)), timeoutMs, statuses.join('/'));
  }

  return {
    ...host,
    logs,
    postHr,
    waitForStatus,
    waitFor,
    stop: async () => {
      await host.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
