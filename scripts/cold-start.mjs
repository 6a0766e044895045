// `npm run cold-start`: how long loading the app takes in a fresh Node process, and what it
// costs in memory — the deployed bundle (dist/, from `npm run build`) against the unbundled app
// (tsc output) — median of 7 runs each. Then what the first event adds when it loads the Azure
// SDKs (identity, Service Bus, Tables): import + that is what a first HR request pays before
// its own work. Application Insights is not configured, so it is not loaded (it takes ~1 s when
// it is); the Service Bus SDK binding is loaded by the first queue message, not measured here.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const RUNS = 7;

function measure(entry, sdkEntry) {
  const probe = `const t=process.hrtime.bigint();require(${JSON.stringify(entry)});const ms=Number(process.hrtime.bigint()-t)/1e6;` +
    `const m=process.memoryUsage();require(${JSON.stringify(sdkEntry)});const sdk=Number(process.hrtime.bigint()-t)/1e6-ms;` +
    `console.log(JSON.stringify({ms,sdk,rss:m.rss,heap:m.heapUsed}))`;
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, ['-e', probe], { cwd: root, env: { ...process.env, LIFECYCLE_RUNTIME: 'azure' }, stdio: ['ignore', 'pipe', 'ignore'] });
    samples.push(JSON.parse(out.toString().trim().split('\n').pop()));
  }
  const median = (key) => samples.map((s) => s[key]).sort((a, b) => a - b)[Math.floor(RUNS / 2)];
  return { ms: median('ms'), sdk: median('sdk'), rss: median('rss'), heap: median('heap') };
}

if (!existsSync(path.join(root, 'dist', 'functions', 'index.js'))) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
const out = path.join(root, '.local', 'cold-start-tsc'); // inside the repo, so node_modules resolve
try {
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root, '--outDir', out, '--sourceMap', 'false'], { stdio: 'inherit' });
  // Plain JavaScript sources (the generated expression parser) are not emitted by tsc: copied as they are.
  for (const file of execFileSync('git', ['ls-files', 'shared/*.js', 'shared/**/*.js', 'functions/*.js'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean)) {
    cpSync(path.join(root, file), path.join(out, file));
  }
  // The unbundled entry resolves node_modules from the repository.
  const unbundled = measure(path.join(out, 'functions', 'index.js'), path.join(out, 'shared', 'runtime', 'azure-sdks.js'));
  const bundled = measure(path.join(root, 'dist', 'functions', 'index.js'), path.join(root, 'dist', 'functions', 'azure-sdks.js'));
  const mb = (n) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
  console.log(`cold start (median of ${RUNS} fresh processes, load of functions/index)`);
  const row = (name, r) => `  ${name} import ${r.ms.toFixed(0)} ms   RSS ${mb(r.rss)}   heap ${mb(r.heap)}   + Azure SDKs on first use ${r.sdk.toFixed(0)} ms`;
  console.log(row('bundle (dist/)  ', bundled));
  console.log(row('unbundled (tsc) ', unbundled));
} finally {
  rmSync(out, { recursive: true, force: true });
}
