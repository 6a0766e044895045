import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signPayload } from '../../shared/security/hmac-signature';

const root = path.join(__dirname, '..', '..');
const secret = 'npm-start-test-secret-0123456789abcdefgh';

/**
 * What a user's clone holds: the repository's files (tracked, and new ones not ignored) in an
 * ordinary folder — a space in its name, and no `../shared` beside it — with this checkout's
 * installed dependencies linked in (`npm ci` would install the same).
 */
function freshClone(): { dir: string; remove: () => void } {
  const parent = mkdtempSync(path.join(tmpdir(), 'lifecycle-clone-'));
  const dir = path.join(parent, 'my projects', 'm365-lifecycle');
  mkdirSync(dir, { recursive: true });
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(path.join(root, file))) continue; // deleted in the working tree, not yet committed
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    cpSync(path.join(root, file), path.join(dir, file));
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/** `npm start` as a user runs it: a separate process, stopped with Ctrl+C. */
function startHostProcess(cwd: string, env: NodeJS.ProcessEnv): { child: ChildProcessWithoutNullStreams; output: () => string; url: Promise<string>; graphUrl: () => string } {
  const child = spawn(process.execPath, ['dev/run-with-dev-ca.js', 'node', '--import', 'tsx', 'dev/local-host/main.ts'], { cwd, env, detached: false });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /hr-events: \[POST\] (http:\/\/localhost:\d+)\/api\/hr\/events/.exec(output);
      if (match && output.includes('Press Ctrl+C')) resolve(match[1] as string);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`host exited (${code}) before it was ready:\n${output}`)));
  });
  const graphUrl = () => /Graph: (https:\/\/localhost:\d+) \(embedded simulator\)/.exec(output)?.[1] ?? '';
  return { child, output: () => output, url, graphUrl };
}

/** `npm run send-sample` in the clone, against the host's ports; resolves with its output and exit code. */
function sendSample(cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['dev/run-with-dev-ca.js', 'node', '--import', 'tsx', 'dev/send-sample.ts', 'NPMS01'], { cwd, env });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('npm start, from a fresh clone', () => {
  const clone = freshClone();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lifecycle-npm-start-'));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    clone.remove();
  });

  it('when a clone in an ordinary folder with no ../shared is started, then it provisions a signed joiner and `send-sample`, and stops cleanly on Ctrl+C', async () => {
    expect(existsSync(path.join(clone.dir, '..', 'shared'))).toBe(false);
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', GRAPH_SIMULATOR_PORT: '0', HR_WEBHOOK_SECRET: secret, LOCAL_QUEUE_DIR: path.join(dataDir, 'servicebus') };
    delete env.AzureWebJobsStorage;
    delete env.GRAPH_BASE_URL;
    delete env.NODE_EXTRA_CA_CERTS;
    const host = startHostProcess(clone.dir, env);
    try {
      const url = await host.url;
      expect(host.output()).toMatch(/process-event: serviceBusTrigger \(queue lifecycle-events, sessions\)/);
      expect(host.output()).toMatch(/Storage: embedded Azurite/);
      expect(host.graphUrl()).not.toBe('');

      const body = JSON.stringify({ type: 'joiner', occurredAt: '2026-11-22T09:00:00Z', employee: { employeeId: 'NPM001', givenName: 'Seán', surname: "O'Brien", country: 'IE' } });
      const ts = Math.floor(Date.now() / 1000);
      const response = await fetch(`${url}/api/hr/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature-timestamp': String(ts), 'x-signature': signPayload(secret, ts, body) },
        body,
      });
      expect(response.status).toBe(202);
      const { events } = (await response.json()) as { events: { statusUrl: string }[] };
      let status: { status?: string; steps?: { name: string; detail?: string }[] } = {};
      for (let i = 0; i < 100 && !['succeeded', 'dead-lettered'].includes(status.status ?? ''); i++) {
        await new Promise((r) => setTimeout(r, 200));
        status = (await (await fetch(events[0]!.statusUrl)).json()) as typeof status;
      }
      expect(status.status).toBe('succeeded');
      expect(status.steps?.find((s) => s.name === 'create-user')?.detail).toMatch(/sean\.obrien@contoso\.com/);

      const sample = await sendSample(clone.dir, { ...env, LOCAL_HOST_URL: url, GRAPH_BASE_URL: host.graphUrl() });
      expect(sample.output).toMatch(/"status": "succeeded"/);
      expect(sample.output).toMatch(/jose\.muller@contoso\.com/);
      expect(sample.code).toBe(0);
    } finally {
      const exit = new Promise<number | null>((resolve) => host.child.on('exit', (code) => resolve(code)));
      host.child.kill('SIGINT');
      expect(await exit).toBe(0);
    }
  }, 120_000);
});
