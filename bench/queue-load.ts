// The joiner load of `npm run bench:scale` and `bench:throttled`: HR intake (the local host with its
// HTTP functions only) → one LocalServiceBus queue → N simulated Function App instances
// (bench/instances.ts, each with its own services, governors and caches) → a counting meter
// (bench/graph-meter.ts) → the Graph simulator with one tenant at Microsoft's write rate. Each run
// gets fresh instances, fresh throttling windows and its own joiners; the simulator, Azurite and
// the intake stay up between runs, so runs compared in one table share one machine state.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { loadSeed, startGraphSimulator, type ChaosOptions, type RunningGraphSimulator } from '../dev/graph-simulator';
import { startAzurite, type RunningAzurite } from '../dev/local-host/azurite';
import { startLocalHost, type RunningLocalHost } from '../dev/local-host/local-host';
import { postHrEvents } from '../dev/hr-client';
import { functionDeclarations } from '../functions/declarations';
import { noTelemetry } from '../shared/telemetry/telemetry';
import { startGraphMeter, type GraphMeter } from './graph-meter';
import { startInstances } from './instances';
import { progress, sleep } from './support';
import { BENCH_RULES, joinerFeed, seedWith } from './workload';

export const SECRET = 'bench-hr-webhook-secret-0123456789abcdef';
const POST_BATCH = 100;
const LATENCY_MS: [number, number] = [80, 200];
const FINAL = new Set(['succeeded', 'scheduled', 'skipped', 'dead-letter']);
const repoRoot = path.join(__dirname, '..');

/**
 * Graph's budget for one app in one tenant, 3,000 writes / 150 s and 8,000 RU / 10 s, with the
 * write window scaled down by `timeScale` (BENCH_WINDOW_S): the same 20 writes/s, a window (and so
 * the burst a window holds and a Retry-After after it is spent) `timeScale` times shorter.
 */
export function tenantBudget(windowSeconds: number) {
  return { resourceUnitsPer10s: 8000, writesPer150s: Math.round(20 * windowSeconds), writeWindowMs: windowSeconds * 1000 };
}
export const WRITES_PER_SECOND = 20;

export interface LoadBench {
  simulator: RunningGraphSimulator;
  meter: GraphMeter;
  azurite: RunningAzurite;
  host: RunningLocalHost;
  /** The app settings every instance reads. */
  env: NodeJS.ProcessEnv;
  windowSeconds: number;
  close(): Promise<void>;
}

export async function startLoadBench(options: { windowSeconds: number; joinersInAll: number }): Promise<LoadBench> {
  const certFile = process.env.DEV_TLS_CERT_FILE;
  const keyFile = process.env.DEV_TLS_KEY_FILE;
  if (!certFile || !keyFile) throw new Error('run through npm (dev/run-with-dev-ca.js provides the simulator certificate)');
  const tls = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  const work = mkdtempSync(path.join(tmpdir(), 'bench-load-'));
  writeFileSync(path.join(work, 'rules.json'), JSON.stringify(BENCH_RULES));
  const seed = seedWith(loadSeed(path.join(repoRoot, 'dev', 'graph-simulator', 'seed.sample.json')), [], options.joinersInAll + 100);
  const simulator = await startGraphSimulator({ port: 0, tls, seed });
  const meter = await startGraphMeter({ upstreamPort: Number(new URL(simulator.url).port), tls });
  const azurite = await startAzurite();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AzureWebJobsStorage: azurite.connectionString,
    GRAPH_BASE_URL: meter.url,
    GRAPH_CREDENTIAL: 'local',
    HR_WEBHOOK_SECRET: SECRET,
    RULES_FILE: path.join(work, 'rules.json'),
  };
  // The intake only: the simulated instances are the processing queue's receivers.
  const host = await startLocalHost({
    port: 0,
    dataDir: path.join(work, 'queue'),
    timersPaused: true,
    log: () => undefined,
    declarations: functionDeclarations.filter((d) => d.kind !== 'serviceBusQueue'),
    env,
  });
  simulator.setChaos({ latencyMs: LATENCY_MS, seed: 3 });
  return {
    simulator,
    meter,
    azurite,
    host,
    env,
    windowSeconds: options.windowSeconds,
    close: async () => {
      await host.stop();
      await meter.close();
      await simulator.close();
      await azurite.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export interface LoadRun {
  label: string;
  instances: number;
  /** App settings this run's instances get over the bench's. */
  settings?: Record<string, string>;
  joiners: number;
  prefix: string;
  /** Random failures the simulator adds in this run (besides its latency). */
  chaos?: Omit<ChaosOptions, 'latencyMs' | 'seed'>;
  timeoutMs: number;
}

export interface LoadResult {
  label: string;
  instances: number;
  joiners: number;
  settled: number;
  seconds: number;
  joinersPerSecond: number;
  requests: number;
  writes: number;
  throttled: number;
  /** 429s the simulator's chaos made up (no budget spent), counted apart from the budget's. */
  requestsAfterFirstWindow: number;
  throttledAfterFirstWindow: number;
  requestsPerJoiner: number;
  writesPerJoiner: number;
  /** 20 writes/s ÷ writes per joiner. */
  ceiling: number;
  percentOfCeiling: number;
  managerLinks: { ok: number; of: number };
  /** Joiners settled by each instance. */
  byInstance: number[];
  retries: number;
  load: { before: number[]; after: number[] };
  outcomes: Record<string, number>;
}

/** No Graph request in flight and none for two seconds (at most a minute). */
async function quiesce(meter: GraphMeter): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (meter.inFlight() > 0 || Date.now() - meter.lastActivity() < 2000)) await sleep(200);
}

