import { TableWriteShareStore } from '../../shared/graph/table-write-share';
import { WriteShare } from '../../shared/graph/write-share';
import { HOME_TENANT } from '../../shared/domain/events';
import { homePolicy, localSettings } from '../tenancy/fixtures';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import type { Browser, BrowserContext } from 'playwright-core';
import { LocalServiceBus } from '../../dev/local-service-bus';
import { LocalDeadLetters } from '../../dev/local-service-bus/dead-letters';
import { BlobReportStore } from '../../shared/audit/report-store';
import { tenantsView } from '../../shared/console/tenants-view';
import { createTenantRegistry } from '../../shared/tenancy/tenant-registry';
import { hrEvent, postAndWait, useTenantHost } from '../support/tenant';
import { launchChromium, openView, strictContext } from './browser';

/**
 * The tenants route's Graph budget: deployment-wide when the instances divide a tenant's budget
 * through the write-share table (GRAPH_WRITE_SHARE=table), this instance's governor otherwise —
 * and the JSON says which. Other instances are simulated the way each service container holds its
 * share (shared/runtime/services.ts): a WriteShare over the same table of the same Azurite.
 */

const WRITES_PER_SECOND = 12;
const tableName = (what: string) => `consoleShare${what}${process.pid}x${Date.now()}`;

interface Budget {
  scope: string;
  thisInstance?: { writesPerSecond: number; inFlight: number; concurrency: number };
  deployment?: { instances: number; writesPerSecond: number; source: string; holders: { instanceId: string; renewedAt: string; writesPerSecond: number }[]; error?: string };
}
interface Row { key: string; budget?: Budget; throttling?: { scope: string; throttled?: number } }

let browser: Browser;
let strict: { context: BrowserContext; problems: string[] };
beforeAll(async () => {
  browser = await launchChromium();
  strict = await strictContext(browser);
}, 60_000);
afterAll(() => browser?.close());

/** The home tenant's Graph budget and throttling cells as the console's #tenants view shows them. */
async function pageCells(url: string): Promise<{ budget: string; throttling: string }> {
  const page = await strict.context.newPage();
  await openView(page, url, '#tenants');
  const cells = await page.$$eval(`#tenants-table tbody tr[data-tenant="${HOME_TENANT}"] td`, (tds) => tds.map((td) => td.textContent ?? ''));
  await page.close();
  expect(strict.problems).toEqual([]);
  return { budget: cells[3] ?? '', throttling: cells[4] ?? '' };
}

async function homeRow(url: string): Promise<Row> {
  const response = await fetch(`${url}/api/console/tenants`);
  expect(response.status).toBe(200);
  const { tenants } = (await response.json()) as { tenants: Row[] };
  return tenants.find((t) => t.key === HOME_TENANT)!;
}

/** Another instance of the deployment writing to the home tenant: its share's row in the table. */
function otherInstance(table: string, instanceId: string): WriteShare {
  const store = TableWriteShareStore.fromSettings(localSettings({ AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION_STRING ?? '', GRAPH_WRITE_SHARE_TABLE_NAME: table }));
  return new WriteShare({ store, tenantKey: HOME_TENANT, instanceId, writesPerSecond: WRITES_PER_SECOND, onShare: () => undefined });
}

describe('console tenants: the Graph budget across the deployment, with GRAPH_WRITE_SHARE=table', () => {
  const table = tableName('On');
  const t = useTenantHost({ env: { GRAPH_WRITE_SHARE: 'table', GRAPH_WRITE_SHARE_TABLE_NAME: table, GRAPH_WRITES_PER_SECOND: String(WRITES_PER_SECOND) } });
  const open: WriteShare[] = [];
  afterAll(() => Promise.all(open.map((s) => s.close())));

  it('when no instance writes to the tenant, then the deployment has none, and that is said, not guessed', async () => {
    const { budget } = await homeRow(t.host.url);
    expect(budget).toMatchObject({ scope: 'deployment', deployment: { instances: 0, writesPerSecond: 0, source: 'write-share-table', holders: [] } });
  });

  it('when two instances write to the tenant, then the route reports both, each with its share, and the shares summed', async () => {
    const [a, b] = [otherInstance(table, 'instance-a'), otherInstance(table, 'instance-b')];
    open.push(a, b);
    await a.beforeWrite();
    await b.beforeWrite(); // b found a: it waited one renewal, by which a had cut its own share
    const { budget, throttling } = await homeRow(t.host.url);
    expect(budget?.scope).toBe('deployment');
    expect(budget?.deployment).toMatchObject({ instances: 2, writesPerSecond: WRITES_PER_SECOND, source: 'write-share-table' });
    const holders = budget!.deployment!.holders;
    expect(holders.map((h) => [h.instanceId, h.writesPerSecond]).sort()).toEqual([['instance-a', 6], ['instance-b', 6]]);
    for (const h of holders) expect(Date.now() - Date.parse(h.renewedAt)).toBeLessThan(10_000);
    // This instance made no Graph call: it holds no governor, and throttling is not claimed for the others.
    expect(budget?.thisInstance).toBeUndefined();
    if (throttling) expect(throttling.scope).toBe('this-instance');
    const cells = await pageCells(t.host.url);
    expect(cells.budget).toContain(`Deployment: 2 instance(s) writing, ${WRITES_PER_SECOND} writes/s (6 writes/s each)`);
    expect(cells.budget).toContain('This instance: no Graph call since it started');
    expect(cells.throttling).toBe('This instance: none (no Graph call)');
  });

  it('when an instance stopped without giving its row up, then its row, once expired, is not counted', async () => {
    const store = TableWriteShareStore.fromSettings(localSettings({ AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION_STRING ?? '', GRAPH_WRITE_SHARE_TABLE_NAME: table }));
    // The row a crashed instance leaves: its last renewal, live three intervals, then past.
    await store.announce(HOME_TENANT, 'instance-crashed', Date.now() - 1);
    const { budget } = await homeRow(t.host.url);
    expect(budget?.deployment).toMatchObject({ instances: 2 });
    expect(budget!.deployment!.holders.map((h) => h.instanceId)).not.toContain('instance-crashed');
  });

  it('when one of them stops writing and gives its row up, then the other holds the whole budget', async () => {
    await open[1]!.close();
    const { budget } = await homeRow(t.host.url);
    expect(budget?.deployment).toMatchObject({ instances: 1, writesPerSecond: WRITES_PER_SECOND, holders: [{ instanceId: 'instance-a', writesPerSecond: WRITES_PER_SECOND }] });
  });
});

