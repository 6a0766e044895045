import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * One local host per data folder. Two hosts on the same queue journal and Azurite data would
 * each write back their own view of it and lose the other's work, so the second one refuses to
 * start. A lock left by a host that was killed (its process is gone) is taken over.
 */
export function lockLocalState(dir: string): { release(): void } {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'local-host.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return { release: () => rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (isRunning(holder)) {
        throw new Error(`another local host (process ${holder}) is using ${dir}: stop it, or set LOCAL_QUEUE_DIR to another folder`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`${dir}: cannot take local-host.lock`);
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
