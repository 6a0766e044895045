import type { ReportDiff } from './diff';
import type { ShrinkGuard } from './report-config';

/**
 * A report that suddenly misses many workers is more often a broken report — a filter changed, a
 * prompt lost, a half-run export — than a wave of leavers. Before anything is emitted, a report
 * missing more than `maxGonePercent` of the workers active in the kept snapshot, or more than
 * `maxGoneWorkers` of them, is held: nothing is emitted, the snapshot stays, an operator is told and
 * releases it (or fixes the report, whose next run then passes). The mass-leaver guard still applies
 * to every leaver that is emitted, released ones included.
 */

export interface ShrinkVerdict {
  hold: boolean;
  gone: number;
  baseActive: number;
  /** Of the active workers, rounded to one decimal. */
  gonePercent: number;
  /** Which limit was passed, in words. */
  reason?: string;
}

export function checkShrink(diff: Pick<ReportDiff, 'gone' | 'baseActive'>, guard: ShrinkGuard): ShrinkVerdict {
  const { gone, baseActive } = diff;
  const gonePercent = baseActive === 0 ? 0 : Math.round((gone * 1000) / baseActive) / 10;
  const verdict = { gone, baseActive, gonePercent };
  if (gone > guard.maxGoneWorkers) return { ...verdict, hold: true, reason: `${gone} active workers are gone from the report, more than ${guard.maxGoneWorkers}` };
  if (baseActive > 0 && (gone * 100) / baseActive > guard.maxGonePercent) {
    return { ...verdict, hold: true, reason: `${gonePercent}% of the ${baseActive} active workers are gone from the report, more than ${guard.maxGonePercent}%` };
  }
  return { ...verdict, hold: false };
}
