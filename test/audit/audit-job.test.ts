import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import { AuditConfigurationError, runAuditJob } from '../../shared/audit/audit-job';
import type { LicenceAuditReport } from '../../shared/audit/report';
import { summaryOf, type ReportStore } from '../../shared/audit/report-store';
import { parseSettings } from '../../shared/config/settings';
import { createGraphClient } from '../../shared/graph/client';
import { LocalSimulatorCredential } from '../../shared/graph/credential';
import { loadAccessPolicy } from '../../shared/rules/rules-file';
import { noTelemetry } from '../../shared/telemetry/telemetry';
import { IDS, startSimulator } from '../graph-simulator/harness';

let sim: RunningGraphSimulator;
let receiver: Server;
let receiverStatus = 200;
const posts: unknown[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'audit-job-'));

beforeAll(async () => {
  sim = await startSimulator();
  // The sample tenant: Hedy Lamarr (E3) is disabled — one wasted E3.
  sim.state.users.get(IDS.hedy)!.accountEnabled = false;
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posts.push(JSON.parse(body));
      res.writeHead(receiverStatus).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
});
afterAll(async () => {
  await sim?.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});
beforeEach(() => {
  posts.length = 0;
  receiverStatus = 200;
});

class MemoryStore implements ReportStore {
  forTenant(): ReportStore {
    return this;
  }
  readonly reports: LicenceAuditReport[] = [];
  async save(report: LicenceAuditReport) {
    this.reports.unshift(report);
  }
  async latest() {
    return this.reports[0];
  }
  async history(limit: number) {
    return this.reports.slice(0, limit);
  }
  async list(limit: number) {
    return this.reports.slice(0, limit).map(summaryOf);
  }
}

function job(env: Record<string, string> = {}) {
  const settings = parseSettings({
    LIFECYCLE_RUNTIME: 'local', HR_WEBHOOK_SECRET: 'x'.repeat(32), GRAPH_BASE_URL: sim.url, GRAPH_CREDENTIAL: 'local',
    AUDIT_NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, ...env,
  });
  const metrics: { name: string; value: number; dims?: Record<string, string> }[] = [];
  const store = new MemoryStore();
  const deps = {
    graph: createGraphClient(settings, { credential: new LocalSimulatorCredential(sim.url) }),
    policy: loadAccessPolicy(path.join(__dirname, '..', '..', 'config', 'rules.json')),
    settings, store, now: () => new Date(),
    telemetry: { ...noTelemetry, trackMetric: (name: string, value: number, dims?: Record<string, string>) => void metrics.push({ name, value, ...(dims ? { dims } : {}) }) },
  };
  return { run: () => runAuditJob(deps, 'http://localhost/api/licence-audit/report'), metrics, store };
}

describe('the licence audit job', () => {
  it('stores the report and sends Application Insights metrics for every SKU', async () => {
    const { run, metrics, store } = job();
    const { report } = await run();
    expect(store.reports).toEqual([report]);
    for (const sku of report.skus) {
      const of = (name: string) => metrics.find((m) => m.name === name && m.dims?.sku === sku.skuPartNumber)?.value;
      expect([of('licence.available'), of('licence.consumed'), of('licence.utilisationPercent')]).toEqual([sku.available, sku.consumed, sku.utilisationPercent]);
    }
    expect(metrics.find((m) => m.name === 'licence.wasteMonthlyCost')?.value).toBe(report.wasteMonthlyCost);
  });

  it('when LICENCE_PRICES_FILE prices E3, then waste is costed at that price', async () => {
    const file = path.join(dir, 'prices.json');
    writeFileSync(file, JSON.stringify({ SPE_E3: 20.5 }));
    const { report } = await job({ LICENCE_PRICES_FILE: file }).run();
    expect(report.waste.find((w) => w.reason === 'disabled-account')).toMatchObject({ userCount: 1, monthlyCost: 20.5 });
    expect(report.skus.find((s) => s.skuPartNumber === 'SPE_E3')?.monthlyPrice).toBe(20.5);
  });

  it('when LICENCE_PRICES_FILE is not a price table, then it stops with a configuration error naming the file', async () => {
    const file = path.join(dir, 'bad-prices.json');
    writeFileSync(file, JSON.stringify({ SPE_E3: 'thirty' }));
    await expect(job({ LICENCE_PRICES_FILE: file }).run()).rejects.toThrow(AuditConfigurationError);
    await expect(job({ LICENCE_PRICES_FILE: file }).run()).rejects.toThrow(/bad-prices\.json: SPE_E3/);
  });

  it('when a SKU runs below the low-stock threshold, then the webhook gets one Teams/Slack `text` notice with the report link', async () => {
    const { notification, alerts } = await job({ LICENCE_LOW_STOCK_THRESHOLD: '5', LICENCE_WASTE_ALERT_MONTHLY: '1000' }).run();
    expect(notification).toBe('sent');
    expect(alerts).toEqual([expect.stringContaining('Exchange Online (Plan 1): 0 of 5 left')]);
    expect(posts).toEqual([{ text: expect.stringContaining('http://localhost/api/licence-audit/report') }]);
    expect(JSON.stringify(posts)).not.toMatch(/hedy|lamarr/i);
  });

  it('when waste passes LICENCE_WASTE_ALERT_MONTHLY, then that alone is worth a notice', async () => {
    const { alerts } = await job({ LICENCE_LOW_STOCK_THRESHOLD: '0', LICENCE_WASTE_ALERT_MONTHLY: '10' }).run();
    expect(alerts).toEqual([expect.stringMatching(/\$36\/month of licences are wasted/)]);
    expect(posts).toHaveLength(1);
  });

  it('when no threshold is crossed, then nothing is posted', async () => {
    const { notification } = await job({ LICENCE_LOW_STOCK_THRESHOLD: '0', LICENCE_WASTE_ALERT_MONTHLY: '1000' }).run();
    expect(notification).toBe('nothing-to-say');
    expect(posts).toHaveLength(0);
  });

  it('when the webhook refuses the notice, then the report is still stored and the failure is returned', async () => {
    receiverStatus = 500;
    const { run, store } = job();
    const { notification } = await run();
    expect(notification).toEqual({ failed: 'audit notification webhook answered 500' });
    expect(store.reports).toHaveLength(1);
  });
});
