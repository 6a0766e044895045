import type { Browser, BrowserContext } from 'playwright-core';
import type { LicenceAuditReport } from '../../shared/audit/report';
import { startTestHost, type TestHost } from '../support/test-host';
import { axeViolations, launchChromium, openView, strictContext } from './browser';
import { auditStore, seedAuditDays } from './seed';
import type { TrendPoint } from '../../shared/console/licence-trend';

// The licence view's trend (issue 17, item 7): every stored audit of the tenant, dated, drawn with dated axes and values.

const container = `trend-${Date.now()}`;
let host: TestHost;
let audits: LicenceAuditReport[];
let browser: Browser;
let strict: { context: BrowserContext; problems: string[] };

beforeAll(async () => {
  host = await startTestHost({ env: { AUDIT_CONTAINER_NAME: container } });
  audits = await seedAuditDays(host, container);
  browser = await launchChromium();
  strict = await strictContext(browser);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

interface LicencesBody { id: string; trend: TrendPoint[]; trendTruncated?: boolean }

async function licences(): Promise<LicencesBody> {
  const response = await fetch(`${host.url}/api/console/licences?tenant=default`);
  if (response.status !== 200) throw new Error(`licences: ${response.status} ${await response.text()}`);
  return (await response.json()) as LicencesBody;
}

const spendOf = (r: LicenceAuditReport) => r.skus.reduce((n, s) => n + s.consumed * (s.monthlyPrice ?? 0), 0);
const dayOf = (iso: string) => iso.slice(0, 10);

describe('the licences route’s trend', () => {
  it('when the tenant was audited on three days (twice on the last), then the trend is every audit, oldest first, each dated with its spend, waste and utilisation per SKU', async () => {
    const body = await licences();
    expect(body.id).toBe(audits.at(-1)!.id);
    expect(body.trend.map((p) => p.id)).toEqual(audits.map((a) => a.id));
    expect(new Set(body.trend.map((p) => dayOf(p.generatedAt))).size).toBe(3);
    expect(body.trend).toEqual(
      audits.map((a) => ({
        id: a.id,
        generatedAt: a.generatedAt,
        usersScanned: a.usersScanned,
        monthlySpend: spendOf(a),
        wasteMonthlyCost: a.wasteMonthlyCost,
        skus: a.skus.map((s) => ({ skuPartNumber: s.skuPartNumber, productName: s.productName, utilisationPercent: s.utilisationPercent, consumed: s.consumed, enabled: s.enabled })),
      })),
    );
    expect(body.trendTruncated).toBeUndefined();
    // The tenant changed between the audits, so the trend is not flat.
    const [first, second, third] = body.trend;
    expect(second!.monthlySpend).toBeGreaterThan(first!.monthlySpend!);
    expect(third!.wasteMonthlyCost).toBeGreaterThan(second!.wasteMonthlyCost);
  });
});

describe('the licence view’s trend', () => {
  it('when #licences is open, then the trend has a dated x-axis label per audit day, y-axis values, and each day’s latest spend and waste as a point with its value shown', async () => {
    const { trend } = await licences();
    const days = [...new Set(trend.map((p) => dayOf(p.generatedAt)))];
    const latestOfDay = days.map((d) => trend.filter((p) => dayOf(p.generatedAt) === d).at(-1)!);
    const page = await strict.context.newPage();
    await openView(page, host.url, '#licences?tenant=default');

    expect(await page.$$eval('#trend .tick.x', (ts) => ts.map((t) => t.textContent))).toEqual(days);
    const yLabels = await page.$$eval('#trend .tick.y', (ts) => ts.map((t) => t.textContent ?? ''));
    expect(yLabels.length).toBeGreaterThanOrEqual(3);
    expect(yLabels.every((l) => /^\$[\d,.]+$/.test(l))).toBe(true);
    const points = await page.$$eval('#trend .point', (ps) => ps.map((p) => ({ series: p.getAttribute('data-series'), date: p.getAttribute('data-date'), value: Number(p.getAttribute('data-value')), shown: p.querySelector('text')?.textContent })));
    const money = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 })}`;
    expect(points).toEqual([
      ...latestOfDay.map((p) => ({ series: 'Monthly spend', date: dayOf(p.generatedAt), value: p.monthlySpend, shown: money(p.monthlySpend!) })),
      ...latestOfDay.map((p) => ({ series: 'Monthly waste', date: dayOf(p.generatedAt), value: p.wasteMonthlyCost, shown: money(p.wasteMonthlyCost) })),
    ]);
    // Utilisation per SKU over the same days, one line per SKU.
    const skus = latestOfDay.at(-1)!.skus;
    expect(await page.$$eval('#utilisation-trend .series', (ss) => ss.map((x) => x.getAttribute('data-series')))).toEqual(skus.map((s) => s.productName));
    expect(await page.$$eval('#utilisation-trend .tick.x', (ts) => ts.map((t) => t.textContent))).toEqual(days);
    await page.close();
  });

  it('when #licences is open, then a table gives every audit’s date, spend, waste and utilisation per SKU as text, newest first', async () => {
    const { trend } = await licences();
    const page = await strict.context.newPage();
    await openView(page, host.url, '#licences?tenant=default');
    const rows = await page.$$eval('#trend-table tbody tr', (trs) => trs.map((tr) => ({ id: tr.getAttribute('data-audit'), cells: [...tr.children].map((c) => c.textContent) })));
    expect(rows.map((r) => r.id)).toEqual([...trend].reverse().map((p) => p.id));
    const newest = trend.at(-1)!;
    expect(rows[0]!.cells[0]).toBe(`${newest.generatedAt.slice(0, 10)} ${newest.generatedAt.slice(11, 16)} UTC`);
    expect(rows[0]!.cells).toEqual(expect.arrayContaining([`$${newest.monthlySpend!.toLocaleString('en-US', { maximumFractionDigits: 2 })}`, `$${newest.wasteMonthlyCost.toLocaleString('en-US', { maximumFractionDigits: 2 })}`]));
    for (const sku of newest.skus) expect(rows[0]!.cells.join(' ')).toContain(`${sku.productName} ${sku.utilisationPercent}%`);
    expect(await page.isVisible('#trend-table')).toBe(true);
    await page.close();

    const context = await browser.newContext({ bypassCSP: true }); // for axe's script tag only
    const checked = await context.newPage();
    await openView(checked, host.url, '#licences?tenant=default');
    expect(await axeViolations(checked)).toEqual([]);
    await context.close();
    expect(strict.problems).toEqual([]);
  });
});

describe('the trend’s bound', () => {
  it('when the store holds more audits than the trend keeps, then the trend is the newest 90, oldest first, and says it is cut', async () => {
    const store = auditStore(container);
    const oldest = audits[0]!;
    for (let d = 3; d < 93; d++) await store.save({ ...oldest, id: `old-${d}`, generatedAt: new Date(Date.parse(oldest.generatedAt) - d * 86_400_000).toISOString() });
    const body = await licences();
    expect(body.trend).toHaveLength(90);
    expect(body.trendTruncated).toBe(true);
    expect(body.trend.at(-1)!.id).toBe(audits.at(-1)!.id);
    const times = body.trend.map((p) => Date.parse(p.generatedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  }, 60_000);
});
