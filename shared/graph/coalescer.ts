/**
 * Gathers requests for many keys, from every event running in this worker, into one Graph
 * request: `employeeId in (...)` lookups, `members@odata.bind` group adds.
 *
 * Written here rather than taken from DataLoader because the batch must close on two signals
 * DataLoader has no notion of: as soon as it is full, and — for writes — not before a write
 * token is in hand, so a batch keeps growing for exactly as long as writes are scarce. The wait
 * adapts to load: with no company expected within `maxWaitMs` a key goes at once.
 */
export interface CoalescerOptions<K, V> {
  /** Keys one request can carry (15 for `in (...)` on directory objects, 20 for `@odata.bind`). */
  maxBatch: number;
  /** Longest a key waits for company. */
  maxWaitMs: number;
  /** Awaited before a batch is sent, from the moment it opens (e.g. a write token). */
  beforeSend?: () => Promise<void>;
  /**
   * One request for the keys. A key missing from the map resolves to undefined; a key mapped to
   * an Error rejects with it (that key failed, the others did not); a throw rejects them all.
   */
  run: (keys: K[]) => Promise<Map<K, V | Error>>;
  now?: () => number;
}

interface Batch<K, V> {
  keys: Map<K, { resolve: (value: V | undefined) => void; reject: (error: unknown) => void }[]>;
  /** Closes the batch to newcomers (it is full, or about to be sent). */
  markFull: () => void;
}

const RATE_WINDOW_MS = 1_000;
const BUSY_ARRIVALS_PER_SECOND = 4;

export class Coalescer<K, V> {
  private open: Batch<K, V> | undefined;
  private arrivals: number[] = [];
  private readonly now: () => number;

  constructor(private readonly options: CoalescerOptions<K, V>) {
    this.now = options.now ?? Date.now;
  }

  load(key: K): Promise<V | undefined> {
    this.noteArrival();
    return new Promise((resolve, reject) => {
      const batch = this.open ?? this.startBatch();
      const waiters = batch.keys.get(key) ?? [];
      waiters.push({ resolve, reject });
      batch.keys.set(key, waiters);
      if (batch.keys.size >= this.options.maxBatch) this.close(batch);
    });
  }

  /**
   * How long a new batch waits: long enough to fill at the recent arrival rate, within bounds —
   * and not at all unless others are active. One event's own lookups come one after another
   * (its account, its manager, a second look at the manager): at most three a second, which
   * must not wait for each other.
   */
  windowMs(): number {
    if (this.arrivals.length < BUSY_ARRIVALS_PER_SECOND) return 0;
    const perMs = this.arrivals.length / RATE_WINDOW_MS;
    return Math.min(this.options.maxWaitMs, (this.options.maxBatch - 1) / perMs);
  }

  private noteArrival(): void {
    const now = this.now();
    this.arrivals.push(now);
    while ((this.arrivals[0] as number) <= now - RATE_WINDOW_MS) this.arrivals.shift();
  }

  private startBatch(): Batch<K, V> {
    let markFull = () => undefined as void;
    const full = new Promise<void>((resolve) => (markFull = resolve));
    const batch: Batch<K, V> = { keys: new Map(), markFull };
    this.open = batch;
    const windowMs = this.windowMs();
    const waited = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, windowMs);
      timer.unref?.();
    });
    const ready = this.options.beforeSend ? Promise.all([waited, this.options.beforeSend()]) : waited;
    // A full batch goes at once unless it must still wait for what beforeSend brings.
    const go = this.options.beforeSend ? ready : Promise.race([ready, full]);
    void go.then(() => this.send(batch));
    return batch;
  }

  private close(batch: Batch<K, V>): void {
    if (this.open === batch) this.open = undefined;
    batch.markFull();
  }

  private async send(batch: Batch<K, V>): Promise<void> {
    this.close(batch);
    const keys = [...batch.keys.keys()];
    try {
      const results = await this.options.run(keys);
      for (const [key, waiters] of batch.keys) {
        const result = results.get(key);
        for (const w of waiters) {
          if (result instanceof Error) w.reject(result);
          else w.resolve(result);
        }
      }
    } catch (error) {
      for (const waiters of batch.keys.values()) for (const w of waiters) w.reject(error);
    }
  }
}
