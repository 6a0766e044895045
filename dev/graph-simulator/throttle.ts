import { GraphError } from './errors';

export interface ThrottlingOptions {
  /** Identity & access budget per 10 s (Graph: 3,500 / 5,000 / 8,000 by tenant size). */
  resourceUnitsPer10s?: number;
  /** Writes per 150 s per app and tenant (Graph: 3,000). */
  writesPer150s?: number;
}

interface Entry { at: number; cost: number }

const RU_WINDOW_MS = 10_000;
const WRITE_WINDOW_MS = 150_000;

/** Milliseconds until enough of the window has expired for `cost` more to fit under `limit`. */
function waitFor(entries: Entry[], windowMs: number, limit: number, cost: number, now: number): number {
  let used = entries.reduce((sum, e) => sum + e.cost, 0);
  if (used + cost <= limit) return 0;
  for (const e of entries) {
    used -= e.cost;
    if (used + cost <= limit) return e.at + windowMs - now;
  }
  return windowMs;
}

/**
 * Sliding-window budgets like Graph's identity & access throttling. Off unless a limit is set.
 * A refused request is not charged. Every response gets `x-ms-resource-unit`; while a RU budget
 * is set, also `x-ms-throttle-limit-percentage` (fraction of the budget used).
 */
export class Throttle {
  private units: Entry[] = [];
  private writes: Entry[] = [];

  constructor(private options: ThrottlingOptions = {}, private readonly now: () => number = Date.now) {}

  set(options: ThrottlingOptions = {}): void {
    this.options = { ...options };
    this.units = [];
    this.writes = [];
  }

  /** Charges one request; returns the headers to add, or throws 429 when over budget. */
  charge(method: string, cost: number): Record<string, string> {
    const now = this.now();
    this.units = this.units.filter((e) => e.at > now - RU_WINDOW_MS);
    this.writes = this.writes.filter((e) => e.at > now - WRITE_WINDOW_MS);
    const { resourceUnitsPer10s: ruLimit, writesPer150s: writeLimit } = this.options;
    const isWrite = method !== 'GET';
    const headers: Record<string, string> = { 'x-ms-resource-unit': String(cost) };
    const percentage = (extra: number) => {
      if (ruLimit) headers['x-ms-throttle-limit-percentage'] = ((this.units.reduce((s, e) => s + e.cost, 0) + extra) / ruLimit).toFixed(2);
    };
    const waitMs = Math.max(
      ruLimit ? waitFor(this.units, RU_WINDOW_MS, ruLimit, cost, now) : 0,
      writeLimit && isWrite ? waitFor(this.writes, WRITE_WINDOW_MS, writeLimit, 1, now) : 0,
    );
    if (waitMs > 0) {
      percentage(0);
      throw new GraphError(429, 'TooManyRequests', 'Too many requests.', { ...headers, 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) });
    }
    if (ruLimit) this.units.push({ at: now, cost });
    if (writeLimit && isWrite) this.writes.push({ at: now, cost: 1 });
    percentage(0);
    return headers;
  }
}
