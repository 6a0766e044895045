import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestHost } from '../support/test-host';
import { TEST_HR_SECRET } from '../support/test-host';

const root = path.join(__dirname, '..', '..');

export interface ImportRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A scratch directory for the files an import reads. */
export function workDir(): { file(name: string, content: string): string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'import-'));
  return {
    file: (name, content) => {
      const file = path.join(dir, name);
      writeFileSync(file, content);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `npm run import -- <args>` against the test host: the package.json script's own command, on this Node, not on a terminal. */
export function runImport(host: TestHost, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ImportRun> {
  const script = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.import ?? '';
  const [command, ...scriptArgs] = script.split(' ');
  if (command !== 'node') throw new Error(`the import script should start with node: ${script}`);
  const child = spawn(process.execPath, [...scriptArgs, ...args], {
    cwd: root,
    env: { ...process.env, LOCAL_HOST_URL: host.url, HR_WEBHOOK_SECRET: TEST_HR_SECRET, HR_MAX_RECORDS: '', HR_MAX_BODY_BYTES: '', UPN_DOMAIN: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** A number from the summary table: `  succeeded    265`. */
export function figure(summary: string, name: string): number {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^\\s*${escaped}\\s+(\\d+)\\b`, 'm').exec(summary);
  if (!match) throw new Error(`the summary has no line '${name}':\n${summary}`);
  return Number(match[1]);
}

/** Contractors by default: the rules give them no licence, so a few hundred joiners do not wait for the simulated tenant's 25 E3 seats. */
export const CSV_HEADER = 'WorkerID,WorkerStatus,FirstName,LastName,Department,JobTitle,WorkerType,CountryCode,HireDate';

export function csvRow(cells: { id: string; status?: string; first?: string; last?: string; type?: string; country?: string; hireDate?: string }): string {
  return [cells.id, cells.status ?? 'Active', cells.first ?? `Ann${cells.id}`, cells.last ?? 'Importer', 'Sales', 'Account Executive', cells.type ?? 'Contractor', cells.country ?? 'GB', cells.hireDate ?? '2020-01-06'].join(',');
}