describe('console tenants: the Graph budget with the share off (GRAPH_WRITE_SHARE=instance)', () => {
  const table = tableName('Off');
  const t = useTenantHost({ env: { GRAPH_WRITE_SHARE: 'instance', GRAPH_WRITE_SHARE_TABLE_NAME: table } });
  const other = otherInstance(table, 'instance-elsewhere');
  afterAll(() => other.close());

  it("when the tenant has written, then budget and throttling are this instance's governor, said so, and rows in the table are not read", async () => {
    await other.beforeWrite();
    await postAndWait(t.host, hrEvent('joiner', { employeeId: 'TB-1', givenName: 'Budget', surname: 'Scope', department: 'Engineering', country: 'GB' }));
    const { budget, throttling } = await homeRow(t.host.url);
    expect(budget?.scope).toBe('this-instance');
    expect(budget?.deployment).toBeUndefined();
    expect(budget?.thisInstance).toEqual({ writesPerSecond: expect.any(Number), inFlight: expect.any(Number), concurrency: expect.any(Number) });
    expect(throttling).toMatchObject({ scope: 'this-instance', throttled: expect.any(Number) });
    const cells = await pageCells(t.host.url);
    expect(cells.budget).toContain(`This instance only: ${budget!.thisInstance!.writesPerSecond} writes/s`);
    expect(cells.budget).toContain('other instances are not counted');
    expect(cells.throttling).toMatch(/^This instance: \d+ throttled/);
  });
});

describe('console tenants: the Graph budget when the write-share table cannot be read', () => {
  it('then the tenant still lists, its budget is this instance only, and the reason names no address or key', async () => {
    const connection = process.env.TEST_STORAGE_CONNECTION_STRING ?? '';
    const settings = localSettings({ AzureWebJobsStorage: connection, GRAPH_WRITE_SHARE: 'table' });
    // Azurite's own account, on a port nothing listens on (as test/graph/write-share.test.ts does).
    const unreachable = connection.replace(/TableEndpoint=http:\/\/127\.0\.0\.1:\d+/, 'TableEndpoint=http://127.0.0.1:9');
    const shares = new TableWriteShareStore(TableClient.fromConnectionString(unreachable, 'consoleShareUnreachable', { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } }));
    const bus = await LocalServiceBus.open({ dataDir: mkdtempSync(path.join(tmpdir(), 'tenants-budget-bus-')), log: () => undefined });
    bus.createQueue(settings.PROCESSING_QUEUE_NAME);
    try {
      const view = await tenantsView({
        states: await createTenantRegistry(settings, process.env, homePolicy).list(),
        activity: [],
        deadLetters: new LocalDeadLetters(bus),
        queues: [settings.PROCESSING_QUEUE_NAME],
        reports: BlobReportStore.fromSettings(localSettings({ AzureWebJobsStorage: connection, AUDIT_CONTAINER_NAME: `tenants-budget-${Date.now()}` })),
        shares,
      });
      const home = view.tenants.find((t) => t.key === HOME_TENANT)!;
      expect(home.state).toBe('ready');
      expect(home.budget).toEqual({ scope: 'this-instance', deployment: { source: 'write-share-table', error: expect.stringMatching(/^the write-share table could not be read \(.+\)$/) } });
      const said = JSON.stringify(home.budget);
      expect(said).not.toMatch(/127\.0\.0\.1|AccountKey|devstoreaccount1/);
    } finally {
      await bus.close();
    }
  });
});
