// `npm run bench:intake` — does HR intake still answer while the same host is saturated with processing?
//
// The local host runs as its own process (as a Function App instance would: HTTP and queue triggers
// in one worker), against Azurite and the Graph simulator at Microsoft's identity budget with
// 80–200 ms latency (BENCH_INTAKE_GRAPH=budget), or with neither (`fast`, the default: processing is
// then bound by this machine's CPU, the case where intake could starve). For each processing bound
// (BENCH_INTAKE_BOUNDS, default "64,16": the events one host processes at once, host.json's
// maxConcurrentSessions, set through the app setting that overrides it), side by side in one run:
//   1. a backlog of BENCH_INTAKE_BACKLOG (3,000) joiners is posted, 500 a request;
//   2. while it drains, a probe posts one new joiner every BENCH_INTAKE_PROBE_MS (200) for
//      BENCH_INTAKE_PROBE_S (60) seconds and times each answer (a post without an answer in 30 s
//      counts as unanswered);
//      BENCH_INTAKE_POSTERS (4) other HR systems post 100-record requests back to back meanwhile;
//   3. the events the host settled during the probe window give its processing rate.
// BENCH_JSON=path also writes the results as JSON.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSeed, startGraphSimulator } from '../dev/graph-simulator';
import { freePort, startAzurite } from '../dev/local-host/azurite';
import { postHrEvents } from '../dev/hr-client';
import { envCount, fixed, percentile, progress, renderTable, sleep } from './support';
import { BENCH_RULES, joinerFeed, seedWith } from './workload';

const BACKLOG = envCount('BENCH_INTAKE_BACKLOG', 3000);
const PROBE_MS = envCount('BENCH_INTAKE_PROBE_MS', 200);
const PROBE_S = envCount('BENCH_INTAKE_PROBE_S', 60);
const BOUNDS = (process.env.BENCH_INTAKE_BOUNDS ?? '64,16').split(',').map((b) => Number(b.trim()));
/** Other HR systems posting 100-record requests back to back during the probe window. */
const POSTERS = envCount('BENCH_INTAKE_POSTERS', 4);
/** `fast`: no Graph budget or latency, so processing is bound by this machine's CPU; `budget`: Microsoft's identity budget and 80–200 ms latency. */
const GRAPH = process.env.BENCH_INTAKE_GRAPH === 'budget' ? 'budget' : 'fast';
const SECRET = 'bench-intake-secret-0123456789abcdefghij';
const NO_ANSWER_MS = 30_000;
const repoRoot = path.join(__dirname, '..');

interface ProbeResult {
  bound: number;
  probes: number;
  answered: number;
  unanswered: number;
  over5s: number;
  latencyMs: { p50?: number; p95?: number; p99?: number; max?: number };
  settledDuringProbe: number;
  eventsPerSecond: number;
  /** 100-record posts the other posters got accepted in the window. */
  bulkPosts: number;
}

