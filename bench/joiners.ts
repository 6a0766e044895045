// `npm run bench:joiners` — issue 8's throughput bench, through the local host (whatever the engine
// does today), against the Graph simulator set to Microsoft's identity budget (8,000 RU / 10 s,
// 3,000 writes / 150 s) and 80–200 ms latency:
//
//   1. BENCH_JOINERS (1,000) joiners, three groups, one licence and a manager link each; the
//      managers (every tenth) come after their teams; posted to the HR intake 100 at a time.
//   2. BENCH_MIXED (600) events against a seeded population: per five, two joiners, two movers
//      (department swapped → one group out, one in; every other one also changes manager) and one
//      leaver (sign-in off, sessions revoked, leave date, groups and licence removed; the deletion
//      is scheduled 30 days out).
//
// Each with a naive baseline in the same run (BENCH_NAIVE_JOINERS 40, BENCH_NAIVE_MIXED 30:
// sequential, one request per operation). Graph traffic is counted on the wire by a pass-through
// in front of the simulator (bench/graph-meter.ts): every request, `$batch` items one by one, and
// every round trip, with their statuses; the simulator's own counter is the cross-check.
// An event is done when the app's `LifecycleEventSettled` telemetry reports a final outcome for it
// (succeeded, scheduled, skipped, dead-letter — not retry or waiting). BENCH_JSON=path also writes
// the results as JSON; BENCH_TIMEOUT_S (900) bounds the wait for each scenario.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSeed, startGraphSimulator, type RunningGraphSimulator } from '../dev/graph-simulator';
import { startAzurite } from '../dev/local-host/azurite';
import { startLocalHost } from '../dev/local-host/local-host';
import { postHrEvents } from '../dev/hr-client';
import { provideServices } from '../shared/runtime/services';
import { startGraphMeter, type GraphMeter, type MeterTally } from './graph-meter';
import { runNaiveJoiners, runNaiveMixed, type NaiveRun } from './naive';
import { countBy, envCount, fixed, pct, percentile, progress, renderTable, sleep } from './support';
import { BENCH_RULES, checkMixed, joinerFeed, mixedStream, population, seedWith, teamsForMixed, type HrRecord } from './workload';

const JOINERS = envCount('BENCH_JOINERS', 1000);
const MIXED = envCount('BENCH_MIXED', 600);
const NAIVE_JOINERS = envCount('BENCH_NAIVE_JOINERS', 40);
const NAIVE_MIXED = envCount('BENCH_NAIVE_MIXED', 30);
const TIMEOUT_MS = envCount('BENCH_TIMEOUT_S', 900) * 1000;
const SECRET = 'bench-hr-webhook-secret-0123456789abcdef';
const POST_BATCH = 100;
/** Microsoft's budget for one app in one tenant (identity & access). */
const BUDGET = { resourceUnitsPer10s: 8000, writesPer150s: 3000 };
const WRITE_WINDOW_MS = 150_000;
const WRITES_PER_SECOND = BUDGET.writesPer150s / (WRITE_WINDOW_MS / 1000);
const LATENCY_MS: [number, number] = [80, 200];
const FINAL = new Set(['succeeded', 'scheduled', 'skipped', 'dead-letter']);
const repoRoot = path.join(__dirname, '..');

interface Measured {
  label: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  outcomes: Record<string, number>;
  /** Events without a final outcome when the wait ended. */
  unsettled: number;
  graphRequests: number;
  roundTrips: number;
  batchEnvelopes: number;
  /** Writes the budget charged (a 429 is not charged). */
  writes: number;
  writesAttempted: number;
  throttled: number;
  requestsAfterFirstWindow: number;
  throttledAfterFirstWindow: number;
  perEvent: { graphRequests: number; roundTrips: number; writes: number };
  /** (3,000 / 150 writes/s) ÷ writes per event. */
  writeBoundCeilingEventsPerSecond: number;
  percentOfCeiling: number;
  latencySeconds: { p50?: number; p95?: number; basis: string };
  /** Executed requests by the simulator's own counter (its total minus `$batch` envelopes). */
  simulatorRequests: number;
  routes: Record<string, number>;
  retriesScheduled?: number;
  check?: { label: string; ok: number; of: number; wrong?: string[] };
}

