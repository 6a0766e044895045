import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postHrEvents } from '../hr-client';
import { loadSeed, startGraphSimulator, type RunningGraphSimulator } from '../graph-simulator';
import { freePort, startAzurite } from '../local-host/azurite';
import { compareTenant, type TenantComparison } from './compare';
import { buildWorkload, SOAK_RULES, type SoakEvent } from './workload';

export interface SoakOptions {
  workers: number;
  /** Host kills (SIGKILL) spread over posting and draining. */
  kills: number;
  /** Share of Graph requests failing with a random 429/503/504. */
  transientRate: number;
  replicationDelayMs: number;
  latencyMs: [number, number];
  drainTimeoutMs: number;
  log?: (line: string) => void;
}

export interface SoakReport extends TenantComparison {
  events: number;
  statuses: Record<string, number>;
  /** Why events ended skipped: SupersededByLeaver is the only reason a soak allows. */
  skipped: Record<string, number>;
  deadLettered: Record<string, number>;
  kills: number;
  graphRequests: number;
  seconds: number;
}

const SECRET = 'soak-hr-webhook-secret-0123456789abcdef';
const repoRoot = path.join(__dirname, '..', '..');
const TERMINAL = new Set(['succeeded', 'skipped', 'dead-lettered', 'failed']);

