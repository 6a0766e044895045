import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  connectionString: string;
  blobEndpoint: string;
  tableEndpoint: string;
  /** Where Azurite keeps its data; undefined when it is in memory. */
  location?: string;
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

/**
 * Starts Azurite (Blob + Table) on free loopback ports and waits until it answers: in memory, or
 * keeping its data in `location`. It stops with stop(), and also by itself when this process
 * ends in any way (dev/local-host/exit-with-parent.cjs), so no Azurite is left behind holding ports.
 */
export async function startAzurite(options: { inMemory?: boolean; location?: string } = {}): Promise<RunningAzurite> {
  const [blobPort, tablePort] = [await freePort(), await freePort()];
  const bin = path.join(__dirname, '..', '..', 'node_modules', 'azurite', 'dist', 'src', 'azurite.js');
  const guard = path.join(__dirname, 'exit-with-parent.cjs');
  // Azurite sends usage telemetry unless told not to; a local dev tool should not phone home.
  const args = ['--require', guard, bin, '--silent', '--disableTelemetry', '--skipApiVersionCheck', '--loose', '--blobHost', '127.0.0.1', '--blobPort', String(blobPort),
    '--queuePort', String(await freePort()), '--tableHost', '127.0.0.1', '--tablePort', String(tablePort)];
  const location = options.inMemory !== false ? undefined : (options.location ?? path.join(process.cwd(), '.local', 'azurite'));
  if (location === undefined) args.push('--inMemoryPersistence');
  else args.push('--location', location);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForPort(tablePort, child, () => stderr);
    await waitForPort(blobPort, child, () => stderr);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  const blobEndpoint = `http://127.0.0.1:${blobPort}/${ACCOUNT}`;
  const tableEndpoint = `http://127.0.0.1:${tablePort}/${ACCOUNT}`;
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=${blobEndpoint};TableEndpoint=${tableEndpoint};`,
    blobEndpoint,
    tableEndpoint,
    ...(location !== undefined ? { location } : {}),
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

/** Closing the IPC channel makes Azurite shut down and save (exit-with-parent.cjs); SIGKILL if it hangs. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.disconnect();
    else child.kill('SIGTERM');
  });
}