/** `completed` of `events` finished between `startedAt` and `endedAt` (ms since the epoch). */
function measure(label: string, events: number, completed: number, startedAt: number, endedAt: number, tally: MeterTally, simulatorRequests: number, latencies: number[], basis: string): Omit<Measured, 'outcomes' | 'unsettled'> {
  const seconds = Math.max(0.001, (endedAt - startedAt) / 1000);
  const requests = tally.requests;
  const isWrite = (m: string) => m !== 'GET';
  const writes = requests.filter((r) => isWrite(r.method) && r.status !== 429).length;
  const after = requests.filter((r) => r.at > startedAt + WRITE_WINDOW_MS);
  const perEvent = { graphRequests: requests.length / events, roundTrips: tally.roundTrips / events, writes: writes / events };
  const ceiling = WRITES_PER_SECOND / perEvent.writes;
  const eventsPerSecond = completed / seconds;
  const routes = countBy(requests.map((r) => `${r.method} ${r.route}${r.inBatch ? ' (in $batch)' : ''}`));
  return {
    label,
    events,
    seconds,
    eventsPerSecond,
    graphRequests: requests.length,
    roundTrips: tally.roundTrips,
    batchEnvelopes: tally.batchEnvelopes,
    writes,
    writesAttempted: requests.filter((r) => isWrite(r.method)).length,
    throttled: requests.filter((r) => r.status === 429).length,
    requestsAfterFirstWindow: after.length,
    throttledAfterFirstWindow: after.filter((r) => r.status === 429).length,
    perEvent,
    writeBoundCeilingEventsPerSecond: ceiling,
    percentOfCeiling: (eventsPerSecond / ceiling) * 100,
    latencySeconds: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), basis },
    simulatorRequests,
    routes: Object.fromEntries(Object.entries(routes).sort((a, b) => b[1] - a[1])),
  };
}

/** Executed requests as the simulator counts them: every dispatch, minus the `$batch` envelopes. */
function simulatorCount(simulator: RunningGraphSimulator): number {
  const stats = simulator.stats();
  return stats.requests - (stats.byRoute['POST /$batch'] ?? 0);
}

/** No Graph request in flight and none for two seconds (at most a minute). */
async function quiesce(meter: GraphMeter): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (meter.inFlight() > 0 || Date.now() - meter.lastActivity() < 2000)) await sleep(200);
}

