import type { EventPhase } from '../outcome';

/** A flow either finishes, or asks to be run again later (for a phase, or once it is due). */
export interface FlowResult {
  schedule?: { at: Date; phase?: EventPhase; reason: string };
}
