import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';

const root = path.join(__dirname, '..', '..');

/**
 * Run in the launched process: serves HTTPS with the dev certificate the launcher made, then
 * fetches that server and the caller's own (CALLER_URL), and prints what each answered.
 */
const probe = `
const { readFileSync } = require('node:fs');
const https = require('node:https');
const server = https.createServer({ cert: readFileSync(process.env.DEV_TLS_CERT_FILE), key: readFileSync(process.env.DEV_TLS_KEY_FILE) }, (q, s) => s.end('dev'));
server.listen(0, '127.0.0.1', async () => {
  const attempt = (url) => fetch(url).then((r) => r.text(), (e) => 'refused: ' + (e.cause?.code ?? e.message));
  const result = { dev: await attempt('https://localhost:' + server.address().port + '/'), caller: await attempt(process.env.CALLER_URL), bundle: process.env.NODE_EXTRA_CA_CERTS };
  console.log(JSON.stringify(result));
  server.close();
});`;

function launch(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['dev/run-with-dev-ca.js', 'node', '-e', probe], { cwd: root, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('dev/run-with-dev-ca.js', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dev-ca-'));
  const callerCaFile = path.join(dir, 'corporate-ca.pem');
  let callerServer: Server;
  let callerUrl = '';
  let callerCa = '';

  beforeAll(async () => {
    // A caller's own CA, say a corporate proxy in front of Graph or a second simulator.
    const pems = await generate([{ name: 'commonName', value: 'Corporate Proxy CA' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
      ],
    });
    callerCa = pems.cert;
    writeFileSync(callerCaFile, callerCa);
    callerServer = createServer({ cert: pems.cert, key: pems.private }, (_q, s) => s.end('caller'));
    await new Promise<void>((ok) => callerServer.listen(0, '127.0.0.1', ok));
    callerUrl = `https://localhost:${(callerServer.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise<void>((ok) => callerServer.close(() => ok()));
    rmSync(dir, { recursive: true, force: true });
  });

  const env = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...process.env, DEV_CERT_DIR: path.join(dir, 'dev-cert'), CALLER_URL: callerUrl, ...extra });

  it("when the caller sets NODE_EXTRA_CA_CERTS, then the launched process trusts the caller's CA and the dev certificate both", async () => {
    const run = await launch(env({ NODE_EXTRA_CA_CERTS: callerCaFile }));
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { dev: string; caller: string; bundle: string };
    expect(result).toMatchObject({ dev: 'dev', caller: 'caller' });
    expect(path.dirname(result.bundle)).toBe(path.join(dir, 'dev-cert'));
    expect(readFileSync(callerCaFile, 'utf8')).toBe(callerCa); // the caller's own file is left as it was
  });

  it('when the launcher runs inside itself (npm test starting npm start), then the bundle it is given is reused, not grown', async () => {
    const outer = JSON.parse((await launch(env({ NODE_EXTRA_CA_CERTS: callerCaFile }))).stdout) as { bundle: string };
    const inner = JSON.parse((await launch(env({ NODE_EXTRA_CA_CERTS: outer.bundle }))).stdout) as { bundle: string; caller: string };
    expect(inner.bundle).toBe(outer.bundle);
    expect(inner.caller).toBe('caller');
    expect(readFileSync(inner.bundle, 'utf8').match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it('when the caller names a CA file that cannot be read, then it says so and the dev certificate is still trusted', async () => {
    const run = await launch(env({ NODE_EXTRA_CA_CERTS: path.join(dir, 'missing.pem') }));
    expect(run.stderr).toMatch(/NODE_EXTRA_CA_CERTS .*missing\.pem.* cannot be read/);
    expect(JSON.parse(run.stdout)).toMatchObject({ dev: 'dev', caller: expect.stringMatching(/^refused/) });
  });
});
