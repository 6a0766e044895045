import type { Browser, BrowserContext, Page } from 'playwright-core';
import { functionDeclarations } from '../../functions/declarations';
import { EVENT_TYPES } from '../../shared/domain/events';
import { EVENT_STATUSES } from '../../shared/ledger/types';
import { CONSOLE_CSP } from '../../shared/console-page/page';
import { startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, tenant } from '../support/tenant';
import { axeViolations, launchChromium, openView, screenshot, strictContext, until, waitForView } from './browser';
import { rulesWithSmallMassLeaverThreshold, seedConsoleRun, type SeededRun } from './seed';

// The approvals view and its Approve are specified in approvals-page.test.ts.

let host: TestHost;
let sim: ReturnType<typeof tenant>;
let seeded: SeededRun;
let browser: Browser;
let strict: { context: BrowserContext; problems: string[] };

beforeAll(async () => {
  const auditContainer = `console-${Date.now()}`;
  host = await startTestHost({ env: { RULES_FILE: rulesWithSmallMassLeaverThreshold(), AUDIT_CONTAINER_NAME: auditContainer } });
  sim = tenant(host);
  seeded = await seedConsoleRun(host, auditContainer);
  browser = await launchChromium();
  strict = await strictContext(browser);
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

/** What the page reads, read by the test from the same route (local mode: open to loopback callers). */
async function json<T = Record<string, unknown>>(route: string): Promise<T> {
  const response = await fetch(`${host.url}/api/console/${route}`);
  if (response.status !== 200) throw new Error(`${route}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function newPage(): Promise<Page> {
  return strict.context.newPage();
}

interface EventSummary { eventId: string; status: string; employeeId: string; tenantId: string }
interface Stuck { deadLetters: { reason: string; remedy: string; count: number; items: { messageId: string; eventId: string; employeeId: string }[] }[]; waiting: { eventId: string }[] }

describe('the console page, served by the app', () => {
  it('when GET /api/console, then it is HTML under the strict CSP with no inline script or style, and its assets come from this origin', async () => {
    const response = await fetch(`${host.url}/api/console`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    expect(CONSOLE_CSP).toBe(response.headers.get('content-security-policy'));
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style=/);
    const sources = [...html.matchAll(/(?:src|href)="([^"#]+)"/g)].map((m) => m[1]!).filter((s) => s !== 'data:,'); // the icon: none, so no request
    expect(sources.sort()).toEqual([expect.stringMatching(/^\/api\/console\/assets\/console\.css\?v=[0-9a-f]{16}$/), expect.stringMatching(/^\/api\/console\/assets\/console\.js\?v=[0-9a-f]{16}$/)]);
    for (const source of sources) {
      const asset = await fetch(`${host.url}${source}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(source.includes('.js') ? /^text\/javascript/ : /^text\/css/);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect(await asset.text()).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)[a-z]/i);
    }
    expect((await fetch(`${host.url}/api/console/assets/..%2Fpackage.json`)).status).toBe(404);
  });

  it('when opened locally, then it says it is open to this machine, as /api/console/me does', async () => {
    const me = await json<{ mode: string; roles: string[] }>('me');
    expect(me).toMatchObject({ mode: 'local-open', roles: ['Reader', 'Operator'] });
    const page = await newPage();
    await openView(page, host.url, '#events');
    expect(await page.getAttribute('#who [data-mode]', 'data-mode')).toBe('local-open');
    expect(await page.textContent('#who')).toContain('open to this machine');
    await page.close();
  });
});

