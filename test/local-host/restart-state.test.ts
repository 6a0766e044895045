import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postHrEvents } from '../../dev/hr-client';
import { startLocalHost, type RunningLocalHost } from '../../dev/local-host/local-host';
import { TEST_HR_SECRET } from '../support/test-host';

const root = mkdtempSync(path.join(tmpdir(), 'local-host-restart-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `npm start` as a user runs it: no AzureWebJobsStorage, so the host starts its own Azurite. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GRAPH_SIMULATOR_PORT: '0', HR_WEBHOOK_SECRET: TEST_HR_SECRET };
  delete env.AzureWebJobsStorage;
  delete env.GRAPH_BASE_URL;
  delete env.LOCAL_STORAGE_DIR;
  return env;
}

async function status(host: RunningLocalHost, eventId: string): Promise<{ code: number; body?: { status?: string; steps?: { name: string }[] } }> {
  const response = await fetch(`${host.url}/api/events/${encodeURIComponent(eventId)}`);
  return { code: response.status, ...(response.status === 200 ? { body: (await response.json()) as { status?: string; steps?: { name: string }[] } } : {}) };
}

describe('local state across a restart', () => {
  it('when the host restarts on the same data folder, then an event scheduled for later keeps both its ledger row and its scheduled message', async () => {
    const dataDir = path.join(root, 'servicebus');
    const logs: string[] = [];
    const start = () => startLocalHost({ port: 0, dataDir, env: userEnv(), timersPaused: true, log: (l) => logs.push(l) });

    const first = await start();
    let eventId = '';
    let before: Awaited<ReturnType<typeof status>> = { code: 0 };
    try {
      const leaver = { type: 'leaver', occurredAt: new Date().toISOString(), effectiveAt: new Date(Date.now() + 7 * 24 * 3600_000).toISOString(), employee: { employeeId: 'E0902' } };
      const accepted = await postHrEvents(first.url, JSON.stringify(leaver), { secret: TEST_HR_SECRET });
      expect(accepted.status).toBe(202);
      eventId = ((await accepted.json()) as { events: { eventId: string }[] }).events[0]!.eventId;
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && first.bus.counts(first.settings.PROCESSING_QUEUE_NAME).scheduled < 1) await new Promise((r) => setTimeout(r, 50));
      before = await status(first, eventId);
      expect(before.body?.steps?.map((s) => s.name)).toContain('wait-until-effective');
      expect(first.bus.counts(first.settings.PROCESSING_QUEUE_NAME).scheduled).toBe(1);
    } finally {
      await first.stop();
    }

    const second = await start();
    try {
      expect(await status(second, eventId)).toEqual(before);
      expect(second.bus.counts(second.settings.PROCESSING_QUEUE_NAME).scheduled).toBe(1);
      // Azurite's data is kept beside the queue journal, and the banner says where both are.
      expect(existsSync(path.join(root, 'azurite'))).toBe(true);
      expect(logs.join('\n')).toContain(`data kept in ${path.join(root, 'azurite')}`);
      expect(logs.join('\n')).toContain(`journal kept in ${dataDir}`);
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('when a second host starts on a data folder another host is using, then it refuses, naming the folder, and the first keeps running', async () => {
    const dataDir = path.join(root, 'shared', 'servicebus');
    const first = spawn(process.execPath, ['--import', 'tsx', 'dev/local-host/main.ts'], { cwd: path.join(__dirname, '..', '..'), env: { ...userEnv(), PORT: '0', LOCAL_QUEUE_DIR: dataDir } });
    let output = '';
    const exited = new Promise<number | null>((resolve) => first.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      const onData = (c: Buffer) => ((output += c.toString()), output.includes('Press Ctrl+C') && resolve());
      first.stdout.on('data', onData);
      first.stderr.on('data', onData);
      void exited.then(() => reject(new Error(`first host exited:\n${output}`)));
    });
    try {
      const second = await startLocalHost({ port: 0, dataDir, env: userEnv(), log: () => undefined }).then(
        (host) => host.stop().then(() => 'it started'),
        (error: Error) => error.message,
      );
      expect(second).toContain(`another local host (process ${first.pid}) is using ${dataDir}`);
      expect(first.exitCode).toBeNull();
    } finally {
      first.kill('SIGINT');
      expect(await exited).toBe(0);
    }
    // Once it has stopped, the folder is free again.
    const next = await startLocalHost({ port: 0, dataDir, env: userEnv(), log: () => undefined });
    await next.stop();
  }, 60_000);
});
