import type { Browser, BrowserContext } from 'playwright-core';
import { startTestHost, type TestHost } from '../support/test-host';
import { tenant } from '../support/tenant';
import { axeViolations, launchChromium, openView, screenshot, strictContext, until } from './browser';
import { rulesWithSmallMassLeaverThreshold, seedHeldLeavers } from './seed';

let host: TestHost;
let sim: ReturnType<typeof tenant>;
let held: { CL3: string; CL4: string };
let browser: Browser;
let strict: { context: BrowserContext; problems: string[] };

beforeAll(async () => {
  host = await startTestHost({ env: { RULES_FILE: rulesWithSmallMassLeaverThreshold() } });
  sim = tenant(host);
  held = await seedHeldLeavers(host);
  await host.bus.waitForIdle();
  browser = await launchChromium();
  strict = await strictContext(browser);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

async function heldNow(): Promise<{ eventId: string; reason: string }[]> {
  const response = await fetch(`${host.url}/api/console/approvals`);
  if (response.status !== 200) throw new Error(`approvals: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { held: { eventId: string; reason: string }[] }).held;
}

describe('the approvals view (mass-leaver hold)', () => {
  it('when opened, then the held leavers are the approvals route’s, each with why it is held, and axe finds no WCAG 2 A/AA violation', async () => {
    const expected = await heldNow();
    expect(expected.map((h) => h.eventId).sort()).toEqual([held.CL3, held.CL4].sort());
    const page = await strict.context.newPage();
    await openView(page, host.url, '#approvals');
    const rows = await page.$$eval('#held-table tbody tr', (trs) => trs.map((tr) => ({ id: tr.getAttribute('data-event-id'), hold: tr.children[2]?.textContent, reason: tr.children[3]?.textContent })));
    expect(rows).toEqual(expected.map((h) => ({ id: h.eventId, hold: 'Mass-leaver guard: the whole leaver', reason: h.reason })));
    await screenshot(page, 'approvals');
    await page.close();

    const context = await browser.newContext({ bypassCSP: true }); // for axe's script tag only
    const checked = await context.newPage();
    await openView(checked, host.url, '#approvals');
    expect(await axeViolations(checked)).toEqual([]);
    await context.close();
  });

  it('when an Operator approves one held leaver with a comment, then exactly that leaver is offboarded and the other stays held', async () => {
    const page = await strict.context.newPage();
    await openView(page, host.url, '#approvals');
    const row = page.locator(`#held-table tr[data-event-id="${held.CL3}"]`);
    await row.locator('button[data-decision="approve"]').click();
    expect(await page.textContent('#flash')).toContain('A comment is needed');
    expect(await heldNow()).toHaveLength(2);

    await row.locator('textarea').fill('Confirmed with HR: CL3 left on Friday.');
    await row.locator('button[data-decision="approve"]').press('Enter');
    await page.waitForSelector('#flash .ok');
    await until(async () => sim.userByEmployeeId('CL3')[0]?.accountEnabled === false, 30_000);
    const released = (await (await fetch(`${host.url}/api/events/${held.CL3}`)).json()) as { approvals?: unknown[] };
    expect(released.approvals).toEqual([expect.objectContaining({ decision: 'approve', comment: 'Confirmed with HR: CL3 left on Friday.' })]);
    expect(sim.userByEmployeeId('CL4')[0]?.accountEnabled).toBe(true);
    expect((await heldNow()).map((h) => h.eventId)).toEqual([held.CL4]);
    await until(async () => (await page.locator(`#held-table tr[data-event-id="${held.CL3}"]`).count()) === 0);
    expect(await page.locator(`#held-table tr[data-event-id="${held.CL4}"]`).count()).toBe(1);
    await page.close();
    expect(strict.problems).toEqual([]);
  });

  it('when an Operator presses Release on a held leaver in #stuck, then a comment is asked for first, and the release is recorded in the ledger as an approval with it', async () => {
    const page = await strict.context.newPage();
    await openView(page, host.url, '#stuck');
    const hold = page.locator('section.reason-group[data-reason="mass-leaver-guard: MassLeaverHold"]');
    await hold.locator(`button[data-action="release"][data-event-id="${held.CL4}"]`).click();
    expect(await page.textContent('#flash')).toContain('A comment is needed');
    expect(await hold.locator('textarea').getAttribute('aria-invalid')).toBe('true');
    expect(await heldNow()).toHaveLength(1);

    await hold.locator('textarea').fill('HR confirmed CL4 left too.');
    await hold.locator(`button[data-action="release"][data-event-id="${held.CL4}"]`).press('Enter');
    await page.waitForSelector('#flash .ok');
    expect(await page.textContent('#flash')).toContain('Released 1 message');
    await until(async () => sim.userByEmployeeId('CL4')[0]?.accountEnabled === false, 30_000);
    const released = (await (await fetch(`${host.url}/api/events/${held.CL4}`)).json()) as { approvals?: unknown[] };
    expect(released.approvals).toEqual([expect.objectContaining({ decision: 'approve', by: { name: 'local operator' }, comment: 'HR confirmed CL4 left too.' })]);
    expect(await heldNow()).toEqual([]);
    await page.close();
    expect(strict.problems).toEqual([]);
  });
});
