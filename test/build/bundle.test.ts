import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

describe('the deployment bundle (npm run build)', () => {
  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' });
  }, 120_000);

  it('when built, then the entry exists with host.json and contains none of dev/ or test/', () => {
    const bundle = readFileSync(path.join(root, 'dist', 'functions', 'index.js'), 'utf8');
    expect(existsSync(path.join(root, 'dist', 'host.json'))).toBe(true);
    expect(existsSync(path.join(root, 'dist', 'config', 'rules.json'))).toBe(true);
    expect(bundle).not.toMatch(/dev\/graph-simulator|dev\/local-host|dev\/local-service-bus/);
    expect(bundle).toContain('process-event');
  });

  it('when loaded outside the Functions host, then it registers without throwing (the library runs in test mode)', () => {
    const output = execFileSync(process.execPath, ['-e', "require('./dist/functions/index.js'); console.log('loaded')"], {
      cwd: root,
      env: { ...process.env, LIFECYCLE_RUNTIME: 'azure' },
      stdio: 'pipe',
    }).toString();
    expect(output).toContain('loaded');
  });
});