export async function runLoad(bench: LoadBench, run: LoadRun): Promise<LoadResult> {
  const { simulator, meter, host } = bench;
  await quiesce(meter);
  simulator.setThrottling(tenantBudget(bench.windowSeconds)); // fresh windows
  simulator.setChaos({ latencyMs: LATENCY_MS, seed: 3, ...(run.chaos ?? {}) });
  meter.reset();
  const settled = new Map<string, { at: number; outcome: string; instance: number }>();
  let retries = 0;
  const instances = startInstances(run.instances, {
    bus: host.bus,
    env: { ...bench.env, ...(run.settings ?? {}) },
    telemetry: (instance) => ({
      ...noTelemetry,
      trackEvent: (name, properties) => {
        if (name !== 'LifecycleEventSettled') return;
        const id = String(properties.eventId);
        const outcome = String(properties.outcome);
        if (outcome === 'retry') retries++;
        if (FINAL.has(outcome) && !settled.has(id)) settled.set(id, { at: Date.now(), outcome, instance });
      },
    }),
  });
  const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
  const { feed, expectedManager } = joinerFeed(run.joiners, run.prefix);
  progress(`${run.label}: ${run.instances} instance(s), posting ${feed.length} joiners`);
  const startedAt = Date.now();
  const ids: string[] = [];
  try {
    for (let i = 0; i < feed.length; i += POST_BATCH) {
      const batch = feed.slice(i, i + POST_BATCH);
      const response = await postHrEvents(host.url, JSON.stringify(batch), { secret: SECRET });
      if (response.status !== 202) throw new Error(`intake answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      ids.push(...((await response.json()) as { events: Array<{ eventId: string }> }).events.map((e) => e.eventId));
    }
    let lastReport = Date.now();
    while (ids.some((id) => !settled.has(id)) && Date.now() - startedAt < run.timeoutMs) {
      await sleep(250);
      if (Date.now() - lastReport >= 30_000) {
        lastReport = Date.now();
        progress(`${run.label}: ${ids.filter((id) => settled.has(id)).length}/${ids.length} after ${Math.round((Date.now() - startedAt) / 1000)} s, ${meter.current().requests.filter((r) => r.status === 429).length} 429s so far`);
      }
    }
  } finally {
    await Promise.all(instances.map((i) => i.close()));
  }
  const tally = meter.reset();
  simulator.setChaos({ latencyMs: LATENCY_MS, seed: 3 });
  const done = ids.filter((id) => settled.has(id));
  const endedAt = done.length < ids.length ? Date.now() : Math.max(startedAt, ...done.map((id) => settled.get(id)?.at ?? 0));
  const seconds = Math.max(0.001, (endedAt - startedAt) / 1000);
  const requests = tally.requests;
  const writes = requests.filter((r) => r.method !== 'GET' && r.status !== 429).length;
  const after = requests.filter((r) => r.at > startedAt + bench.windowSeconds * 1000);
  const byEmployeeId = new Map([...simulator.state.users.values()].filter((u) => u.employeeId).map((u) => [u.employeeId as string, u]));
  const linked = [...expectedManager].filter(([report, manager]) => {
    const managerId = byEmployeeId.get(manager)?.id;
    return managerId !== undefined && byEmployeeId.get(report)?.managerId === managerId;
  }).length;
  const writesPerJoiner = writes / run.joiners;
  const ceiling = WRITES_PER_SECOND / writesPerJoiner;
  const joinersPerSecond = done.length / seconds;
  const outcomes: Record<string, number> = {};
  for (const id of done) outcomes[settled.get(id)!.outcome] = (outcomes[settled.get(id)!.outcome] ?? 0) + 1;
  const result: LoadResult = {
    label: run.label,
    instances: run.instances,
    joiners: run.joiners,
    settled: done.length,
    seconds,
    joinersPerSecond,
    requests: requests.length,
    writes,
    throttled: requests.filter((r) => r.status === 429).length,
    requestsAfterFirstWindow: after.length,
    throttledAfterFirstWindow: after.filter((r) => r.status === 429).length,
    requestsPerJoiner: requests.length / run.joiners,
    writesPerJoiner,
    ceiling,
    percentOfCeiling: (joinersPerSecond / ceiling) * 100,
    managerLinks: { ok: linked, of: expectedManager.size },
    byInstance: Array.from({ length: run.instances }, (_, i) => done.filter((id) => settled.get(id)?.instance === i).length),
    retries,
    load: { before: loadBefore, after: loadavg().map((l) => Number(l.toFixed(2))) },
    outcomes,
  };
  progress(`${run.label}: ${done.length}/${ids.length} in ${seconds.toFixed(0)} s, ${joinersPerSecond.toFixed(2)}/s = ${result.percentOfCeiling.toFixed(0)} % of ${ceiling.toFixed(2)}, ${result.throttled} 429s (${result.throttledAfterFirstWindow} after the first window), ${result.requestsPerJoiner.toFixed(2)} requests/joiner`);
  return result;
}
