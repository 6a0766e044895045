// `npm run bench:joiners`: BENCH_JOINERS (default 1,000) joiners, each with a manager link, three
// groups and one licence, through the local host against the simulator set to Microsoft's
// identity budget (8,000 RU / 10 s, 3,000 writes / 150 s) and 80–200 ms latency; then a naive
// baseline (sequential, one request per operation) in the same run. Prints throughput, Graph
// requests and writes per joiner, 429s and end-to-end latency.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAzurite } from '../dev/local-host/azurite';
import { startLocalHost } from '../dev/local-host/local-host';
import { parseSettings } from '../shared/config/settings';
import { createGraphClient } from '../shared/graph/client';
import { LocalSimulatorCredential } from '../shared/graph/credential';
import { provideServices } from '../shared/runtime/services';
import { postHrEvents } from '../dev/hr-client';
import type { GraphDependency } from '../shared/graph/dependency-recorder';

const N = Number(process.env.BENCH_JOINERS ?? 1000);
const NAIVE = Number(process.env.BENCH_NAIVE_JOINERS ?? 40);
const SECRET = 'bench-hr-webhook-secret-0123456789abcdef';
/** Microsoft's write budget per app and tenant: 3,000 per 150 s. */
const WRITES_PER_SECOND_CEILING = 3000 / 150;
const RULES = {
  groupRules: [
    { groups: ['SG-All-Staff'] },
    { groups: ['SG-Contractors'] },
    { when: { department: 'Sales' }, groups: ['SG-Sales'] },
    { when: { department: 'Engineering' }, groups: ['SG-Engineering'] },
  ],
  licenceRules: [{ licences: [{ sku: 'SPE_E3' }] }],
};

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0;
const isWrite = (d: GraphDependency) => d.method !== 'GET';

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'bench-joiners-'));
  writeFileSync(path.join(work, 'rules.json'), JSON.stringify(RULES));
  const azurite = await startAzurite();
  const host = await startLocalHost({
    port: 0,
    dataDir: path.join(work, 'queue'),
    timersPaused: true,
    log: () => undefined,
    env: { ...process.env, AzureWebJobsStorage: azurite.connectionString, GRAPH_SIMULATOR_PORT: '0', HR_WEBHOOK_SECRET: SECRET, RULES_FILE: path.join(work, 'rules.json') },
  });
  const simulator = host.simulator!;
  for (const sku of simulator.state.skus.values()) sku.enabled = N + NAIVE + 1000;
  simulator.setThrottling({ resourceUnitsPer10s: 8000, writesPer150s: 3000 });
  simulator.setChaos({ latencyMs: [80, 200], seed: 3 });

  const dependencies: GraphDependency[] = [];
  const latencies: number[] = [];
  let settled = 0;
  let lastSettled = 0;
  provideServices({
    telemetry: () => ({
      trackEvent: (name) => {
        if (name === 'LifecycleEventSettled') {
          settled++;
          lastSettled = Date.now();
        }
      },
      trackMetric: (name, value) => void (name === 'lifecycle.timeToProductiveSeconds' && latencies.push(value)),
      trackDependency: (d) => void dependencies.push(d),
      flush: async () => undefined,
    }),
  });

  try {
    // Managers (every tenth) come after their team in the feed, as in a real initial load.
    const events = Array.from({ length: N }, (_, i) => ({
      type: 'joiner',
      eventId: `bench-${i}`,
      occurredAt: new Date().toISOString(),
      employee: { employeeId: `BJ${i}`, givenName: 'Bench', surname: `Joiner${i}`, department: i % 2 ? 'Sales' : 'Engineering', country: 'GB', ...(i % 10 ? { managerEmployeeId: `BJ${i - (i % 10)}` } : {}) },
    }));
    const feed = [...events.filter((_, i) => i % 10 !== 0), ...events.filter((_, i) => i % 10 === 0)];
    const started = Date.now();
    for (let i = 0; i < feed.length; i += 100) {
      const body = JSON.stringify(feed.slice(i, i + 100));
      const response = await postHrEvents(host.url, body, { secret: SECRET });
      if (response.status !== 202) throw new Error(`intake answered ${response.status}`);
    }
    while (settled < N) await new Promise((r) => setTimeout(r, 200));
    const seconds = (lastSettled - started) / 1000;
    const managersLinked = simulator.snapshot().users.filter((u) => String(u.employeeId ?? '').startsWith('BJ') && u.managerId).length;
    const throttled = dependencies.filter((d) => d.status === 429).length;
    const writes = dependencies.filter(isWrite).length;
    const rate = N / seconds;
    const ceiling = WRITES_PER_SECOND_CEILING / (writes / N);

    // Naive baseline: one worker after another, one request per operation, no caching.
    simulator.setThrottling({ resourceUnitsPer10s: 8000, writesPer150s: 3000 });
    const settings = parseSettings({ LIFECYCLE_RUNTIME: 'local', HR_WEBHOOK_SECRET: SECRET, GRAPH_BASE_URL: simulator.url, GRAPH_CREDENTIAL: 'local' });
    let naiveRequests = 0;
    const graph = createGraphClient(settings, new LocalSimulatorCredential(simulator.url), () => naiveRequests++);
    const naiveStart = Date.now();
    for (let i = 0; i < NAIVE; i++) {
      const employeeId = `NV${i}`;
      await graph.api('/users').filter(`employeeId eq '${employeeId}'`).get();
      const user = await graph.api('/users').post({ accountEnabled: true, displayName: `Naive ${i}`, mailNickname: `naive${i}`, userPrincipalName: `naive${i}@contoso.com`, employeeId, usageLocation: 'GB', passwordProfile: { password: `Aa1!${i}xxxxxxxx`, forceChangePasswordNextSignIn: true } });
      const manager = await graph.api('/users').filter(`employeeId eq 'BJ0'`).get();
      await graph.api(`/users/${user.id}/manager/$ref`).put({ '@odata.id': `${simulator.url}/v1.0/users/${manager.value[0].id}` });
      for (const name of ['SG-All-Staff', 'SG-Contractors', i % 2 ? 'SG-Sales' : 'SG-Engineering']) {
        const group = await graph.api('/groups').filter(`displayName eq '${name}'`).get();
        await graph.api(`/groups/${group.value[0].id}/members/$ref`).post({ '@odata.id': `${simulator.url}/v1.0/directoryObjects/${user.id}` });
      }
      const skus = await graph.api('/subscribedSkus').get();
      const e3 = skus.value.find((s: { skuPartNumber: string }) => s.skuPartNumber === 'SPE_E3');
      await graph.api(`/users/${user.id}/assignLicense`).post({ addLicenses: [{ skuId: e3.skuId, disabledPlans: [] }], removeLicenses: [] });
    }
    const naiveRate = NAIVE / ((Date.now() - naiveStart) / 1000);

    const row = (label: string, value: string) => console.log(`  ${label.padEnd(34)} ${value}`);
    console.log(`${N} joiners (manager link, 3 groups, 1 licence) through the local host; Graph at 80–200 ms with Microsoft's identity budget`);
    row('throughput', `${rate.toFixed(2)} joiners/s (${seconds.toFixed(0)} s)`);
    row('write-bound ceiling at our writes', `${ceiling.toFixed(2)} joiners/s → ${((rate / ceiling) * 100).toFixed(0)}% of it`);
    row('Graph requests per joiner', (dependencies.length / N).toFixed(2));
    row('  of which writes', (writes / N).toFixed(2));
    row('HTTP round trips per joiner', `${(dependencies.length / N).toFixed(2)} (no $batch yet)`);
    row('429s', `${throttled} (${((throttled / dependencies.length) * 100).toFixed(1)}% of requests)`);
    row('end-to-end latency p50 / p95', `${percentile(latencies, 50).toFixed(1)} s / ${percentile(latencies, 95).toFixed(1)} s`);
    row('managers linked', `${managersLinked} of ${N - N / 10} reports`);
    console.log(`naive baseline (${NAIVE} joiners, sequential, one request per operation)`);
    row('throughput', `${naiveRate.toFixed(2)} joiners/s, ${(naiveRequests / NAIVE).toFixed(1)} requests per joiner`);
    row('ratio', `${(rate / naiveRate).toFixed(1)}×`);
  } finally {
    await host.stop();
    await azurite.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
