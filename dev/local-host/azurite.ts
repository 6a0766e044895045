import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  connectionString: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts Azurite (Blob + Table, in memory) on free loopback ports and waits until it answers. */
export async function startAzurite(options: { inMemory?: boolean; location?: string } = {}): Promise<RunningAzurite> {
  const [blobPort, tablePort] = [await freePort(), await freePort()];
  const bin = path.join(__dirname, '..', '..', 'node_modules', 'azurite', 'dist', 'src', 'azurite.js');
  const args = [bin, '--silent', '--skipApiVersionCheck', '--loose', '--blobHost', '127.0.0.1', '--blobPort', String(blobPort),
    '--queuePort', String(await freePort()), '--tableHost', '127.0.0.1', '--tablePort', String(tablePort)];
  if (options.inMemory !== false) args.push('--inMemoryPersistence');
  else args.push('--location', options.location ?? path.join(process.cwd(), '.local', 'azurite'));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForPort(tablePort, child, () => stderr);
  await waitForPort(blobPort, child, () => stderr);
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
      `BlobEndpoint=http://127.0.0.1:${blobPort}/${ACCOUNT};TableEndpoint=http://127.0.0.1:${tablePort}/${ACCOUNT};`,
    stop: () => stopChild(child),
  };
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Azurite exited early (${child.exitCode}): ${stderr().slice(0, 500)}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`Azurite did not start on port ${port} within 20 s`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
