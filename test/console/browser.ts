import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// Debian's Chromium, as the licence report page's test drives it (test/audit/report-page.test.ts).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const AXE_SOURCE = require.resolve('axe-core/axe.min.js');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** A context whose pages record every Content-Security-Policy refusal and page error, so a test can say there were none. */
export async function strictContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const problems: string[] = [];
  context.on('page', (page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${m.text()} ${m.location().url}`);
    });
    page.on('pageerror', (e) => problems.push(e.message));
  });
  return { context, problems };
}

let loads = 0;
/** Loads the console at a view afresh (a new document each time) and waits until the view has rendered. */
export async function openView(page: Page, base: string, hash: string): Promise<void> {
  await page.goto(`${base}/api/console?load=${++loads}${hash}`);
  await waitForView(page, viewOf(hash));
}

export const viewOf = (hash: string): string => hash.replace(/^#/, '').split(/[/?]/)[0] || 'events';

export async function waitForView(page: Page, view: string): Promise<void> {
  await page.waitForSelector(`main[data-view="${view}"]:not([aria-busy])`, { timeout: 20_000 });
}

/** axe-core's WCAG 2 A and AA rules on the page as it is; the violations, each with the elements it names. */
export async function axeViolations(page: Page): Promise<{ id: string; help: string; targets: string[] }[]> {
  await page.addScriptTag({ path: AXE_SOURCE });
  // A string, evaluated in the page: the test project has no DOM types.
  return page.evaluate<{ id: string; help: string; targets: string[] }[]>(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`);
}

/** `CONSOLE_SCREENSHOTS_DIR` set (npm run console:screenshots): each view's picture, for docs/console/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.CONSOLE_SCREENSHOTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Polls a check from the test side (a string predicate would be an eval, which the page's CSP refuses). */
export async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not so within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
