// `npm run bench`: the licence audit against a simulated tenant of BENCH_USERS (default 100,000)
// users, the simulator in its own process so the numbers are the audit's. Prints Graph requests,
// seconds and peak memory of the audit process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLicenceAudit } from '../shared/audit/run-audit';
import { DEFAULT_MONTHLY_PRICES } from '../shared/audit/sku-catalog';
import { parseSettings } from '../shared/config/settings';
import { createGraphClient } from '../shared/graph/client';
import { LocalSimulatorCredential } from '../shared/graph/credential';
import { loadAccessPolicy } from '../shared/processing/rules-policy';
import { freePort } from '../dev/local-host/azurite';

const users = Number(process.env.BENCH_USERS ?? 100_000);
const root = path.join(__dirname, '..');
const SKUS = { E3: '05e9a617-0261-4cee-bb44-138d3ef5d965', E5: '06ebc4ee-1bb5-47dd-8120-11324bc54e06' };

/** A seed with `count` workers: most licensed, some disabled, departed, doubly licensed or unlicensed. */
function generateSeed(count: number): unknown {
  const sample = JSON.parse(readFileSync(path.join(root, 'dev', 'graph-simulator', 'seed.sample.json'), 'utf8')) as {
    users: unknown[];
    groups: { displayName: string; memberIds: string[] }[];
    subscribedSkus: { skuPartNumber: string; enabled: number }[];
  };
  const departments = ['Sales', 'Engineering', 'Finance', 'Support'];
  const generated = [];
  for (let i = 0; i < count; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const licences = i % 50 === 0 ? [] : i % 97 === 0 ? [SKUS.E3, SKUS.E5] : [SKUS.E3];
    generated.push({
      id,
      userPrincipalName: `worker${i}@contoso.com`,
      displayName: `Worker ${i}`,
      accountEnabled: i % 41 !== 0,
      employeeId: `B${i}`,
      department: departments[i % departments.length],
      country: 'GB',
      usageLocation: 'GB',
      createdDateTime: '2024-01-01T00:00:00Z',
      ...(i % 67 === 0 ? { employeeLeaveDateTime: '2026-01-31T00:00:00Z' } : {}),
      signInActivity: { lastSignInDateTime: i % 13 === 0 ? '2025-01-01T00:00:00Z' : '2026-11-20T00:00:00Z' },
      assignedLicenses: licences.map((skuId) => ({ skuId, disabledPlans: [] })),
    });
    if (i % 3 !== 0) sample.groups.find((g) => g.displayName === 'SG-All-Staff')?.memberIds.push(id);
  }
  for (const sku of sample.subscribedSkus) if (sku.skuPartNumber === 'SPE_E3' || sku.skuPartNumber === 'SPE_E5') sku.enabled = count + 1000;
  return { ...sample, users: [...sample.users, ...generated] };
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'bench-audit-'));
  const seedFile = path.join(work, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(generateSeed(users)));
  const port = await freePort();
  const simulator = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'dev', 'graph-simulator', 'main.ts')], {
    env: { ...process.env, GRAPH_SIMULATOR_PORT: String(port), GRAPH_SEED_FILE: seedFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      simulator.stdout?.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
      simulator.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
    });
    const settings = parseSettings({ LIFECYCLE_RUNTIME: 'local', HR_WEBHOOK_SECRET: 'x'.repeat(32), GRAPH_BASE_URL: `https://localhost:${port}`, GRAPH_CREDENTIAL: 'local' });
    let requests = 0;
    let pages = 0;
    const graph = createGraphClient(settings, new LocalSimulatorCredential(settings.GRAPH_BASE_URL), (d) => {
      requests++;
      if (d.route === '/users') pages++;
    });
    let peakRss = 0;
    let peakHeap = 0;
    const sample = () => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    };
    sample();
    const baselineRss = process.memoryUsage().rss;
    const sampler = setInterval(sample, 20);
    const started = performance.now();
    const report = await runLicenceAudit(
      { graph, policy: loadAccessPolicy(path.join(root, 'config', 'rules.json')), now: () => new Date(), tenantId: 'bench', prices: DEFAULT_MONTHLY_PRICES, lowStockThreshold: 5, inactiveDays: 90 },
      'bench',
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    sample();
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
    console.log(`licence audit over ${users.toLocaleString('en-US')} users (simulator in its own process)`);
    console.log(`  users scanned        ${report.usersScanned.toLocaleString('en-US')}`);
    console.log(`  Graph requests       ${requests} (${pages} pages of /users)`);
    console.log(`  seconds              ${seconds.toFixed(1)}`);
    console.log(`  peak RSS / heap      ${mb(peakRss)} / ${mb(peakHeap)} (RSS before: ${mb(baselineRss)})`);
    console.log(`  waste                $${report.wasteMonthlyCost.toLocaleString('en-US')}/month: ${report.waste.map((w) => `${w.reason} ${w.userCount}`).join(', ')}`);
    console.log(`  drift                ${report.drift.map((d) => `${d.kind} ${d.userCount}`).join(', ')}`);
  } finally {
    simulator.kill();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
