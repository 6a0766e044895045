import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalHost } from '../../dev/local-host/local-host';

const root = path.join(__dirname, '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'local-host-azurite-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let dirs = 0;
/** A user's environment for `npm start`: no AzureWebJobsStorage, so the host starts Azurite itself. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', GRAPH_SIMULATOR_PORT: '0', LOCAL_QUEUE_DIR: path.join(work, `run-${++dirs}`, 'servicebus'), ...extra };
  delete env.AzureWebJobsStorage;
  delete env.GRAPH_BASE_URL;
  delete env.LOCAL_STORAGE_DIR;
  return env;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => socket.destroy() && resolve(true));
    socket.once('error', () => resolve(false));
  });
}

/** Azurite may take a moment to close its servers after the host is gone. */
async function closedWithin(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await accepts(port))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** The host as its own process (what `npm start` runs after the launcher), with Azurite's Table port read from its log. */
function hostProcess(env: NodeJS.ProcessEnv): { child: ChildProcessWithoutNullStreams; azuritePort: Promise<number>; ready: Promise<void>; exit: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/local-host/main.ts'], { cwd: root, env });
  let output = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = <T>(find: (text: string) => T | undefined) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = find(output);
        if (found !== undefined) resolve(found);
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      void exit.then(() => reject(new Error(`host exited first:\n${output}`)));
    });
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const azuritePort = waitFor((text) => {
    const match = /Azurite: Table http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
    return match ? Number(match[1]) : undefined;
  });
  const ready = waitFor((text) => (text.includes('Press Ctrl+C') ? true : undefined)).then(() => undefined);
  azuritePort.catch(() => undefined);
  ready.catch(() => undefined);
  return { child, azuritePort, ready, exit, output: () => output };
}

describe('stopping the local host stops its Azurite', () => {
  it('when startLocalHost().stop() resolves, then Azurite no longer listens', async () => {
    const host = await startLocalHost({ port: 0, dataDir: userEnv().LOCAL_QUEUE_DIR!, env: userEnv(), log: () => undefined });
    const port = Number(new URL(host.azurite!.tableEndpoint).port);
    expect(await accepts(port)).toBe(true);
    await host.stop();
    expect(await accepts(port)).toBe(false);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGKILL'] as const)('when the host process gets %s, then its Azurite goes too', async (signal) => {
    const host = hostProcess(userEnv());
    await host.ready;
    const port = await host.azuritePort;
    expect(await accepts(port)).toBe(true);
    host.child.kill(signal);
    const code = await host.exit;
    if (signal !== 'SIGKILL') expect(code).toBe(0);
    expect(await closedWithin(port, 10_000)).toBe(true);
  }, 60_000);

  it('when startup fails after Azurite started (PORT is taken), then the host exits naming PORT and Azurite goes too', async () => {
    const taken: Server = createServer();
    await new Promise<void>((ok) => taken.listen(0, '127.0.0.1', ok));
    try {
      const host = hostProcess(userEnv({ PORT: String((taken.address() as { port: number }).port) }));
      const port = await host.azuritePort;
      expect(await host.exit).toBe(1);
      expect(host.output()).toMatch(/set PORT to another port/);
      expect(await closedWithin(port, 10_000)).toBe(true);
    } finally {
      taken.close();
    }
  }, 60_000);

  it('when Ctrl+C comes while the host is still starting, then it stops and Azurite goes too', async () => {
    const host = hostProcess(userEnv());
    const port = await host.azuritePort;
    host.child.kill('SIGINT');
    expect(await host.exit).toBe(0);
    expect(await closedWithin(port, 10_000)).toBe(true);
  }, 60_000);
});
