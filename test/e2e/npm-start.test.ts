import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signPayload } from '../../shared/security/hmac-signature';

const root = path.join(__dirname, '..', '..');
const secret = 'npm-start-test-secret-0123456789abcdefgh';

/** `npm start` as a user runs it: a separate process, stopped with Ctrl+C. */
function startHostProcess(env: NodeJS.ProcessEnv): { child: ChildProcessWithoutNullStreams; output: () => string; url: Promise<string> } {
  const child = spawn(process.execPath, ['dev/run-with-dev-ca.js', 'node', '--import', 'tsx', 'dev/local-host/main.ts'], { cwd: root, env, detached: false });
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
  return { child, output: () => output, url };
}

describe('npm start', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lifecycle-npm-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('when started, then it prints what it serves, provisions a signed joiner, and stops cleanly on Ctrl+C', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', GRAPH_SIMULATOR_PORT: '0', HR_WEBHOOK_SECRET: secret, LOCAL_QUEUE_DIR: dataDir };
    delete env.AzureWebJobsStorage;
    delete env.GRAPH_BASE_URL;
    const host = startHostProcess(env);
    try {
      const url = await host.url;
      expect(host.output()).toMatch(/process-event: serviceBusTrigger \(queue lifecycle-events, sessions\)/);
      expect(host.output()).toMatch(/Graph: https:\/\/localhost:\d+ \(embedded simulator\)/);
      expect(host.output()).toMatch(/Storage: embedded Azurite/);

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
      for (let i = 0; i < 100 && status.status !== 'succeeded'; i++) {
        await new Promise((r) => setTimeout(r, 200));
        status = (await (await fetch(events[0]!.statusUrl)).json()) as typeof status;
      }
      expect(status.status).toBe('succeeded');
      expect(status.steps?.find((s) => s.name === 'create-user')?.detail).toMatch(/sean\.obrien@contoso\.com/);
    } finally {
      const exit = new Promise<number | null>((resolve) => host.child.on('exit', (code) => resolve(code)));
      host.child.kill('SIGINT');
      expect(await exit).toBe(0);
    }
  }, 90_000);
});
