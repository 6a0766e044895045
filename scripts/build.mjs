// `npm run build`: the deployment bundle. The Functions host imports dist/functions/index.js at
// cold start, and compiling it is most of that time (~100 ms for 2 MB here), so it holds only
// what every start needs. The Azure SDKs that shared/runtime/sdk.ts loads on first use are a
// second bundle, dist/functions/azure-sdks.js: one read when an event first needs them, not
// hundreds of node_modules files. Kept external: the worker-provided core module; the Service
// Bus SDK binding (loaded on the first message, and it reads a .proto file next to its own
// source); Application Insights (loaded only when configured); Blob storage (below).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { rm, mkdir, copyFile, cp } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
await mkdir('dist', { recursive: true });
/** The main bundle's `require('./azure-sdks')` stays a require of the second bundle beside it. */
const sdkBundleStaysSeparate = {
  name: 'azure-sdks-separate',
  setup(b) {
    b.onResolve({ filter: /^\.\/azure-sdks$/ }, (args) =>
      args.importer.endsWith('shared/runtime/sdk.ts') ? { path: './azure-sdks.js', external: true } : undefined,
    );
  },
};
const result = await build({
  entryPoints: { 'functions/index': 'functions/index.ts', 'functions/azure-sdks': 'shared/runtime/azure-sdks.ts' },
  plugins: [sdkBundleStaysSeparate],
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
  external: [
    // Only the console page's from-source path loads it (shared/console-page/assets.ts); the deployment reads dist/console/.
    'esbuild',
    '@azure/functions-core',
    '@azure/functions-extensions-servicebus',
    'applicationinsights',
    '@azure/storage-blob',
    '@azure/storage-common',
  ],
  logLevel: 'warning',
});
// The console page's script and stylesheet, for the browser (the options of CONSOLE_BUNDLE_OPTIONS in shared/console-page/assets.ts).
await build({ entryPoints: { console: 'console/main.ts' }, outdir: 'dist/console', bundle: true, minify: true, format: 'iife', target: 'es2020', platform: 'browser', legalComments: 'none', logLevel: 'warning' });
await copyFile('host.json', 'dist/host.json');
// The default RULES_FILE (config/rules.json) is read at run time, relative to the app root.
await mkdir('dist/config', { recursive: true });
await copyFile('config/rules.json', 'dist/config/rules.json');
// Customer tenants' files (TENANTS_SOURCE=folder, TENANTS_DIR=config/tenants) ship with the app
// when the MSP keeps them in the repository; the sample folder never does.
if (existsSync('config/tenants')) await cp('config/tenants', 'dist/config/tenants', { recursive: true, filter: (f) => !f.endsWith('/') && (f === 'config/tenants' || f.endsWith('.json')) });
const inputs = Object.keys(result.metafile.inputs);
const mainInputs = Object.keys(result.metafile.outputs['dist/functions/index.js'].inputs);
if (inputs.some((file) => file.startsWith('dev/') || file.startsWith('test/'))) {
  console.error('dev/ or test/ code reached the deployment bundle');
  process.exit(1);
}
// What shared/runtime/sdk.ts defers must not reach the entry by another import.
const eager = mainInputs.filter((file) => /node_modules\/@azure\/(identity|service-bus|data-tables)\//.test(file));
if (eager.length > 0) {
  console.error(`the entry bundle imports an Azure SDK that should load on first use: ${eager[0]}`);
  process.exit(1);
}
// @azure/functions reads the Service Bus SDK binding's factory from its copy of the extensions
// base package; ours must be that same copy (shared/hosting/service-bus-sdk-binding.ts).
const basePackages = new Set(mainInputs.filter((file) => file.includes('@azure/functions-extensions-base/')).map((file) => file.slice(0, file.indexOf('@azure/functions-extensions-base/'))));
if (basePackages.size !== 1) {
  console.error(`expected one copy of @azure/functions-extensions-base in the bundle, found ${basePackages.size}: align its version with @azure/functions`);
  process.exit(1);
}
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
const kib = (file) => `${(result.metafile.outputs[file].bytes / 1024).toFixed(0)} KiB`;
console.log(`dist/functions/index.js: ${kib('dist/functions/index.js')} from ${mainInputs.length} modules; azure-sdks.js: ${kib('dist/functions/azure-sdks.js')} (${(bytes / 1024).toFixed(0)} KiB with source maps)`);
