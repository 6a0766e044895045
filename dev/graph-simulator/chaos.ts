import { GraphError } from './errors';

export interface ChaosOptions {
  /** Probability (0..1) that a request fails with a random 429, 503 or 504. */
  transientRate?: number;
  /** Added response latency, uniformly random in [min, max] milliseconds. */
  latencyMs?: [number, number];
  /** Which of 429, 503 and 504 the random failures are (default all three, equally often). */
  transientStatuses?: Array<429 | 503 | 504>;
  /** Seed for the deterministic PRNG (default 1). */
  seed?: number;
}

/** mulberry32: small, fast, deterministic for a given seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRANSIENT: Array<[number, string, string]> = [
  [429, 'TooManyRequests', 'Too many requests.'],
  [503, 'serviceNotAvailable', 'Service unavailable, please retry.'],
  [504, 'UnknownError', 'Gateway timeout.'],
];

/** Random transient failures and latency; all off by default. */
export class Chaos {
  private options: ChaosOptions = {};
  private random: () => number = prng(1);

  constructor(options: ChaosOptions = {}) {
    this.set(options);
  }

  set(options: ChaosOptions = {}): void {
    const rate = options.transientRate ?? 0;
    if (!(rate >= 0 && rate <= 1)) throw new Error(`chaos.transientRate must be between 0 and 1, got ${rate}`);
    const [min, max] = options.latencyMs ?? [0, 0];
    if (!(min >= 0 && max >= min)) throw new Error(`chaos.latencyMs must be [min, max] with 0 <= min <= max, got [${min}, ${max}]`);
    this.options = { ...options };
    this.random = prng(options.seed ?? 1);
  }

  /** A transient error for this request, or undefined. */
  failure(): GraphError | undefined {
    const rate = this.options.transientRate ?? 0;
    if (rate <= 0 || this.random() >= rate) return undefined;
    const statuses = this.options.transientStatuses;
    const pool = statuses?.length ? TRANSIENT.filter(([status]) => (statuses as number[]).includes(status)) : TRANSIENT;
    const [status, code, message] = pool[Math.floor(this.random() * pool.length)]!;
    const headers: Record<string, string> = status === 504 ? {} : { 'Retry-After': '1' };
    return new GraphError(status, code, message, headers);
  }

  /** Milliseconds to wait before answering. */
  latency(): number {
    const [min, max] = this.options.latencyMs ?? [0, 0];
    return max <= 0 ? 0 : Math.round(min + this.random() * (max - min));
  }
}
