import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('the repository stands alone, on a supported Node', () => {
  it('when the tests run, then they run on Node 22, the version the app deploys on', () => {
    expect(process.versions.node.split('.')[0]).toBe('22');
    const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> };
    expect(pkg.engines.node).toBe('>=22 <23');
    expect(pkg.devDependencies.node).toMatch(/^22\./);
    expect(read('infra/main.bicep')).toMatch(/runtime: \{ name: 'node', version: '22' \}/);
    expect(read('.github/workflows/ci.yml').match(/node-version: (\d+)/g)).toEqual(['node-version: 22', 'node-version: 22']);
    expect(read('README.md')).toMatch(/Node 22/);
  });

  it('when any file of the repository is read, then none of them reaches outside it for ../shared', () => {
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
    const offenders: string[] = [];
    for (const file of files.filter((f) => !f.startsWith('reference/') && !f.startsWith('dist/') && f !== 'package-lock.json' && f !== 'test/build/standalone.test.ts')) {
      let text: string;
      try {
        text = read(file);
      } catch {
        continue; // deleted in the working tree
      }
      if (/shared\/reference|FIELD-NOTES/.test(text)) offenders.push(`${file}: names ../shared's reference files`);
      // Every relative path written in the file, resolved from where the file is, stays inside the repository.
      for (const [, relative] of text.matchAll(/['"`]((?:\.\.\/)+[^'"`\s]*)['"`]/g)) {
        const resolved = path.resolve(root, path.dirname(file), relative as string);
        if (!resolved.startsWith(root + path.sep)) offenders.push(`${file}: ${relative}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('when the vendored reference files are looked for, then each sits in the repository with its licence and source', () => {
    for (const folder of ['reference/graph', 'reference/hr-samples']) {
      expect(read(`${folder}/LICENSE`)).toMatch(/MIT License/);
      expect(read(`${folder}/SOURCE`)).toMatch(/^[0-9a-f]{40} \d{4}-\d{2}-\d{2}/);
    }
    expect(read('reference/graph/v1.0-Prod.csdl')).toMatch(/<Schema Namespace="microsoft.graph"/);
  });
});
