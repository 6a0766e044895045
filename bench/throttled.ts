// `npm run bench:throttled` — issue 18 item 5: the joiner load on one instance with the simulator
// answering a share of requests 429 at random (BENCH_RANDOM_429, default 10 %: a plain 429 with
// Retry-After 1 and no throttle scope, as Graph answers when the service is busy, not because a
// budget is spent), side by side with 0 % in the same run. The rest as `bench:scale`
// (bench/queue-load.ts): one tenant at 20 writes/s, Graph's write window scaled to BENCH_WINDOW_S
// (30), BENCH_THROTTLED_JOINERS (600) per run, BENCH_JSON=path for the results as JSON.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { startLoadBench, runLoad, tenantBudget, type LoadResult } from './queue-load';
import { envCount, fixed, pct, renderTable } from './support';

const JOINERS = envCount('BENCH_THROTTLED_JOINERS', 600);
const WINDOW_S = envCount('BENCH_WINDOW_S', 30);
const TIMEOUT_MS = envCount('BENCH_TIMEOUT_S', 600) * 1000;
const RATE = Number(process.env.BENCH_RANDOM_429 ?? '0.1');

async function main(): Promise<void> {
  if (!(RATE > 0 && RATE < 1)) throw new Error(`BENCH_RANDOM_429 must be between 0 and 1, got ${process.env.BENCH_RANDOM_429}`);
  const bench = await startLoadBench({ windowSeconds: WINDOW_S, joinersInAll: JOINERS * 2 });
  const results: Array<LoadResult & { random429: number }> = [];
  const at = new Date().toISOString();
  try {
    for (const [i, rate] of [0, RATE].entries()) {
      const result = await runLoad(bench, {
        label: `${Math.round(rate * 100)} % random 429s`,
        instances: 1,
        joiners: JOINERS,
        prefix: `TH${i}x`,
        timeoutMs: TIMEOUT_MS,
        ...(rate > 0 ? { chaos: { transientRate: rate, transientStatuses: [429] as Array<429> } } : {}),
      });
      results.push({ ...result, random429: rate });
    }
  } finally {
    await bench.close();
  }
  const budget = tenantBudget(WINDOW_S);
  console.log(`Graph simulator: one tenant, ${budget.writesPer150s} writes / ${WINDOW_S} s (20/s), 8,000 RU / 10 s, 80–200 ms; one instance; ${JOINERS} joiners per run`);
  console.log(`${cpus().length} cores, load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
  console.log('');
  const [clean, noisy] = results;
  const row = (label: string, f: (r: LoadResult) => string): [string, ...string[]] => [label, ...results.map(f)];
  console.log(
    renderTable(results.map((r) => r.label), [
      row('joiners settled', (r) => `${r.settled} of ${r.joiners}`),
      row('seconds', (r) => r.seconds.toFixed(0)),
      row('joiners/s', (r) => fixed(r.joinersPerSecond)),
      row('writes / joiner (charged)', (r) => fixed(r.writesPerJoiner)),
      row('% of the write-bound ceiling', (r) => `${r.percentOfCeiling.toFixed(0)}%`),
      row('requests / joiner (429s included)', (r) => fixed(r.requestsPerJoiner)),
      row('429s (of requests)', (r) => `${r.throttled} (${pct(r.throttled, r.requests)})`),
      row('event retries', (r) => String(r.retries)),
      row('manager links', (r) => `${r.managerLinks.ok} of ${r.managerLinks.of}`),
      row('load average before → after', (r) => `${r.load.before[0]} → ${r.load.after[0]}`),
    ]),
  );
  if (clean && noisy) console.log(`\nwith ${Math.round(RATE * 100)} % random 429s: ${((noisy.joinersPerSecond / clean.joinersPerSecond) * 100).toFixed(0)} % of the clean run's joiners/s`);
  const file = process.env.BENCH_JSON;
  if (file) {
    writeFileSync(file, `${JSON.stringify({ at, config: { joiners: JOINERS, windowSeconds: WINDOW_S, random429: RATE, budget }, results }, null, 2)}\n`);
    console.log(`results written to ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
