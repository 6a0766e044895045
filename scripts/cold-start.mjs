// `npm run cold-start`: how long loading the app takes in a fresh Node process, and what it
// costs in memory — the deployed bundle (dist/, from `npm run build`) against the unbundled app
// (tsc output) — median of 7 runs each. Application Insights is not configured, so it is not
// loaded (it takes ~1 s when it is).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const RUNS = 7;

function measure(entry) {
  const probe = `const t=process.hrtime.bigint();require(${JSON.stringify(entry)});const ms=Number(process.hrtime.bigint()-t)/1e6;` +
    `const m=process.memoryUsage();console.log(JSON.stringify({ms,rss:m.rss,heap:m.heapUsed}))`;
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, ['-e', probe], { cwd: root, env: { ...process.env, LIFECYCLE_RUNTIME: 'azure' }, stdio: ['ignore', 'pipe', 'ignore'] });
    samples.push(JSON.parse(out.toString().trim().split('\n').pop()));
  }
  const median = (key) => samples.map((s) => s[key]).sort((a, b) => a - b)[Math.floor(RUNS / 2)];
  return { ms: median('ms'), rss: median('rss'), heap: median('heap') };
}

if (!existsSync(path.join(root, 'dist', 'functions', 'index.js'))) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
const out = path.join(root, '.local', 'cold-start-tsc'); // inside the repo, so node_modules resolve
try {
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root, '--outDir', out, '--sourceMap', 'false'], { stdio: 'inherit' });
  // The unbundled entry resolves node_modules from the repository.
  const unbundled = measure(path.join(out, 'functions', 'index.js'));
  const bundled = measure(path.join(root, 'dist', 'functions', 'index.js'));
  const mb = (n) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
  console.log(`cold start (median of ${RUNS} fresh processes, load of functions/index)`);
  console.log(`  bundle (dist/)   ${bundled.ms.toFixed(0)} ms   RSS ${mb(bundled.rss)}   heap ${mb(bundled.heap)}`);
  console.log(`  unbundled (tsc)  ${unbundled.ms.toFixed(0)} ms   RSS ${mb(unbundled.rss)}   heap ${mb(unbundled.heap)}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
