/* Dev-only: `npm run simulator` starts the Graph simulator on its own. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateUsers, loadSeed, startGraphSimulator, type ChaosOptions, type ThrottlingOptions } from './index';

/** Fault knobs from the environment (see README.md); a malformed value stops the start. */
function knobs(env: NodeJS.ProcessEnv): { chaos?: ChaosOptions; throttling?: ThrottlingOptions; replicationDelayMs?: number; signInActivityAvailable?: boolean } {
  const number = (name: string, value: string): number => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`${name}=${value}: expected a non-negative number`);
    return n;
  };
  const out: ReturnType<typeof knobs> = {};
  const chaos: ChaosOptions = {};
  if (env.GRAPH_SIM_CHAOS_RATE) chaos.transientRate = number('GRAPH_SIM_CHAOS_RATE', env.GRAPH_SIM_CHAOS_RATE);
  if (env.GRAPH_SIM_LATENCY_MS) {
    const [min = 0, max = min] = env.GRAPH_SIM_LATENCY_MS.split('-').map((v) => number('GRAPH_SIM_LATENCY_MS', v));
    chaos.latencyMs = [min, max];
  }
  if (env.GRAPH_SIM_CHAOS_SEED) chaos.seed = number('GRAPH_SIM_CHAOS_SEED', env.GRAPH_SIM_CHAOS_SEED);
  if (Object.keys(chaos).length > 0) out.chaos = chaos;
  if (env.GRAPH_SIM_REPLICATION_DELAY_MS) out.replicationDelayMs = number('GRAPH_SIM_REPLICATION_DELAY_MS', env.GRAPH_SIM_REPLICATION_DELAY_MS);
  if (env.GRAPH_SIM_SIGNIN_ACTIVITY) {
    if (!['available', 'unavailable'].includes(env.GRAPH_SIM_SIGNIN_ACTIVITY)) throw new Error(`GRAPH_SIM_SIGNIN_ACTIVITY=${env.GRAPH_SIM_SIGNIN_ACTIVITY}: expected available or unavailable`);
    out.signInActivityAvailable = env.GRAPH_SIM_SIGNIN_ACTIVITY === 'available';
  }
  if (env.GRAPH_SIM_THROTTLE) {
    const [units, writes] = env.GRAPH_SIM_THROTTLE.split(',');
    out.throttling = {
      ...(units?.trim() ? { resourceUnitsPer10s: number('GRAPH_SIM_THROTTLE', units) } : {}),
      ...(writes?.trim() ? { writesPer150s: number('GRAPH_SIM_THROTTLE', writes) } : {}),
    };
  }
  return out;
}

async function main(): Promise<void> {
  const certFile = process.env.DEV_TLS_CERT_FILE;
  const keyFile = process.env.DEV_TLS_KEY_FILE;
  if (!certFile || !keyFile) {
    throw new Error('DEV_TLS_CERT_FILE and DEV_TLS_KEY_FILE are not set: start through `npm run simulator` (dev/run-with-dev-ca.js).');
  }
  const seedFile = process.env.GRAPH_SEED_FILE ?? path.join(__dirname, 'seed.sample.json');
  // GRAPH_SIM_GENERATE_USERS=100000: the seed plus that many generated workers (generate.ts).
  const generated = process.env.GRAPH_SIM_GENERATE_USERS ? Number(process.env.GRAPH_SIM_GENERATE_USERS) : 0;
  if (!Number.isInteger(generated) || generated < 0) throw new Error(`GRAPH_SIM_GENERATE_USERS=${process.env.GRAPH_SIM_GENERATE_USERS}: expected a whole number`);
  const simulator = await startGraphSimulator({
    port: Number(process.env.GRAPH_SIMULATOR_PORT ?? 7072),
    tls: { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') },
    seed: generated > 0 ? generateUsers(generated, { base: loadSeed(seedFile) }) : loadSeed(seedFile),
    ...knobs(process.env),
  });
  console.log(`Graph simulator listening on ${simulator.url}/v1.0 (seed: ${seedFile}${generated > 0 ? ` + ${generated} generated users` : ''})`);
  const active = knobs(process.env);
  if (Object.keys(active).length > 0) console.log(`Fault knobs: ${JSON.stringify(active)}`);
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