describe('every view renders the run’s real data', () => {
  it('when #events is open, then its rows and counts are the events route’s, its filters offer every type and status, and a new event appears without a reload', async () => {
    const page = await newPage();
    await openView(page, host.url, '#events');
    const expected = await json<{ events: EventSummary[]; counts: Record<string, number> }>('events?limit=200');
    const rows = await page.$$eval('#events-table tbody tr', (trs) => trs.map((tr) => ({ id: tr.getAttribute('data-event-id'), status: tr.querySelector('.status')?.textContent })));
    expect(rows).toEqual(expected.events.map((e) => ({ id: e.eventId, status: e.status })));
    expect(rows.length).toBeGreaterThan(15);
    const counts = await page.$$eval('#status-counts li', (lis) => Object.fromEntries(lis.map((li) => [li.getAttribute('data-status'), Number(li.getAttribute('data-count'))])));
    expect(counts).toEqual(expected.counts);
    expect(counts['dead-lettered']).toBeGreaterThanOrEqual(3);
    expect(await page.$$eval('#filter-status option', (os) => os.map((o) => o.getAttribute('value')).filter(Boolean))).toEqual([...EVENT_STATUSES]);
    expect(await page.$$eval('#filter-type option', (os) => os.map((o) => o.getAttribute('value')).filter(Boolean))).toEqual([...EVENT_TYPES]);
    await screenshot(page, 'events');

    const response = await host.postHr(JSON.stringify(hrEvent('joiner', { employeeId: 'CPLIVE', givenName: 'Live', surname: 'Arrival', country: 'GB' })));
    const { events } = (await response.json()) as { events: { eventId: string }[] };
    const live = page.locator(`#events-table tr[data-event-id="${events[0]!.eventId}"]`);
    await live.waitFor({ timeout: 20_000 });
    expect(await live.getAttribute('class')).toContain('new');
    await host.waitForStatus(events[0]!.eventId);
    await page.close();
  });

  it('when a keyboard user tabs through the filters and presses Enter on Apply, then the list is the route’s answer for those filters', async () => {
    const page = await newPage();
    await openView(page, host.url, '#events');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    const order: string[] = [];
    for (let i = 0; i < 40 && order.at(-1) !== 'apply-filters'; i++) {
      await page.keyboard.press('Tab');
      const id = String(await page.evaluate('document.activeElement?.id ?? ""'));
      if (id && order.at(-1) !== id) order.push(id);
      if (id === 'filter-employee') await page.keyboard.type('CL3');
    }
    expect(order.filter((id) => id.startsWith('filter-') || id === 'apply-filters')).toEqual(['filter-tenant', 'filter-type', 'filter-status', 'filter-employee', 'filter-from', 'filter-to', 'apply-filters']);
    await page.keyboard.press('Enter');
    await until(async () => (await page.$$eval('#events-table tbody tr td:nth-child(5)', (tds) => tds.map((td) => td.textContent))).every((id) => id === 'CL3'));
    const expected = await json<{ events: EventSummary[] }>('events?employeeId=CL3&limit=200');
    expect(expected.events.length).toBe(2);
    expect(await page.$$eval('#events-table tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-event-id')))).toEqual(expected.events.map((e) => e.eventId));
    expect(page.url()).toContain('employeeId=CL3');
    await page.close();
  });

  it('when #worker/CL1 is open, then every event of the worker is shown oldest first with its steps, outcomes and durations, and the leaver snapshot', async () => {
    const page = await newPage();
    await openView(page, host.url, '#worker/CL1?tenant=default');
    const expected = await json<{ events: { eventId: string; steps: { name: string; outcome: string }[] }[]; snapshot?: unknown }>('workers/CL1?tenant=default');
    expect(expected.events.length).toBe(2);
    const shown = await page.$$eval('#timeline article.event', (articles) =>
      articles.map((a) => ({ id: a.getAttribute('data-event-id'), steps: [...a.querySelectorAll('tbody tr')].map((tr) => ({ name: tr.getAttribute('data-step'), outcome: tr.children[1]?.textContent })) })),
    );
    expect(shown).toEqual(expected.events.map((e) => ({ id: e.eventId, steps: e.steps.map((s) => ({ name: s.name, outcome: s.outcome })) })));
    expect(await page.$$eval('#timeline tbody tr td:nth-child(5)', (tds) => tds.every((td) => /\d+(\.\d)? (ms|s|min|h)$/.test(td.textContent ?? '')))).toBe(true);
    expect(expected.snapshot).toBeDefined();
    expect(await page.isVisible('#snapshot')).toBe(true);
    await screenshot(page, 'worker');
    await page.close();
  });

  it('when #stuck is open, then dead letters are grouped by reason with counts and remedies as the route says, and a held leaver can be released there', async () => {
    const page = await newPage();
    await openView(page, host.url, '#stuck');
    const expected = await json<Stuck>('stuck');
    const groups = await page.$$eval('section.reason-group', (ss) => ss.map((s) => ({ reason: s.getAttribute('data-reason'), count: Number(s.getAttribute('data-count')), remedy: s.querySelector('.remedy')?.textContent, items: [...s.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-message-id')) })));
    expect(groups).toEqual(expected.deadLetters.map((g) => ({ reason: g.reason, count: g.count, remedy: `Remedy: ${g.remedy}`, items: g.items.map((i) => i.messageId) })));
    const reasons = groups.map((g) => g.reason);
    expect(reasons).toEqual(expect.arrayContaining(['create-user: InvalidUsageLocation', 'mass-leaver-guard: MassLeaverHold']));
    const hold = page.locator('section.reason-group[data-reason^="mass-leaver-guard"]');
    expect(await hold.locator('button[data-action="release"]').count()).toBe(2);
    expect(await page.locator('section.reason-group[data-reason^="create-user"] button[data-action="release"]').count()).toBe(0);
    expect(await page.$$eval('#waiting-table tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-event-id')))).toEqual(expected.waiting.map((w) => w.eventId));
    await screenshot(page, 'stuck');
    await page.close();
  });

  it('when #tenants is open, then each tenant of the route is a row with its state', async () => {
    const page = await newPage();
    await openView(page, host.url, '#tenants');
    const body = await json<unknown>('tenants');
    const expected = (Array.isArray(body) ? body : (body as { tenants: unknown[] }).tenants) as { key: string; state: string }[];
    const rows = await page.$$eval('#tenants-table tbody tr', (trs) => trs.map((tr) => ({ key: tr.getAttribute('data-tenant'), state: tr.querySelector('.status')?.textContent })));
    expect(rows).toEqual(expected.map((t) => ({ key: t.key, state: t.state })));
    expect(rows).toContainEqual({ key: 'default', state: 'ready' });
    await screenshot(page, 'tenants');
    await page.close();
  });

  it('when #licences is open, then totals, utilisation, waste, trend and the findings’ users are the licence report’s', async () => {
    const page = await newPage();
    await openView(page, host.url, '#licences?tenant=default');
    const report = await json<{
      skus: { productName: string; utilisationPercent: number; consumed: number; monthlyPrice?: number }[];
      waste: { reason: string; monthlyCost: number; sample: unknown[] }[];
      drift: { sample: unknown[] }[];
      wasteMonthlyCost: number;
      trend: { generatedAt: string; wasteMonthlyCost: number }[];
    }>('licences?tenant=default');
    const spend = report.skus.reduce((n, s) => n + s.consumed * (s.monthlyPrice ?? 0), 0);
    expect(spend).toBeGreaterThan(0);
    expect(Number(await page.getAttribute('#licence-totals', 'data-monthly-spend'))).toBeCloseTo(spend, 6);
    expect(Number(await page.getAttribute('#licence-totals', 'data-waste-monthly-cost'))).toBe(report.wasteMonthlyCost);
    expect(await page.$$eval('#utilisation .bar', (gs) => gs.map((g) => ({ label: g.getAttribute('data-label'), value: Number(g.getAttribute('data-value')) })))).toEqual(report.skus.map((s) => ({ label: s.productName, value: s.utilisationPercent })));
    expect(await page.$$eval('#waste .bar', (gs) => gs.map((g) => Number(g.getAttribute('data-value'))))).toEqual(report.waste.map((w) => w.monthlyCost));
    // Audits on three days (test/console/licence-trend.test.ts specifies the trend): a dated label each, today's waste the report's.
    const days = [...new Set(report.trend.map((p) => p.generatedAt.slice(0, 10)))];
    expect(days).toHaveLength(3);
    expect(await page.$$eval('#trend .tick.x', (ts) => ts.map((t) => t.textContent))).toEqual(days);
    expect(await page.$$eval('#trend .point[data-series="Monthly waste"]', (ps) => Number(ps.at(-1)?.getAttribute('data-value')))).toBe(report.wasteMonthlyCost);
    const findings = [...report.waste, ...report.drift].reduce((n, f) => n + f.sample.length, 0);
    expect(findings).toBeGreaterThan(3);
    expect(await page.locator('#findings-table tbody tr').count()).toBe(findings);
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('#findings-table')).toBe(true);
    expect(await page.isVisible('#views')).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    await screenshot(page, 'licences');
    await page.close();
  });

  it('when #service-levels is open, then each chart point is a p50 or p95 of the route for its day and tenant', async () => {
    const page = await newPage();
    await openView(page, host.url, '#service-levels?days=14');
    const levels = await json<{ days: { day: string; tenantId: string; timeToProductive: { p50: number; p95: number; n: number }; timeToDeprovisioned: { p50: number; p95: number; n: number } }[] }>('service-levels?days=14');
    for (const [chart, measure] of [['time-to-productive', 'timeToProductive'], ['time-to-deprovisioned', 'timeToDeprovisioned']] as const) {
      const expected = levels.days.filter((d) => d[measure].n > 0).flatMap((d) => (['p50', 'p95'] as const).map((p) => ({ series: `${d.tenantId} ${p}`, date: d.day.slice(0, 10), value: d[measure][p] })));
      expect(expected.length).toBeGreaterThan(0);
      const points = await page.$$eval(`#${chart} .point`, (ps) => ps.map((p) => ({ series: p.getAttribute('data-series'), date: p.getAttribute('data-date'), value: Number(p.getAttribute('data-value')) })));
      expect(points.sort((a, b) => `${a.series}${a.date}`.localeCompare(`${b.series}${b.date}`))).toEqual(expected.sort((a, b) => `${a.series}${a.date}`.localeCompare(`${b.series}${b.date}`)));
      expect(await page.$$eval(`#${chart} .tick.x`, (ts) => ts.length)).toBeGreaterThan(0);
    }
    await screenshot(page, 'service-levels');
    await page.close();
  });
});

