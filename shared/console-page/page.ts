import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { CONSOLE_ASSET_FILES, consoleAssets, type ConsoleAssets } from './assets';

/**
 * The console's Content-Security-Policy (docs/console.md): nothing but this origin's script,
 * stylesheet and JSON; no inline script or style, no framing. The page is built for it: every
 * element is made with DOM calls, charts are SVG elements with presentation attributes.
 */
export const CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
} as const;

/** The HTML shell: landmarks and a skip link; the script (deferred) fills `main` for the view the hash names. */
export function consoleHtml(assets: ConsoleAssets): string {
  const v = (file: string) => assets.get(file)?.hash ?? '0';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lifecycle console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/api/console/assets/console.css?v=${v('console.css')}">
<script src="/api/console/assets/console.js?v=${v('console.js')}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<p class="brand">Lifecycle console</p>
<p id="who" class="who" role="status"></p>
</header>
<nav id="views" aria-label="Views"></nav>
<div id="flash" class="flash" role="status" aria-live="polite"></div>
<main id="main" tabindex="-1"><noscript>The console needs JavaScript; the JSON routes under /api/console work without it.</noscript></main>
<div id="announce" class="visually-hidden" role="status" aria-live="polite"></div>
</body>
</html>`;
}

/** `GET /api/console`: the page. The data it shows comes from the JSON routes, each of which checks its caller. */
export async function serveConsolePage(): Promise<HttpResponseInit> {
  const assets = await consoleAssets();
  return { status: 200, headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }, body: consoleHtml(assets) };
}

/** `GET /api/console/assets/{file}`: the bundled script or stylesheet; cached long when asked for by its current hash. */
export async function serveConsoleAsset(request: HttpRequest): Promise<HttpResponseInit> {
  const file = request.params.file ?? '';
  if (!Object.hasOwn(CONSOLE_ASSET_FILES, file)) return { status: 404, headers: SECURITY_HEADERS, jsonBody: { error: 'no such console asset' } };
  const found = (await consoleAssets()).get(file);
  if (!found) return { status: 404, headers: SECURITY_HEADERS, jsonBody: { error: 'no such console asset' } };
  const current = request.query.get('v') === found.hash;
  return {
    status: 200,
    headers: { ...SECURITY_HEADERS, 'content-type': found.contentType, 'cache-control': current ? 'public, max-age=31536000, immutable' : 'no-cache', etag: `"${found.hash}"` },
    body: found.body,
  };
}
