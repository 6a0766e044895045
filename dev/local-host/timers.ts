import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import { InvocationContext, type Timer } from '@azure/functions';
import type { TimerFunctionDeclaration } from '../../shared/hosting/function-declarations';

export interface TimerScheduler {
  /** Runs one timer function now (the host's `POST /admin/functions/{name}`). */
  runNow(name: string): Promise<boolean>;
  nextRuns(): Record<string, string | undefined>;
  stop(): void;
}

/**
 * Fires timer functions on their NCRONTAB schedules (six fields, seconds first — the format the
 * Functions host uses) and on demand. Runs of one function never overlap, as in the host.
 */
export function scheduleTimers(
  functions: TimerFunctionDeclaration[],
  resolveSchedule: (schedule: string) => string,
  log: (line: string) => void,
  options: { paused?: boolean } = {},
): TimerScheduler {
  const running = new Set<string>();
  const jobs = new Map<string, { fn: TimerFunctionDeclaration; cron: Cron; last?: Date }>();

  async function fire(name: string, isPastDue: boolean): Promise<void> {
    const job = jobs.get(name);
    if (!job || running.has(name)) return;
    running.add(name);
    const now = new Date();
    const timer: Timer = {
      isPastDue,
      schedule: { adjustForDST: true },
      scheduleStatus: {
        last: (job.last ?? now).toISOString(),
        next: job.cron.nextRun()?.toISOString() ?? '',
        lastUpdated: now.toISOString(),
      },
    };
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: name,
      logHandler: (level, ...args) => log(`[${name}] ${level}: ${args.map(String).join(' ')}`),
    });
    try {
      await job.fn.handler(timer, context);
      log(`[local-host] timer ${name} ran`);
    } catch (error) {
      log(`[local-host] timer ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      job.last = now;
      running.delete(name);
    }
  }

  for (const fn of functions) {
    const pattern = resolveSchedule(fn.schedule);
    if (pattern.trim().split(/\s+/).length !== 6) {
      throw new Error(`Timer ${fn.name}: schedule "${pattern}" must be NCRONTAB with 6 fields (seconds first)`);
    }
    const cron = new Cron(pattern, { paused: options.paused ?? false, protect: true, unref: true }, () => void fire(fn.name, false));
    jobs.set(fn.name, { fn, cron });
  }

  return {
    async runNow(name) {
      if (!jobs.has(name)) return false;
      await fire(name, false);
      return true;
    },
    nextRuns() {
      return Object.fromEntries([...jobs].map(([name, job]) => [name, job.cron.nextRun()?.toISOString()]));
    },
    stop() {
      for (const job of jobs.values()) job.cron.stop();
    },
  };
}