describe('accessibility', () => {
  it('when each view is checked by axe-core (WCAG 2 A and AA), then there are no violations, and the page loaded under its CSP without a refusal', async () => {
    // axe is injected as a script tag, which the page's own CSP would refuse: this context alone bypasses it.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const found: Record<string, unknown[]> = {};
    for (const hash of ['#events', '#worker/CL1?tenant=default', '#stuck', '#tenants', '#licences?tenant=default', '#service-levels']) {
      await openView(page, host.url, hash);
      const violations = await axeViolations(page);
      if (violations.length) found[hash] = violations;
    }
    await context.close();
    expect(found).toEqual({});
    expect(strict.problems).toEqual([]);
  });

  it('when a keyboard user follows the views’ links, then each view’s heading takes the focus', async () => {
    const page = await newPage();
    await openView(page, host.url, '#events');
    await page.focus('#views a[href="#stuck"]');
    await page.keyboard.press('Enter');
    await waitForView(page, 'stuck');
    expect(await page.evaluate('document.activeElement?.tagName')).toBe('H1');
    expect(await page.getAttribute('#views a[href="#stuck"]', 'aria-current')).toBe('page');
    await page.close();
  });
});

describe('actions', () => {
  it('when an Operator presses Replay on a dead letter whose cause is gone, then the event runs again and succeeds', async () => {
    const page = await newPage();
    await openView(page, host.url, '#stuck');
    const expected = await json<Stuck>('stuck');
    const item = expected.deadLetters.flatMap((g) => g.items).find((i) => i.eventId === seeded.earlyMover)!;
    expect(item).toBeDefined();
    await page.click(`button[data-action="replay"][data-message-id="${item.messageId}"]`);
    await page.waitForSelector('#flash .ok');
    expect(await page.textContent('#flash')).toContain('Replayed 1 message');
    const status = await host.waitForStatus(seeded.earlyMover, ['succeeded'], 30_000);
    expect(status.attempts).toBeGreaterThan(1);
    expect(sim.userByEmployeeId('CPM1')[0]?.department).toBe('Sales');
    await waitForView(page, 'stuck');
    await until(async () => (await page.locator(`tr[data-event-id="${seeded.earlyMover}"]`).count()) === 0);
    await page.close();
  });

});

