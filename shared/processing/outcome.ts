import type { LifecycleEvent } from '../domain/events';
import type { EventRecord } from '../ledger/types';

/**
 * What processing decided; the queue handler turns it into exactly one settlement. `inLane`:
 * whether the event stood in its worker's lane when it started (undefined: not looked at), so
 * settlement reads the lane again only when it has to.
 */
export type ProcessOutcome = { inLane?: boolean; wake?: WakeCopy } & (
  | { kind: 'succeeded'; record: EventRecord }
  | { kind: 'skipped'; record: EventRecord; reason: string }
  /** Not due yet (a leaver's effective date, a later leaver phase): re-send at `at`. */
  | { kind: 'scheduled'; record: EventRecord; at: Date; phase?: EventPhase; reason: string; key?: string }
  /** An earlier event of the same worker is being retried: run after it (re-send at `at`). */
  | { kind: 'waiting'; record: EventRecord; at: Date; reason: string }
  /**
   * Its tenant has its share of this instance running, or is throttled: re-send at `at`. Not an
   * attempt — nothing was tried — so it never counts towards dead-lettering.
   */
  | { kind: 'deferred'; record?: EventRecord; at: Date; reason: string }
  /** Transient: try again later (scheduled re-send), up to the attempt limit. */
  | { kind: 'retry'; record?: EventRecord; step: string; reason: string; retryAfterMs?: number }
  /** Permanent: a person must act; `reason` is short, `description` says what to fix. */
  | { kind: 'dead-letter'; record?: EventRecord; reason: string; description: string }
);

/** Later parts of a leaver, each carried by a scheduled copy of the event. */
export const LEAVER_PHASES = ['remove-licences', 'delete-account'] as const;
/** A future-dated joiner's: the account made, sign-in off, PRE_HIRE_DAYS before the start; then the start (shared/processing/pre-hire). */
export const PRE_HIRE_PHASES = ['pre-hire', 'start'] as const;
export type EventPhase = (typeof LEAVER_PHASES)[number] | (typeof PRE_HIRE_PHASES)[number];

export function isEventPhase(value: unknown): value is EventPhase {
  return (LEAVER_PHASES as readonly unknown[]).includes(value) || (PRE_HIRE_PHASES as readonly unknown[]).includes(value);
}

export function isLeaverPhase(phase: EventPhase | undefined): phase is (typeof LEAVER_PHASES)[number] {
  return (LEAVER_PHASES as readonly (EventPhase | undefined)[]).includes(phase);
}

export function isPreHirePhase(phase: EventPhase | undefined): phase is (typeof PRE_HIRE_PHASES)[number] {
  return (PRE_HIRE_PHASES as readonly (EventPhase | undefined)[]).includes(phase);
}

/**
 * A copy of another event this one's processing asks for: a mover that moves a pending hire's start
 * sooner than its carrier's next copy wakes the carrier then. Sent when this event is settled.
 */
export interface WakeCopy {
  event: LifecycleEvent;
  at: Date;
  phase: EventPhase;
  key: string;
}

/** A safety hold an operator can release when replaying (`release` on the replay request). */
export type HoldName = 'mass-leaver';

/** A failure inside a step, already classified, with operator-facing wording. */
export class StepFailure extends Error {
  constructor(
    public readonly step: string,
    public readonly retryable: boolean,
    public readonly code: string,
    message: string,
    public readonly remedy?: string,
    public readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}
