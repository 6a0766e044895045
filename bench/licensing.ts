// `npm run bench:licensing` — issue 18 item 3: writes per joiner with today's SKU licence rule
// (one assignLicense each) against group-based licensing (a licence rule that names a licensing
// group: the licence comes with the membership, which shares the groups step's members@odata.bind
// write), side by side in one run: one simulator, one meter, one local host, one rules file.
//
// The rules give both kinds of joiner the same three groups and a manager link; the licence rule
// that applies is picked by employeeType ("sku" or "group"), so nothing but the licensing differs.
// Each side runs BENCH_JOINERS (1,500) joiners, managers after their teams, posted 100 at a time,
// against the simulator at Microsoft's identity budget (8,000 RU / 10 s, 3,000 writes / 150 s)
// and 80–200 ms latency, each side with fresh budget windows. The first 150 s window starts full,
// so beside the whole run's rate the table gives the rate after that window (the sustained one).
// BENCH_ORDER=group-first runs the group side first; BENCH_JSON=path writes the results as JSON.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSeed, startGraphSimulator, type GraphSeed } from '../dev/graph-simulator';
import { startAzurite } from '../dev/local-host/azurite';
import { startLocalHost } from '../dev/local-host/local-host';
import { postHrEvents } from '../dev/hr-client';
import { provideServices } from '../shared/runtime/services';
import { startGraphMeter, type GraphMeter } from './graph-meter';
import { countBy, envCount, fixed, pct, percentile, progress, renderTable, sleep } from './support';
import { BENCH_RULES, E3_SKU_ID, joinerFeed, type HrRecord } from './workload';

const JOINERS = envCount('BENCH_JOINERS', 1500);
const TIMEOUT_MS = envCount('BENCH_TIMEOUT_S', 900) * 1000;
const GROUP_FIRST = process.env.BENCH_ORDER === 'group-first';
const SECRET = 'bench-hr-webhook-secret-0123456789abcdef';
const POST_BATCH = 100;
const BUDGET = { resourceUnitsPer10s: 8000, writesPer150s: 3000 };
const WRITE_WINDOW_MS = 150_000;
const WRITES_PER_SECOND = BUDGET.writesPer150s / (WRITE_WINDOW_MS / 1000);
const LATENCY_MS: [number, number] = [80, 200];
const FINAL = new Set(['succeeded', 'scheduled', 'skipped', 'dead-letter']);
const LICENSING_GROUP = { id: '99999999-9999-4999-8999-000000000e03', displayName: 'SG-Licensing-E3' };
const repoRoot = path.join(__dirname, '..');

type Side = 'sku' | 'group';

/** Today's bench rules, with the staff licence given two ways: by SKU or through the licensing group. */
const RULES = {
  ...BENCH_RULES,
  licenceRules: [
    { name: 'staff-by-sku', when: { employeeType: 'sku' }, licences: [{ sku: 'SPE_E3' }] },
    { name: 'staff-by-group', when: { employeeType: 'group' }, licensingGroup: LICENSING_GROUP.displayName },
  ],
};

interface SideResult {
  side: Side;
  joiners: number;
  outcomes: Record<string, number>;
  unsettled: number;
  seconds: number;
  joinersPerSecond: number;
  /** Joiners settled after the first 150 s window, per second of the time after it (undefined: the run was shorter). */
  sustainedPerSecond?: number;
  graphRequests: number;
  roundTrips: number;
  writes: number;
  throttled: number;
  perJoiner: { graphRequests: number; roundTrips: number; writes: number };
  ceiling: number;
  percentOfCeiling: number;
  sustainedPercentOfCeiling?: number;
  latency: { p50?: number; p95?: number };
  routes: Record<string, number>;
  check: { licensed: number; viaGroup: number; managerLinks: number; of: number };
  load: { before: number[]; after: number[]; benchCpuSeconds: number };
}