describe('behind App Service Authentication, a Reader', () => {
  let azure: TestHost;
  const principal = (roles: string[]) => Buffer.from(JSON.stringify({ auth_typ: 'aad', claims: [{ typ: 'name', val: 'rita@contoso.com' }, ...roles.map((r) => ({ typ: 'roles', val: r }))] })).toString('base64');
  beforeAll(async () => {
    azure = await startTestHost({ env: { WEBSITE_AUTH_ENABLED: 'true' } });
  }, 60_000);
  afterAll(() => azure?.stop());

  const actionRoutes = functionDeclarations.filter((f) => f.kind === 'http' && f.route.startsWith('console/') && f.methods.includes('POST')) as { route: string }[];

  it('when a Reader posts to every console action route, then each answers 403 and nothing is replayed or decided', async () => {
    expect(actionRoutes.map((r) => r.route)).toEqual(expect.arrayContaining(['console/dead-letters/replay', 'console/dead-letters/release']));
    for (const { route } of actionRoutes) {
      const url = `${azure.url}/api/${route.replace(/\{[^}]+\}/g, 'evt-1')}`;
      const asReader = await fetch(url, { method: 'POST', headers: { 'x-ms-client-principal': principal(['Reader']), 'content-type': 'application/json' }, body: JSON.stringify({ decision: 'approve', comment: 'no', reason: 'x' }) });
      expect({ route, status: asReader.status }).toEqual({ route, status: 403 });
      const anonymous = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect({ route, status: anonymous.status }).toEqual({ route, status: 401 });
    }
  });

  it('when a Reader opens the console, then it names them and their role and offers no action it would refuse', async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { 'x-ms-client-principal': principal(['Reader']) } });
    const page = await context.newPage();
    await openView(page, azure.url, '#stuck');
    expect(await page.textContent('#who')).toContain('Signed in as rita@contoso.com · Reader');
    expect(await page.textContent('main')).toContain('need the Operator role');
    expect(await page.$$eval('main button[data-action], main button[data-bulk], main button[data-reason-action]', (bs) => bs.every((b) => b.hasAttribute('disabled')))).toBe(true);
    await context.close();
  });
});
