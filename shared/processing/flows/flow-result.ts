import type { EventPhase } from '../outcome';

/** A flow either finishes, or asks to be run again later (for a phase, or once it is due). */
export interface FlowResult {
  /**
   * `key` tells this scheduled copy apart from the event's others (a custom step's deadline: one per
   * wait), so duplicate detection does not drop it as the `~due` copy the event may already have had.
   */
  schedule?: { at: Date; phase?: EventPhase; reason: string; key?: string };
}
