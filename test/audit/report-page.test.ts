import { chromium, type Browser } from 'playwright-core';
import type { LicenceAuditReport } from '../../shared/audit/report';
import { startTestHost, type TestHost } from '../support/test-host';
import { seedAuditTenant } from './seeded-tenant';

// Debian's Chromium (.ci/run installs it); the flags keep it off a network it cannot reach.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let host: TestHost;
let browser: Browser;
let report: LicenceAuditReport;

beforeAll(async () => {
  host = await startTestHost({ env: { AUDIT_CONTAINER_NAME: `page-${Date.now()}` } });
  await seedAuditTenant(host);
  for (let run = 0; run < 2; run++) expect((await fetch(`${host.url}/api/licence-audit/run`, { method: 'POST' })).status).toBe(200);
  report = (await (await fetch(`${host.url}/api/licence-audit/report.json`)).json()) as LicenceAuditReport;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('the licence report page in a real browser', () => {
  it('when opened, then it renders its charts and every number matches the JSON report', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${host.url}/api/licence-audit/report`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toContain('Licence audit');

    const bars = await page.$$eval('#utilisation .bar', (els) => els.map((e) => ({ label: e.getAttribute('data-label'), value: Number(e.getAttribute('data-value')) })));
    expect(bars).toEqual(report.skus.map((s) => ({ label: s.productName, value: s.utilisationPercent })));
    const wasteBars = await page.$$eval('#waste .bar', (els) => els.map((e) => Number(e.getAttribute('data-value'))));
    expect(wasteBars).toEqual(report.waste.map((w) => w.monthlyCost));
    const points = await page.$$eval('#trend .point', (els) => els.length);
    expect(points).toBe(2);
    expect(Number(await page.getAttribute('#summary', 'data-waste-monthly-cost'))).toBe(report.wasteMonthlyCost);

    const rows = await page.$$eval('#skus tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual(
      report.skus.map((s) => [s.productName, s.skuPartNumber, ...[s.enabled, s.suspended, s.warning, s.consumed, s.available].map(String), `${s.utilisationPercent}%`, s.lowStock ? 'low stock' : '']),
    );
    expect(report.skus.some((s) => s.suspended > 0)).toBe(true);
    expect(await page.textContent('tr[data-sku="EXCHANGESTANDARD"]')).toContain('low stock');

    const box = await page.locator('#utilisation svg').boundingBox();
    expect(box?.width).toBeGreaterThan(100);
    await page.close();
  });
});