function seedFor(base: GraphSeed): GraphSeed {
  const seed = structuredClone(base);
  // A security group with E3 assigned: Entra (the simulator) licenses its members.
  seed.groups = [...(seed.groups ?? []), { ...LICENSING_GROUP, securityEnabled: true, mailEnabled: false, groupTypes: [], memberIds: [], assignedLicenses: [{ skuId: E3_SKU_ID, disabledPlans: [] }] } as NonNullable<GraphSeed['groups']>[number]];
  seed.subscribedSkus = (seed.subscribedSkus ?? []).map((sku) => (sku.skuId === E3_SKU_ID ? { ...sku, enabled: sku.enabled + 2 * JOINERS + 100 } : sku));
  return seed;
}

async function quiesce(meter: GraphMeter): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (meter.inFlight() > 0 || Date.now() - meter.lastActivity() < 2000)) await sleep(200);
}

async function main(): Promise<void> {
  const certFile = process.env.DEV_TLS_CERT_FILE;
  const keyFile = process.env.DEV_TLS_KEY_FILE;
  if (!certFile || !keyFile) throw new Error('run through `npm run bench:licensing` (dev/run-with-dev-ca.js provides the simulator certificate)');
  const tls = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-licensing-'));
  writeFileSync(path.join(work, 'rules.json'), JSON.stringify(RULES));

  const simulator = await startGraphSimulator({ port: 0, tls, seed: seedFor(loadSeed(path.join(repoRoot, 'dev', 'graph-simulator', 'seed.sample.json'))) });
  const meter = await startGraphMeter({ upstreamPort: Number(new URL(simulator.url).port), tls });
  const azurite = await startAzurite();
  const host = await startLocalHost({
    port: 0,
    dataDir: path.join(work, 'queue'),
    timersPaused: true,
    log: () => undefined,
    env: { ...process.env, AzureWebJobsStorage: azurite.connectionString, GRAPH_BASE_URL: meter.url, GRAPH_CREDENTIAL: 'local', HR_WEBHOOK_SECRET: SECRET, RULES_FILE: path.join(work, 'rules.json') },
  });
  simulator.setChaos({ latencyMs: LATENCY_MS, seed: 3 });

  const settled = new Map<string, { at: number; outcome: string }>();
  provideServices({
    telemetry: () => ({
      trackEvent: (name, properties) => {
        if (name !== 'LifecycleEventSettled') return;
        const eventId = String(properties.eventId);
        const outcome = String(properties.outcome);
        if (FINAL.has(outcome) && !settled.has(eventId)) settled.set(eventId, { at: Date.now(), outcome });
      },
      trackMetric: () => undefined,
      trackDependency: () => undefined,
      flush: async () => undefined,
    }),
  });

  const run = async (side: Side): Promise<SideResult> => {
    const { feed, expectedManager } = joinerFeed(JOINERS, side === 'sku' ? 'LS' : 'LG');
    const records: Array<HrRecord & { employee: { employeeType: Side } }> = feed.map((r) => ({ ...r, employee: { ...r.employee, employeeType: side } }));
    await quiesce(meter);
    simulator.setThrottling(BUDGET); // fresh windows: the other side's writes do not count here
    meter.reset();
    const load = { before: os.loadavg(), cpu: process.cpuUsage() };
    const postedAt = new Map<string, number>();
    progress(`${side}: posting ${records.length} joiners`);
    const startedAt = Date.now();
    for (let i = 0; i < records.length; i += POST_BATCH) {
      const batch = records.slice(i, i + POST_BATCH);
      const at = Date.now();
      const response = await postHrEvents(host.url, JSON.stringify(batch), { secret: SECRET });
      if (response.status !== 202) throw new Error(`intake answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      for (const e of ((await response.json()) as { events: Array<{ eventId: string }> }).events) postedAt.set(e.eventId, at);
    }
    const ids = [...postedAt.keys()];
    let lastReport = Date.now();
    while (ids.some((id) => !settled.has(id)) && Date.now() - startedAt < TIMEOUT_MS) {
      await sleep(250);
      if (Date.now() - lastReport >= 30_000) {
        lastReport = Date.now();
        progress(`${side}: ${ids.filter((id) => settled.has(id)).length}/${ids.length} settled after ${Math.round((Date.now() - startedAt) / 1000)} s`);
      }
    }
    const tally = meter.reset();
    const cpu = process.cpuUsage(load.cpu);
    const done = ids.filter((id) => settled.has(id));
    const endedAt = done.length < ids.length ? Date.now() : Math.max(startedAt, ...done.map((id) => settled.get(id)?.at ?? 0));
    const seconds = Math.max(0.001, (endedAt - startedAt) / 1000);
    const writes = tally.requests.filter((r) => r.method !== 'GET' && r.status !== 429).length;
    const perJoiner = { graphRequests: tally.requests.length / records.length, roundTrips: tally.roundTrips / records.length, writes: writes / records.length };
    const ceiling = WRITES_PER_SECOND / perJoiner.writes;
    const windowEnd = startedAt + WRITE_WINDOW_MS;
    const afterWindow = done.filter((id) => (settled.get(id)?.at ?? 0) > windowEnd).length;
    const sustainedPerSecond = endedAt - windowEnd >= 30_000 ? afterWindow / ((endedAt - windowEnd) / 1000) : undefined;

    const users = [...simulator.state.users.values()];
    const byEmployeeId = new Map(users.filter((u) => u.employeeId).map((u) => [u.employeeId as string, u]));
    const mine = records.map((r) => byEmployeeId.get(r.employee.employeeId)).filter((u) => !!u);
    const holdsE3 = (u: (typeof mine)[number]) => (u.assignedLicenses ?? []).some((l) => l.skuId === E3_SKU_ID) || ((u.inheritedLicenses as { skuId: string; state: string }[] | undefined) ?? []).some((l) => l.skuId === E3_SKU_ID && l.state === 'Active');
    const viaGroup = (u: (typeof mine)[number]) => ((u.inheritedLicenses as { groupId: string; state: string }[] | undefined) ?? []).some((l) => l.groupId === LICENSING_GROUP.id && l.state === 'Active');
    const managerLinks = [...expectedManager].filter(([report, manager]) => {
      const managerId = byEmployeeId.get(manager)?.id;
      return managerId !== undefined && byEmployeeId.get(report)?.managerId === managerId;
    }).length;
    const latencies = done.map((id) => ((settled.get(id)?.at ?? 0) - (postedAt.get(id) ?? 0)) / 1000);
    progress(`${side}: done in ${seconds.toFixed(0)} s`);
    return {
      side,
      joiners: records.length,
      outcomes: countBy(done.map((id) => settled.get(id)?.outcome ?? '?')),
      unsettled: ids.length - done.length,
      seconds,
      joinersPerSecond: done.length / seconds,
      ...(sustainedPerSecond === undefined ? {} : { sustainedPerSecond, sustainedPercentOfCeiling: (sustainedPerSecond / ceiling) * 100 }),
      graphRequests: tally.requests.length,
      roundTrips: tally.roundTrips,
      writes,
      throttled: tally.requests.filter((r) => r.status === 429).length,
      perJoiner,
      ceiling,
      percentOfCeiling: (done.length / seconds / ceiling) * 100,
      latency: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
      routes: Object.fromEntries(Object.entries(countBy(tally.requests.map((r) => `${r.method} ${r.route}${r.inBatch ? ' (in $batch)' : ''}`))).sort((a, b) => b[1] - a[1])),
      check: { licensed: mine.filter(holdsE3).length, viaGroup: mine.filter(viaGroup).length, managerLinks, of: records.length },
      load: { before: load.before, after: os.loadavg(), benchCpuSeconds: (cpu.user + cpu.system) / 1e6 },
    };
  };

  try {
    const order: Side[] = GROUP_FIRST ? ['group', 'sku'] : ['sku', 'group'];
    const results: SideResult[] = [];
    for (const side of order) results.push(await run(side));
    report([...results].sort((a, b) => (a.side === b.side ? 0 : a.side === 'sku' ? -1 : 1)), order);
  } finally {
    await host.stop();
    await meter.close();
    await simulator.close();
    await azurite.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function report(results: SideResult[], order: Side[]): void {
  const label = (s: Side) => (s === 'sku' ? 'SKU rule (assignLicense)' : 'licensing group');
  const row = (name: string, f: (r: SideResult) => string): [string, ...string[]] => [name, ...results.map(f)];
  const writesOf = (r: SideResult, route: string) => Object.entries(r.routes).filter(([k]) => k.startsWith(route)).reduce((n, [, v]) => n + v, 0);
  const loads = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ');
  console.log(`Graph simulator: ${BUDGET.resourceUnitsPer10s} RU / 10 s, ${BUDGET.writesPer150s} writes / 150 s, ${LATENCY_MS[0]}–${LATENCY_MS[1]} ms per response; ${JOINERS} joiners per side in batches of ${POST_BATCH}, ${order.join(' then ')}; ${os.cpus().length} CPUs`);
  console.log('');
  console.log(
    renderTable(results.map((r) => label(r.side)), [
      row('joiners', (r) => String(r.joiners)),
      row('outcomes', (r) => [...Object.entries(r.outcomes).map(([k, v]) => `${v} ${k}`), ...(r.unsettled ? [`${r.unsettled} unsettled`] : [])].join(', ')),
      row('seconds (first post → last done)', (r) => r.seconds.toFixed(1)),
      row('joiners/s, whole run', (r) => r.joinersPerSecond.toFixed(2)),
      row('joiners/s after the first 150 s', (r) => fixed(r.sustainedPerSecond)),
      row('write-bound ceiling, joiners/s', (r) => fixed(r.ceiling)),
      row('% of ceiling (whole / after 150 s)', (r) => `${r.percentOfCeiling.toFixed(0)}% / ${r.sustainedPercentOfCeiling === undefined ? '–' : `${r.sustainedPercentOfCeiling.toFixed(0)}%`}`),
      row('writes / joiner', (r) => fixed(r.perJoiner.writes)),
      row('Graph requests / joiner', (r) => fixed(r.perJoiner.graphRequests)),
      row('HTTP round trips / joiner', (r) => fixed(r.perJoiner.roundTrips)),
      row('assignLicense writes', (r) => String(writesOf(r, 'POST /users/{id}/assignLicense'))),
      row('membership writes (bind PATCH + $ref POST)', (r) => `${writesOf(r, 'PATCH /groups/{id}')} + ${writesOf(r, 'POST /groups/{id}/members/$ref')}`),
      row('429s (of requests)', (r) => `${r.throttled} (${pct(r.throttled, r.graphRequests)})`),
      row('latency p50 / p95, s', (r) => `${fixed(r.latency.p50, 1)} / ${fixed(r.latency.p95, 1)}`),
      row('hold E3 (through the group)', (r) => `${r.check.licensed} of ${r.check.of} (${r.check.viaGroup})`),
      row('manager links', (r) => `${r.check.managerLinks} of ${Math.round(r.check.of * 0.9)}`),
      row('load avg 1/5/15 min before', (r) => loads(r.load.before)),
      row('load avg 1/5/15 min after', (r) => loads(r.load.after)),
      row('bench process CPU, s', (r) => r.load.benchCpuSeconds.toFixed(0)),
    ]),
  );
  console.log('');
  console.log('ceiling = (3,000 / 150 writes/s) ÷ measured writes per joiner (charged writes; 429s are not). The first');
  console.log('  150 s window starts full, so the whole-run rate of a short side can exceed it; "after the first 150 s"');
  console.log('  counts joiners settled after it over the time after it. Load averages are the machine\'s (other work included).');
  const file = process.env.BENCH_JSON;
  if (file) {
    writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), config: { joiners: JOINERS, order, budget: BUDGET, latencyMs: LATENCY_MS, cpus: os.cpus().length }, results }, null, 2)}\n`);
    console.log(`results written to ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
