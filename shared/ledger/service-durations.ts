import type { EventRecord, StepRecord } from './types';

/** Service levels of one event, in seconds, from the ledger's step times. */
export interface ServiceDurations {
  /** Joiner: due (accepted, or its start) → the account has its groups and licences and, for a dated start, sign-in on. */
  productiveSeconds?: number;
  /** Leaver: due (accepted, or its leave date) → sign-in off and sessions revoked. */
  deprovisionedSeconds?: number;
}

const FINISHED: ReadonlySet<StepRecord['outcome']> = new Set(['done', 'already-done', 'skipped']);
/** The dated steps an event waits at (`dueAt` says until when): the joiner's start, the leaver's leave date. */
const START_STEP = 'enable-at-start';
const LEAVE_DATE_STEP = 'wait-until-effective';
/** Steps that mean an event waited for a date, on records written before steps carried `dueAt`. */
const UNDATED_WAITS = new Set([LEAVE_DATE_STEP, 'wait-until-pre-hire', START_STEP]);

function lastOf(steps: readonly StepRecord[], name: string): StepRecord | undefined {
  return [...steps].reverse().find((s) => s.name === name);
}

/** When all of `names` finished, the latest finish; undefined while one has not. */
function finishedAt(steps: readonly StepRecord[], names: readonly string[]): number | undefined {
  let latest = 0;
  for (const name of names) {
    const step = lastOf(steps, name);
    if (!step || !FINISHED.has(step.outcome)) return undefined;
    latest = Math.max(latest, new Date(step.startedAt).getTime() + step.durationMs);
  }
  return latest;
}

/**
 * Time-to-productive and time-to-deprovisioned. A worker waiting for a date HR gave is not waiting
 * for us: a future-dated hire counts from its start (sign-in enabled then; its groups and licences
 * were made days before), a future leaver from its leave date. One computation for the console's
 * charts and the telemetry metrics, so the two agree.
 */
export function serviceDurations(record: EventRecord): ServiceDurations {
  const accepted = new Date(record.acceptedAt).getTime();
  const dated = (name: string): number | undefined => {
    const due = lastOf(record.steps, name)?.dueAt;
    return due === undefined ? undefined : Math.max(accepted, new Date(due).getTime());
  };
  const since = (from: number, at: number | undefined) => (at === undefined || Number.isNaN(from) ? undefined : Math.max(0, Math.round((at - from) / 1000)));
  if (record.type === 'joiner') {
    const start = dated(START_STEP);
    if (start !== undefined) {
      const value = since(start, finishedAt(record.steps, ['groups', 'licences', START_STEP]));
      return value === undefined ? {} : { productiveSeconds: value };
    }
    if (record.steps.some((s) => UNDATED_WAITS.has(s.name))) return {};
    const value = since(accepted, finishedAt(record.steps, ['groups', 'licences']));
    return value === undefined ? {} : { productiveSeconds: value };
  }
  if (record.type === 'leaver') {
    const leaveAt = dated(LEAVE_DATE_STEP);
    if (leaveAt === undefined && record.steps.some((s) => UNDATED_WAITS.has(s.name))) return {};
    const value = since(leaveAt ?? accepted, finishedAt(record.steps, ['disable-sign-in', 'revoke-sessions']));
    return value === undefined ? {} : { deprovisionedSeconds: value };
  }
  return {};
}
