// `npm run build`: the deployment bundle. One file per entry so the Functions host loads our
// code with a single read. Kept external: the worker-provided core module, the Service Bus SDK
// binding (it loads a .proto file next to its own source) and Application Insights (loaded
// only when configured, and heavy).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { rm, mkdir, copyFile, cp } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
await mkdir('dist', { recursive: true });
const result = await build({
  entryPoints: { 'functions/index': 'functions/index.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: true,
  keepNames: true,
  metafile: true,
  // Blob storage's ESM build reads import.meta.url, which a CommonJS bundle cannot give it: loaded from node_modules.
  external: ['@azure/functions-core', '@azure/functions-extensions-servicebus', 'applicationinsights', '@azure/storage-blob', '@azure/storage-common'],
  logLevel: 'warning',
});
await copyFile('host.json', 'dist/host.json');
// The default RULES_FILE (config/rules.json) is read at run time, relative to the app root.
await mkdir('dist/config', { recursive: true });
await copyFile('config/rules.json', 'dist/config/rules.json');
// Customer tenants' files (TENANTS_SOURCE=folder, TENANTS_DIR=config/tenants) ship with the app
// when the MSP keeps them in the repository; the sample folder never does.
if (existsSync('config/tenants')) await cp('config/tenants', 'dist/config/tenants', { recursive: true, filter: (f) => !f.endsWith('/') && (f === 'config/tenants' || f.endsWith('.json')) });
const inputs = Object.keys(result.metafile.inputs);
if (inputs.some((file) => file.startsWith('dev/') || file.startsWith('test/'))) {
  console.error('dev/ or test/ code reached the deployment bundle');
  process.exit(1);
}
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(`dist/functions/index.js: ${(bytes / 1024).toFixed(0)} KiB from ${inputs.length} modules`);
