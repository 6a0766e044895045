import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalHost } from '../../dev/local-host/local-host';

const dataDir = mkdtempSync(path.join(tmpdir(), 'local-host-ports-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Something else already listening on a loopback port, as another app on a user's machine would. */
async function occupyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { port: (server.address() as { port: number }).port, server };
}

function env(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION_STRING, PORT: '0', GRAPH_SIMULATOR_PORT: '0', ...extra };
  delete base.GRAPH_BASE_URL;
  return base;
}

describe('local host ports', () => {
  it.each(['PORT', 'GRAPH_SIMULATOR_PORT'])('when the port %s names is taken, then startup fails saying which setting to change', async (setting) => {
    const taken = await occupyPort();
    try {
      await expect(startLocalHost({ dataDir, env: env({ [setting]: String(taken.port) }), log: () => undefined })).rejects.toThrow(
        `port ${taken.port} is in use: set ${setting} to another port`,
      );
    } finally {
      taken.server.close();
    }
  });

  it('when PORT is not a port number, then startup fails naming PORT', async () => {
    await expect(startLocalHost({ dataDir, env: env({ PORT: 'seventy' }), log: () => undefined })).rejects.toThrow(/PORT must be a port number/);
  });
});
