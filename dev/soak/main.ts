// `npm run soak`: 1,000+ events through the local host with Graph faults and host kills; prints
// what happened and exits non-zero if anything was lost or duplicated. SOAK_WORKERS resizes it.
import { runSoak } from './run-soak';

async function main(): Promise<void> {
  const workers = Number(process.env.SOAK_WORKERS ?? 750);
  const report = await runSoak({
    workers,
    kills: Number(process.env.SOAK_KILLS ?? 3),
    transientRate: 0.3,
    replicationDelayMs: 300,
    latencyMs: [5, 150],
    drainTimeoutMs: 30 * 60_000,
    log: (line) => console.log(line),
  });
  const { mismatches, ...summary } = report;
  console.log(JSON.stringify(summary, null, 2));
  for (const line of mismatches.slice(0, 20)) console.log(`  mismatch: ${line}`);
  const unexpectedSkips = Object.keys(report.skipped).filter((reason) => reason !== 'SupersededByLeaver');
  const accountless = report.leftWithoutAccount <= (report.skipped.SupersededByLeaver ?? 0);
  process.exit(report.lost === 0 && report.duplicates === 0 && unexpectedSkips.length === 0 && accountless ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