function startHost(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/local-host/main.ts'], { cwd: repoRoot, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl+C')) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`host exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
  });
}

async function stopHost(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
}

/** Events of this host settled so far, by the ledger's status route (admin route; no key locally). */
async function settledCount(url: string, ids: readonly string[]): Promise<number> {
  let settled = 0;
  for (let i = 0; i < ids.length; i += 50) {
    const statuses = await Promise.all(ids.slice(i, i + 50).map(async (id) => ((await (await fetch(`${url}/api/events/${encodeURIComponent(id)}`)).json()) as { status?: string }).status));
    settled += statuses.filter((s) => s === 'succeeded' || s === 'dead-lettered' || s === 'skipped').length;
  }
  return settled;
}

async function scenario(bound: number, base: NodeJS.ProcessEnv): Promise<ProbeResult> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const host = await startHost({ ...base, AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentSessions: String(bound), LOCAL_QUEUE_DIR: mkdtempSync(path.join(tmpdir(), 'bench-intake-q-')) }, port);
  try {
    const prefix = `BI${bound}X`;
    const { feed } = joinerFeed(BACKLOG, prefix);
    progress(`bound ${bound}: posting a backlog of ${feed.length}`);
    const backlogIds: string[] = [];
    for (let i = 0; i < feed.length; i += 500) {
      const response = await postHrEvents(url, JSON.stringify(feed.slice(i, i + 500)), { secret: SECRET });
      if (response.status !== 202) throw new Error(`backlog post answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      backlogIds.push(...((await response.json()) as { events: { eventId: string }[] }).events.map((e) => e.eventId));
    }
    await sleep(5_000); // processing is now saturated
    const before = await settledCount(url, backlogIds);
    const latencies: number[] = [];
    let unanswered = 0;
    const probes: Promise<void>[] = [];
    const startedAt = Date.now();
    let bulkPosts = 0;
    const posters = Array.from({ length: POSTERS }, async (_, p) => {
      for (let round = 0; Date.now() - startedAt < PROBE_S * 1000; round++) {
        const { feed: more } = joinerFeed(100, `${prefix}B${p}R${round}X`);
        const response = await postHrEvents(url, JSON.stringify(more), { secret: SECRET });
        await response.text();
        if (response.status === 202) bulkPosts++;
      }
    });
    for (let n = 0; Date.now() - startedAt < PROBE_S * 1000; n++) {
      const body = JSON.stringify({ type: 'joiner', occurredAt: new Date().toISOString(), employee: { employeeId: `${prefix}P${n}`, givenName: 'Probe', surname: `P${n}`, department: 'Sales', country: 'GB' } });
      const sent = Date.now();
      probes.push(
        Promise.race([postHrEvents(url, body, { secret: SECRET }).then(async (r) => { await r.text(); return r.status; }), sleep(NO_ANSWER_MS).then(() => 0)]).then((status) => {
          if (status === 202) latencies.push(Date.now() - sent);
          else unanswered++;
        }),
      );
      await sleep(PROBE_MS);
    }
    await Promise.all([...probes, ...posters]);
    const seconds = (Date.now() - startedAt) / 1000;
    const settledDuringProbe = (await settledCount(url, backlogIds)) - before;
    return {
      bound,
      probes: probes.length,
      answered: latencies.length,
      unanswered,
      over5s: latencies.filter((l) => l > 5_000).length,
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: Math.max(...latencies) },
      settledDuringProbe,
      eventsPerSecond: settledDuringProbe / seconds,
      bulkPosts,
    };
  } finally {
    await stopHost(host);
  }
}

async function main(): Promise<void> {
  const certFile = process.env.DEV_TLS_CERT_FILE;
  const keyFile = process.env.DEV_TLS_KEY_FILE;
  if (!certFile || !keyFile) throw new Error('run through `npm run bench:intake` (dev/run-with-dev-ca.js provides the simulator certificate)');
  const work = mkdtempSync(path.join(tmpdir(), 'bench-intake-'));
  writeFileSync(path.join(work, 'rules.json'), JSON.stringify(BENCH_RULES));
  const seed = seedWith(loadSeed(path.join(repoRoot, 'dev', 'graph-simulator', 'seed.sample.json')), [], (BACKLOG + 1000) * BOUNDS.length);
  const simulator = await startGraphSimulator({ port: 0, tls: { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }, seed });
  if (GRAPH === 'budget') {
    simulator.setChaos({ latencyMs: [80, 200], seed: 7 });
    simulator.setThrottling({ resourceUnitsPer10s: 8000, writesPer150s: 3000 });
  }
  const azurite = await startAzurite();
  const base: NodeJS.ProcessEnv = { ...process.env, AzureWebJobsStorage: azurite.connectionString, GRAPH_BASE_URL: simulator.url, GRAPH_CREDENTIAL: 'local', HR_WEBHOOK_SECRET: SECRET, RULES_FILE: path.join(work, 'rules.json') };
  const results: ProbeResult[] = [];
  try {
    for (const bound of BOUNDS) results.push(await scenario(bound, base));
  } finally {
    await simulator.close();
    await azurite.stop();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`HR intake under a ${BACKLOG}-joiner backlog (Graph: ${GRAPH}): one probe every ${PROBE_MS} ms for ${PROBE_S} s\n`);
  console.log(
    renderTable(
      results.map((r) => `bound ${r.bound}`),
      [
        ['probes (answered / none in 30 s)', ...results.map((r) => `${r.answered} / ${r.unanswered}`)],
        ['answer p50 / p95 / p99 (ms)', ...results.map((r) => `${fixed(r.latencyMs.p50, 0)} / ${fixed(r.latencyMs.p95, 0)} / ${fixed(r.latencyMs.p99, 0)}`)],
        ['answer max (ms)', ...results.map((r) => fixed(r.latencyMs.max, 0))],
        ['answers over 5 s', ...results.map((r) => String(r.over5s))],
        ['backlog events settled in the window', ...results.map((r) => String(r.settledDuringProbe))],
        [`100-record posts accepted (${POSTERS} other posters)`, ...results.map((r) => String(r.bulkPosts))],
        ['processing rate (events/s)', ...results.map((r) => fixed(r.eventsPerSecond))],
      ],
    ),
  );
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(results, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
