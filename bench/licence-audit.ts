// `npm run bench`: the licence audit against a simulated tenant of BENCH_USERS (default 100,000)
// users, the simulator in its own process so the numbers are the audit's. Prints Graph requests,
// seconds and peak memory of the audit process.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { runAuditJob } from '../shared/audit/audit-job';
import { BlobReportStore } from '../shared/audit/report-store';
import { parseSettings } from '../shared/config/settings';
import { createGraphClient } from '../shared/graph/client';
import { LocalSimulatorCredential } from '../shared/graph/credential';
import { loadAccessPolicy } from '../shared/rules/rules-file';
import { freePort, startAzurite } from '../dev/local-host/azurite';
import { noTelemetry, type Telemetry } from '../shared/telemetry/telemetry';

const users = Number(process.env.BENCH_USERS ?? 100_000);
const root = path.join(__dirname, '..');

async function main(): Promise<void> {
  const port = await freePort();
  // The simulator generates the tenant itself (GRAPH_SIM_GENERATE_USERS), so this process never holds it.
  const simulator = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'dev', 'graph-simulator', 'main.ts')], {
    env: { ...process.env, GRAPH_SIMULATOR_PORT: String(port), GRAPH_SIM_GENERATE_USERS: String(users) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let azurite: Awaited<ReturnType<typeof startAzurite>> | undefined;
  try {
    azurite = await startAzurite();
    await new Promise<void>((resolve, reject) => {
      simulator.stdout?.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
      simulator.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
    });
    const settings = parseSettings({
      LIFECYCLE_RUNTIME: 'local', HR_WEBHOOK_SECRET: 'x'.repeat(32), GRAPH_BASE_URL: `https://localhost:${port}`, GRAPH_CREDENTIAL: 'local',
      AzureWebJobsStorage: azurite.connectionString, AUDIT_CONTAINER_NAME: 'bench-audits',
    });
    const requests: Record<string, number> = {};
    const graph = createGraphClient(settings, {
      credential: new LocalSimulatorCredential(settings.GRAPH_BASE_URL),
      recordDependency: (d) => void (requests[d.route] = (requests[d.route] ?? 0) + 1),
    });
    let metrics = 0;
    const telemetry: Telemetry = { ...noTelemetry, trackMetric: () => void metrics++ };
    let peakHeap = 0;
    const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 10);
    const before = process.memoryUsage();
    const started = performance.now();
    const { report } = await runAuditJob({
      graph, policy: loadAccessPolicy(path.join(root, 'config', 'rules.json')), settings, store: BlobReportStore.fromSettings(settings), telemetry, now: () => new Date(),
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const peakRss = process.resourceUsage().maxRSS * 1024; // the kernel's high-water mark, in KiB
    const total = Object.values(requests).reduce((a, b) => a + b, 0);
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
    console.log(`licence audit over ${users.toLocaleString('en-US')} generated users (simulator and Azurite in their own processes)`);
    console.log(`  users scanned        ${report.usersScanned.toLocaleString('en-US')}`);
    console.log(`  Graph requests       ${total}: ${Object.entries(requests).map(([route, n]) => `${route} ${n}`).join(', ')}`);
    console.log(`  seconds              ${seconds.toFixed(1)} (report stored in Blob, ${metrics} metrics)`);
    console.log(`  peak RSS / heap      ${mb(peakRss)} / ${mb(peakHeap)} (before the audit: ${mb(before.rss)} / ${mb(before.heapUsed)})`);
    console.log(`  sign-in activity     ${report.signInActivity}`);
    console.log(`  waste                $${report.wasteMonthlyCost.toLocaleString('en-US')}/month: ${report.waste.map((w) => `${w.reason} ${w.userCount}`).join(', ')}`);
    console.log(`  drift                ${report.drift.map((d) => `${d.kind} ${d.userCount}`).join(', ')}`);
  } finally {
    simulator.kill();
    await azurite?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
