/* Dev-only: `npm run simulator` starts the Graph simulator on its own. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadSeed, startGraphSimulator } from './index';

async function main(): Promise<void> {
  const certFile = process.env.DEV_TLS_CERT_FILE;
  const keyFile = process.env.DEV_TLS_KEY_FILE;
  if (!certFile || !keyFile) {
    throw new Error('DEV_TLS_CERT_FILE and DEV_TLS_KEY_FILE are not set: start through `npm run simulator` (dev/run-with-dev-ca.js).');
  }
  const seedFile = process.env.GRAPH_SEED_FILE ?? path.join(__dirname, 'seed.sample.json');
  const simulator = await startGraphSimulator({
    port: Number(process.env.GRAPH_SIMULATOR_PORT ?? 7072),
    tls: { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') },
    seed: loadSeed(seedFile),
  });
  console.log(`Graph simulator listening on ${simulator.url}/v1.0 (seed: ${seedFile})`);
  console.log('Use GRAPH_BASE_URL=' + simulator.url + ' with GRAPH_CREDENTIAL=local. Ctrl+C stops.');
  const stop = () => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