async function main(): Promise<void> {
  const certFile = process.env.DEV_TLS_CERT_FILE;
  const keyFile = process.env.DEV_TLS_KEY_FILE;
  if (!certFile || !keyFile) throw new Error('run through `npm run bench:joiners` (dev/run-with-dev-ca.js provides the simulator certificate)');
  const tls = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  const work = mkdtempSync(path.join(tmpdir(), 'bench-joiners-'));
  writeFileSync(path.join(work, 'rules.json'), JSON.stringify(BENCH_RULES));

  // Scenario 2's population (and the naive one's) exists before the bench starts, seeded.
  const mixedPopulation = population('BM', teamsForMixed(MIXED), 1);
  const naivePopulation = population('NM', teamsForMixed(NAIVE_MIXED), 2);
  const seed = seedWith(loadSeed(path.join(repoRoot, 'dev', 'graph-simulator', 'seed.sample.json')), [mixedPopulation, naivePopulation], JOINERS + MIXED + NAIVE_JOINERS + NAIVE_MIXED + 100);
  const simulator = await startGraphSimulator({ port: 0, tls, seed });
  const meter = await startGraphMeter({ upstreamPort: Number(new URL(simulator.url).port), tls });
  const azurite = await startAzurite();
  const host = await startLocalHost({
    port: 0,
    dataDir: path.join(work, 'queue'),
    timersPaused: true,
    log: () => undefined,
    env: {
      ...process.env,
      AzureWebJobsStorage: azurite.connectionString,
      GRAPH_BASE_URL: meter.url,
      GRAPH_CREDENTIAL: 'local',
      HR_WEBHOOK_SECRET: SECRET,
      RULES_FILE: path.join(work, 'rules.json'),
    },
  });
  simulator.setChaos({ latencyMs: LATENCY_MS, seed: 3 });

  const settled = new Map<string, { at: number; outcome: string }>();
  let retries = 0;
  let appRoundTrips = 0;
  provideServices({
    telemetry: () => ({
      trackEvent: (name, properties) => {
        if (name !== 'LifecycleEventSettled') return;
        const eventId = String(properties.eventId);
        const outcome = String(properties.outcome);
        if (outcome === 'retry') retries++;
        if (FINAL.has(outcome) && !settled.has(eventId)) settled.set(eventId, { at: Date.now(), outcome });
      },
      trackMetric: () => undefined,
      trackDependency: () => void appRoundTrips++,
      flush: async () => undefined,
    }),
  });

  /** Posts records in batches of 100 and waits until each has a final outcome (or the timeout). */
  const throughHost = async (label: string, records: HrRecord[]): Promise<Measured & { appTelemetryRoundTrips: number }> => {
    await quiesce(meter);
    simulator.setThrottling(BUDGET); // fresh windows: the previous run's writes do not count here
    meter.reset();
    const simBefore = simulatorCount(simulator);
    const retriesBefore = retries;
    const appBefore = appRoundTrips;
    const postedAt = new Map<string, number>();
    progress(`${label}: posting ${records.length} events`);
    const startedAt = Date.now();
    for (let i = 0; i < records.length; i += POST_BATCH) {
      const batch = records.slice(i, i + POST_BATCH);
      const at = Date.now();
      const response = await postHrEvents(host.url, JSON.stringify(batch), { secret: SECRET });
      if (response.status !== 202) throw new Error(`intake answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      const accepted = ((await response.json()) as { events: Array<{ eventId: string }> }).events;
      if (accepted.length !== batch.length) throw new Error(`intake accepted ${accepted.length} of ${batch.length} records`);
      for (const e of accepted) postedAt.set(e.eventId, at);
    }
    const ids = [...postedAt.keys()];
    let lastReport = Date.now();
    while (ids.some((id) => !settled.has(id)) && Date.now() - startedAt < TIMEOUT_MS) {
      await sleep(250);
      if (Date.now() - lastReport >= 30_000) {
        lastReport = Date.now();
        progress(`${label}: ${ids.filter((id) => settled.has(id)).length}/${ids.length} settled after ${Math.round((Date.now() - startedAt) / 1000)} s`);
      }
    }
    const tally = meter.reset();
    const done = ids.filter((id) => settled.has(id));
    // Given up with events outstanding: the rate is what finished in the time waited.
    const endedAt = done.length < ids.length ? Date.now() : Math.max(startedAt, ...done.map((id) => settled.get(id)?.at ?? 0));
    const latencies = done.map((id) => ((settled.get(id)?.at ?? 0) - (postedAt.get(id) ?? 0)) / 1000);
    const m = measure(label, records.length, done.length, startedAt, endedAt, tally, simulatorCount(simulator) - simBefore, latencies, 'posted → final outcome');
    progress(`${label}: done in ${m.seconds.toFixed(0)} s`);
    return {
      ...m,
      outcomes: countBy(done.map((id) => settled.get(id)?.outcome ?? '?')),
      unsettled: ids.length - done.length,
      retriesScheduled: retries - retriesBefore,
      appTelemetryRoundTrips: appRoundTrips - appBefore,
    };
  };

  const naively = async (label: string, events: number, run: () => Promise<NaiveRun>): Promise<Measured> => {
    await quiesce(meter);
    simulator.setThrottling(BUDGET);
    meter.reset();
    const simBefore = simulatorCount(simulator);
    progress(`${label}: ${events} events, one after another`);
    const result = await run();
    const tally = meter.reset();
    const endedAt = result.doneAt.at(-1) ?? result.startedAt;
    const latencies = result.doneAt.map((t) => (t - result.startedAt) / 1000);
    const m = measure(label, events, events - result.failed.length, result.startedAt, endedAt, tally, simulatorCount(simulator) - simBefore, latencies, 'all submitted at the start → done');
    progress(`${label}: done in ${m.seconds.toFixed(0)} s`);
    return { ...m, outcomes: { succeeded: events - result.failed.length, ...(result.failed.length ? { failed: result.failed.length } : {}) }, unsettled: 0, ...(result.failed.length ? { check: { label: 'failures', ok: 0, of: result.failed.length, wrong: result.failed.slice(0, 3) } } : {}) };
  };

  try {
    // Scenario 1: joiners, managers after their reports.
    let joiners: Measured | undefined;
    if (JOINERS > 0) {
      const { feed, expectedManager } = joinerFeed(JOINERS, 'BJ');
      joiners = await throughHost('scenario 1 (joiners)', feed);
      const byEmployeeId = new Map([...simulator.state.users.values()].filter((u) => u.employeeId).map((u) => [u.employeeId as string, u]));
      const linked = [...expectedManager].filter(([report, manager]) => {
        const managerId = byEmployeeId.get(manager)?.id;
        return managerId !== undefined && byEmployeeId.get(report)?.managerId === managerId;
      }).length;
      joiners.check = { label: 'manager links made', ok: linked, of: expectedManager.size };
    }

    const naiveJoiners = NAIVE_JOINERS > 0 ? await naively('naive joiners', NAIVE_JOINERS, () => runNaiveJoiners(meter.url, NAIVE_JOINERS, 'NV', naivePopulation.managers[0]!)) : undefined;

    // Scenario 2: joiners, movers and leavers against the seeded population.
    let mixed: Measured | undefined;
    if (MIXED > 0) {
      const stream = mixedStream(MIXED, mixedPopulation, 'BX');
      mixed = await throughHost('scenario 2 (mixed)', stream.events);
      const c = checkMixed(simulator.snapshot(), stream.expectations);
      mixed.check = { label: 'end state as expected', ok: c.ok, of: stream.expectations.length, ...(c.wrong.length ? { wrong: c.wrong } : {}) };
    }

    let naiveMixed: Measured | undefined;
    if (NAIVE_MIXED > 0) {
      const stream = mixedStream(NAIVE_MIXED, naivePopulation, 'NX');
      naiveMixed = await naively('naive mixed', NAIVE_MIXED, () => runNaiveMixed(meter.url, stream.events, new Map(naivePopulation.workers.map((w) => [w.employeeId, w]))));
      if (!naiveMixed.check) {
        const c = checkMixed(simulator.snapshot(), stream.expectations);
        naiveMixed.check = { label: 'end state as expected', ok: c.ok, of: stream.expectations.length, ...(c.wrong.length ? { wrong: c.wrong } : {}) };
      }
    }

    report([joiners, naiveJoiners, mixed, naiveMixed]);
  } finally {
    await host.stop();
    await meter.close();
    await simulator.close();
    await azurite.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function report(runs: Array<Measured | undefined>): void {
  const [joiners, naiveJoiners, mixed, naiveMixed] = runs;
  const present = runs.filter((r): r is Measured => !!r);
  const ratio = (ours?: Measured, naive?: Measured) => (ours && naive && naive.eventsPerSecond > 0 ? ours.eventsPerSecond / naive.eventsPerSecond : undefined);
  const ratios = { joiners: ratio(joiners, naiveJoiners), mixed: ratio(mixed, naiveMixed) };
  const row = (label: string, f: (r: Measured) => string): [string, ...string[]] => [label, ...present.map(f)];
  const outcomes = (r: Measured) => [...Object.entries(r.outcomes).map(([k, v]) => `${v} ${k}`), ...(r.unsettled ? [`${r.unsettled} unsettled`] : [])].join(', ');
  const sameCount = present.every((r) => r.simulatorRequests === r.graphRequests);

  console.log(`Graph simulator: ${BUDGET.resourceUnitsPer10s} RU / 10 s, ${BUDGET.writesPer150s} writes / 150 s, ${LATENCY_MS[0]}–${LATENCY_MS[1]} ms per HTTP response; intake batches of ${POST_BATCH}`);
  console.log('scenario 1: joiners with 3 groups, 1 licence and a manager (managers after their teams)');
  console.log('scenario 2: per 5 events 2 joiners, 2 movers (group swap, every other one a new manager), 1 leaver (deletion scheduled in 30 days)');
  console.log('naive: sequential, one request per operation, no $batch, no caching');
  console.log('');
  console.log(
    renderTable(present.map((r) => r.label.replace(/^scenario (\d) \((.*)\)$/, '$2 (ours)')), [
      row('events', (r) => String(r.events)),
      row('outcomes', outcomes),
      row('seconds (first post → last done)', (r) => r.seconds.toFixed(1)),
      row('events/s', (r) => r.eventsPerSecond.toFixed(2)),
      row('ratio to naive', (r) => (r === joiners && ratios.joiners ? `${ratios.joiners.toFixed(1)}×` : r === mixed && ratios.mixed ? `${ratios.mixed.toFixed(1)}×` : '')),
      row('write-bound ceiling, events/s', (r) => fixed(r.writeBoundCeilingEventsPerSecond)),
      row('% of that ceiling', (r) => `${r.percentOfCeiling.toFixed(0)}%`),
      row('Graph requests / event', (r) => fixed(r.perEvent.graphRequests)),
      row('HTTP round trips / event', (r) => `${fixed(r.perEvent.roundTrips)}${r.batchEnvelopes ? ` (${r.batchEnvelopes} $batch)` : ''}`),
      row('writes / event', (r) => `${fixed(r.perEvent.writes)}`),
      row('429s (of requests)', (r) => `${r.throttled} (${pct(r.throttled, r.graphRequests)})`),
      row('429s after the first 150 s', (r) => (r.requestsAfterFirstWindow ? `${r.throttledAfterFirstWindow} (${pct(r.throttledAfterFirstWindow, r.requestsAfterFirstWindow)})` : 'n/a (shorter run)')),
      row('event retries scheduled', (r) => (r.retriesScheduled === undefined ? '–' : String(r.retriesScheduled))),
      row('latency p50 / p95, s', (r) => `${fixed(r.latencySeconds.p50, 1)} / ${fixed(r.latencySeconds.p95, 1)}`),
      row('check', (r) => (r.check ? `${r.check.label}: ${r.check.ok} of ${r.check.of}` : '')),
    ]),
  );
  console.log('');
  console.log('ceiling = (3,000 / 150 writes/s) ÷ measured writes per event (charged writes; 429s are not charged);');
  console.log('  the first 150 s window is full, so a short run can burst above it. Latency: ours from the post of');
  console.log("  the event's batch to its final outcome; naive from the start of its run (all submitted at once).");
  console.log(`Graph requests counted on the wire, each $batch item once; the simulator's own count ${sameCount ? 'agrees' : `differs: ${present.map((r) => `${r.label} ${r.simulatorRequests}`).join(', ')}`}.`);
  for (const r of present) for (const w of r.check?.wrong ?? []) console.log(`  ${r.label}: ${w}`);

  const file = process.env.BENCH_JSON;
  if (file) {
    const json = {
      at: new Date().toISOString(),
      config: { joiners: JOINERS, mixed: MIXED, naiveJoiners: NAIVE_JOINERS, naiveMixed: NAIVE_MIXED, postBatch: POST_BATCH, budget: BUDGET, latencyMs: LATENCY_MS, writesPerSecondCeiling: WRITES_PER_SECOND },
      scenarios: { joiners, naiveJoiners, mixed, naiveMixed },
      ratios,
    };
    writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
    console.log(`results written to ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
