import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The console page's assets: one script and one stylesheet, bundled from console/ by esbuild.
 * The deployment build (scripts/build.mjs) writes them to dist/console/ beside dist/functions/;
 * run from source (tsx, ts-jest: `npm start`, `npm test`) they are bundled in memory on the first
 * request, so a clean clone serves the page without a build step. Both use the same options
 * (CONSOLE_BUNDLE_OPTIONS here, the console build in scripts/build.mjs).
 */
export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
  /** Content hash: the page links `?v=<hash>` so a new deployment is never served from a stale cache. */
  hash: string;
}

export type ConsoleAssets = ReadonlyMap<string, ConsoleAsset>;

export const CONSOLE_ASSET_FILES = { 'console.js': 'text/javascript; charset=utf-8', 'console.css': 'text/css; charset=utf-8' } as const;

/** Keep in step with the console build in scripts/build.mjs. */
export const CONSOLE_BUNDLE_OPTIONS = { bundle: true, minify: true, format: 'iife', target: 'es2020', platform: 'browser', legalComments: 'none' } as const;

const runningFromSource = __filename.endsWith('.ts');
const repoRoot = path.join(__dirname, '..', '..');
let loading: Promise<ConsoleAssets> | undefined;

export function consoleAssets(): Promise<ConsoleAssets> {
  loading ??= (runningFromSource ? bundleFromSource() : readBuilt()).catch((error: unknown) => {
    loading = undefined; // a failed bundle is tried again by the next request
    throw error;
  });
  return loading;
}

function asset(body: Buffer, contentType: string): ConsoleAsset {
  return { body, contentType, hash: createHash('sha256').update(body).digest('hex').slice(0, 16) };
}

/** dist/functions/index.js → dist/console/. */
async function readBuilt(): Promise<ConsoleAssets> {
  const dir = path.join(__dirname, '..', 'console');
  const entries = await Promise.all(Object.entries(CONSOLE_ASSET_FILES).map(async ([file, type]) => [file, asset(await readFile(path.join(dir, file)), type)] as const));
  return new Map(entries);
}

async function bundleFromSource(): Promise<ConsoleAssets> {
  // A development dependency, loaded only when running from source; the deployment bundle keeps it external.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    ...CONSOLE_BUNDLE_OPTIONS,
    entryPoints: { console: path.join(repoRoot, 'console', 'main.ts') },
    outdir: path.join(repoRoot, 'console', 'out'),
    write: false,
    logLevel: 'silent',
  });
  const entries = result.outputFiles.map((f) => {
    const file = path.basename(f.path) as keyof typeof CONSOLE_ASSET_FILES;
    return [file, asset(Buffer.from(f.contents), CONSOLE_ASSET_FILES[file] ?? 'application/octet-stream')] as const;
  });
  return new Map(entries);
}
