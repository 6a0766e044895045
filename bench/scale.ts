// `npm run bench:scale` — issue 18: the joiner load with 1, 4 and 16 simulated Function App instances
// (bench/instances.ts: each with its own services, governor and caches) on one queue and one
// simulated tenant at Microsoft's write rate, for each way of sharing the tenant's write budget:
//
//   aimd    every instance starts at GRAPH_WRITES_PER_SECOND (19.5) and backs off on 429 (the default)
//   static  GRAPH_WRITES_PER_SECOND = 19.5 ÷ N: the budget divided by the instances that may run
//           (what Flex Consumption's maximumInstanceCount with the budget divided amounts to)
//   table   GRAPH_WRITE_SHARE=table: the instances writing to the tenant divide 19.5 through rows in
//           Table storage (shared/graph/write-share.ts)
//
// At one instance `static` is `aimd`, so it runs once. BENCH_SCALE_INSTANCES (1,4,16),
// BENCH_SCALE_CANDIDATES (aimd,static,table), BENCH_SCALE_JOINERS (400 per run), BENCH_WINDOW_S (30:
// Graph's 150 s write window scaled down 5×, same 20 writes/s; 150 for full size), BENCH_TIMEOUT_S
// (600 per run), BENCH_JSON=path for the results as JSON.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { startLoadBench, runLoad, tenantBudget, type LoadResult } from './queue-load';
import { envCount, fixed, pct, renderTable } from './support';

type Candidate = 'aimd' | 'static' | 'table';
const RATE = 19.5;

function list(name: string, fallback: string): string[] {
  return (process.env[name] ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
}

const INSTANCES = list('BENCH_SCALE_INSTANCES', '1,4,16').map(Number);
const CANDIDATES = list('BENCH_SCALE_CANDIDATES', 'aimd,static,table') as Candidate[];
const JOINERS = envCount('BENCH_SCALE_JOINERS', 400);
const WINDOW_S = envCount('BENCH_WINDOW_S', 30);
const TIMEOUT_MS = envCount('BENCH_TIMEOUT_S', 600) * 1000;

function settingsFor(candidate: Candidate, instances: number, run: number): Record<string, string> {
  switch (candidate) {
    case 'aimd':
      return {};
    case 'static':
      return { GRAPH_WRITES_PER_SECOND: String(RATE / instances) };
    case 'table':
      // A table of its own per run: no row of an earlier run's instances is counted.
      return { GRAPH_WRITE_SHARE: 'table', GRAPH_WRITE_SHARE_TABLE_NAME: `benchWriteShare${Date.now()}x${run}` };
  }
}

async function main(): Promise<void> {
  for (const c of CANDIDATES) if (!['aimd', 'static', 'table'].includes(c)) throw new Error(`unknown candidate ${c}`);
  for (const n of INSTANCES) if (!(Number.isInteger(n) && n >= 1 && n <= 64)) throw new Error(`instance counts must be 1..64, got ${n}`);
  const plan = INSTANCES.flatMap((n) => CANDIDATES.filter((c) => !(n === 1 && c === 'static' && CANDIDATES.includes('aimd'))).map((c) => ({ n, c })));
  const bench = await startLoadBench({ windowSeconds: WINDOW_S, joinersInAll: JOINERS * plan.length });
  const results: Array<LoadResult & { candidate: Candidate }> = [];
  const startedAt = new Date().toISOString();
  try {
    for (const [i, { n, c }] of plan.entries()) {
      const result = await runLoad(bench, { label: `${c} × ${n}`, instances: n, settings: settingsFor(c, n, i), joiners: JOINERS, prefix: `SC${i}x`, timeoutMs: TIMEOUT_MS });
      results.push({ ...result, candidate: c });
    }
  } finally {
    await bench.close();
  }

  const budget = tenantBudget(WINDOW_S);
  console.log(`Graph simulator: one tenant, ${budget.writesPer150s} writes / ${WINDOW_S} s (20/s; Graph: 3,000 / 150 s), 8,000 RU / 10 s, 80–200 ms per response`);
  console.log(`${JOINERS} joiners per run (3 groups, 1 licence, a manager each), posted to the intake 100 at a time; ${cpus().length} cores, load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
  console.log('');
  const row = (label: string, f: (r: LoadResult & { candidate: Candidate }) => string): [string, ...string[]] => [label, ...results.map(f)];
  console.log(
    renderTable(results.map((r) => r.label), [
      row('joiners settled', (r) => `${r.settled} of ${r.joiners}`),
      row('seconds', (r) => r.seconds.toFixed(0)),
      row('joiners/s', (r) => fixed(r.joinersPerSecond)),
      row('writes / joiner', (r) => fixed(r.writesPerJoiner)),
      row('ceiling (20 ÷ writes), joiners/s', (r) => fixed(r.ceiling)),
      row('% of that ceiling', (r) => `${r.percentOfCeiling.toFixed(0)}%`),
      row('requests / joiner', (r) => fixed(r.requestsPerJoiner)),
      row('429s (of requests)', (r) => `${r.throttled} (${pct(r.throttled, r.requests)})`),
      row(`429s after the first ${WINDOW_S} s`, (r) => `${r.throttledAfterFirstWindow} (${pct(r.throttledAfterFirstWindow, r.requestsAfterFirstWindow)})`),
      row('event retries', (r) => String(r.retries)),
      row('manager links', (r) => `${r.managerLinks.ok} of ${r.managerLinks.of}`),
      row('joiners per instance (min–max)', (r) => `${Math.min(...r.byInstance)}–${Math.max(...r.byInstance)}`),
      row('load average before → after', (r) => `${r.load.before[0]} → ${r.load.after[0]}`),
    ]),
  );
  const file = process.env.BENCH_JSON;
  if (file) {
    writeFileSync(file, `${JSON.stringify({ at: startedAt, config: { instances: INSTANCES, candidates: CANDIDATES, joiners: JOINERS, windowSeconds: WINDOW_S, budget }, results }, null, 2)}\n`);
    console.log(`results written to ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