/**
 * Runs a workload through the real local host as a child process that is killed and restarted,
 * against a simulator and Azurite that outlive it, then compares the tenant with what the input
 * alone says it must be. Needs the dev CA (run under dev/run-with-dev-ca.js).
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const workDir = mkdtempSync(path.join(tmpdir(), 'lifecycle-soak-'));
  const workload = buildWorkload(options.workers);
  const seed = loadSeed(path.join(repoRoot, 'dev', 'graph-simulator', 'seed.sample.json'));
  for (const sku of seed.subscribedSkus ?? []) if (sku.skuPartNumber === 'SPE_E3') sku.enabled = options.workers + 100;
  const simulator = await startGraphSimulator({
    port: 0,
    tls: { cert: readFileSync(requireEnv('DEV_TLS_CERT_FILE'), 'utf8'), key: readFileSync(requireEnv('DEV_TLS_KEY_FILE'), 'utf8') },
    seed,
  });
  const azurite = await startAzurite();
  writeFileSync(path.join(workDir, 'rules.json'), JSON.stringify(SOAK_RULES));
  const port = await freePort();
  const hostLog = createWriteStream(path.join(workDir, 'host.log'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    GRAPH_BASE_URL: simulator.url,
    GRAPH_CREDENTIAL: 'local',
    AzureWebJobsStorage: azurite.connectionString,
    LOCAL_QUEUE_DIR: path.join(workDir, 'queue'),
    HR_WEBHOOK_SECRET: SECRET,
    RULES_FILE: path.join(workDir, 'rules.json'),
    LEDGER_TABLE_NAME: 'soakLedger',
  };
  const url = `http://127.0.0.1:${port}`;
  let host: ChildProcess | undefined;
  const startHost = async () => {
    host = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'dev', 'local-host', 'main.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    host.stdout?.pipe(hostLog, { end: false });
    host.stderr?.pipe(hostLog, { end: false });
    await waitUntilServing(url);
  };
  let kills = 0;
  const kill = async () => {
    if (!host || host.exitCode !== null) return;
    const exited = new Promise((r) => host?.once('exit', r));
    host.kill('SIGKILL');
    await exited;
    kills++;
    log(`[soak] host killed (${kills}/${options.kills}); restarting`);
    await startHost();
  };

  try {
    await startHost();
    // Faults from the start: throttling, 5xx, latency and replication delay.
    simulator.setChaos({ transientRate: options.transientRate, latencyMs: options.latencyMs, seed: 11 });
    simulator.setReplicationDelay(options.replicationDelayMs);
    const all = workload.phases.flat();
    const killAt = new Set(Array.from({ length: options.kills }, (_, k) => Math.floor(((k + 1) * all.length) / (options.kills + 1))));
    let posted = 0;
    for (const phase of workload.phases) {
      for (let i = 0; i < phase.length; i += 25) {
        const batch = phase.slice(i, i + 25);
        await postUntilAccepted(url, batch);
        posted += batch.length;
        for (const k of [...killAt]) {
          if (posted >= k) {
            killAt.delete(k);
            await kill();
          }
        }
      }
      log(`[soak] posted ${posted}/${all.length} events`);
    }
    while (kills < options.kills) await kill();
    const statuses = await drain(url, all, options.drainTimeoutMs, log);
    const comparison = compareTenant(workload.expected, simulator);
    return {
      events: all.length,
      statuses: countBy([...statuses.values()].map((s) => s.status)),
      deadLettered: countBy([...statuses.values()].filter((s) => s.status === 'dead-lettered').map((s) => s.reason ?? 'unknown')),
      skipped: countBy([...statuses.values()].filter((s) => s.status === 'skipped').map((s) => s.reason ?? 'unknown')),
      kills,
      graphRequests: simulator.stats().requests,
      seconds: Math.round((Date.now() - started) / 1000),
      ...comparison,
      lost: comparison.lost + [...statuses.values()].filter((s) => !TERMINAL.has(s.status)).length,
    };
  } finally {
    host?.kill('SIGKILL');
    await simulator.close();
    await azurite.stop();
    hostLog.end();
    if (!process.env.SOAK_KEEP) rmSync(workDir, { recursive: true, force: true });
    else log(`[soak] kept ${workDir}`);
  }
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through dev/run-with-dev-ca.js (npm run soak)`);
  return value;
}

async function waitUntilServing(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const probe = await fetch(`${url}/api/events/probe`, { signal: AbortSignal.timeout(5000) });
      if (probe.status === 404) return;
      if (process.env.SOAK_DEBUG) console.log(`[soak] probe ${probe.status} ${await probe.text()}`);
    } catch (error) {
      // not listening yet
      if (process.env.SOAK_DEBUG) console.log(`[soak] probe failed: ${String((error as { cause?: unknown }).cause ?? error)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the local host did not start within 60 s');
}

/** An HR system's behaviour: re-post until accepted. The explicit eventIds make re-posts harmless. */
async function postUntilAccepted(url: string, batch: SoakEvent[]): Promise<void> {
  const body = JSON.stringify(batch);
  for (let attempt = 0; attempt < 600; attempt++) {
    try {
      const response = await postHrEvents(url, body, { secret: SECRET });
      if (response.status === 202) return;
      if (response.status === 400) throw new Error(`soak batch rejected: ${await response.text()}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('soak batch rejected')) throw error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('a batch was never accepted');
}

async function drain(url: string, events: SoakEvent[], timeoutMs: number, log: (l: string) => void): Promise<Map<string, { status: string; reason?: string }>> {
  const statuses = new Map<string, { status: string; reason?: string }>();
  const deadline = Date.now() + timeoutMs;
  let pending = events.map((e) => e.eventId);
  while (pending.length > 0 && Date.now() < deadline) {
    const next: string[] = [];
    for (const eventId of pending) {
      const response = await fetch(`${url}/api/events/${eventId}`).catch(() => undefined);
      const record = response?.status === 200 ? ((await response.json()) as { status: string; error?: { code?: string } }) : undefined;
      statuses.set(eventId, { status: record?.status ?? 'unknown', ...(record?.error?.code ? { reason: record.error.code } : {}) });
      if (!record || !TERMINAL.has(record.status)) next.push(eventId);
    }
    if (next.length > 0) {
      log(`[soak] waiting for ${next.length} event(s)`);
      await new Promise((r) => setTimeout(r, 2000));
    }
    pending = next;
  }
  return statuses;
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

export type { RunningGraphSimulator };
