/**
 * A token bucket several tenants share, sized so that no window of `windowMs` ever sees more
 * than `limit` spent: it starts with a burst of one second's worth (at least 1) and refills at
 * (limit − burst) per window, so burst + refill over any window is the limit.
 *
 * Waiting tenants are served in turn, one request each (round-robin), not in arrival order: a
 * tenant with a backlog of thousands cannot make another tenant's next request wait behind all
 * of them. Every tenant that keeps asking gets an equal share of requests, and a tenant that asks
 * for less than that gets all it asks for (max-min fair).
 *
 * When Graph says the budget is spent anyway (more instances than counted share it), `throttled`
 * closes the gate for everyone and cuts the rate to 70 %; accepted spending brings it back.
 */
export interface FairBucketOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
}

/** Like the tenant governor's: one cut per spell of 429s, and about 20 s of spending undoes a cut. */
const CUT_COOLDOWN_MS = 1_000;
const MIN_RATE_SHARE = 0.05;
const RECOVERY_PER_TOKEN = 0.015;

interface Waiter {
  cost: number;
  resolve: () => void;
}

export class FairBucket {
  burst: number;
  /** Tokens per second, at most `maxRate`. */
  rate: number;
  maxRate: number;
  private readonly windowMs: number;
  private lastCut = -Infinity;
  private readonly now: () => number;
  private tokens: number;
  private refilledAt: number;
  private gateUntil = 0;
  /** Waiters by tenant; the map's order is the turn order (a served tenant goes to the back). */
  private readonly queues = new Map<string, Waiter[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(options: FairBucketOptions) {
    if (!(options.limit >= 2) || !(options.windowMs > 0)) throw new RangeError('a fair bucket needs a limit of at least 2 per positive window');
    this.windowMs = options.windowMs;
    const { burst, maxRate } = sized(options.limit, options.windowMs);
    this.burst = burst;
    this.maxRate = maxRate;
    this.rate = this.maxRate;
    this.now = options.now ?? Date.now;
    this.tokens = this.burst;
    this.refilledAt = this.now();
  }

  /** Resolves when `cost` tokens are spent for `key`'s request. */
  take(key: string, cost = 1): Promise<void> {
    return new Promise((resolve) => {
      const queue = this.queues.get(key);
      if (queue) queue.push({ cost, resolve });
      else this.queues.set(key, [{ cost, resolve }]);
      this.wake();
    });
  }

  /**
   * A new limit per window (this instance's share changed): the burst and the rate follow it, a rate
   * cut stays cut in proportion, and tokens beyond the new burst are dropped.
   */
  resize(limit: number): void {
    if (!(limit >= 2)) throw new RangeError('a fair bucket needs a limit of at least 2 per window');
    const now = this.now();
    this.refill(now);
    const { burst, maxRate } = sized(limit, this.windowMs);
    this.rate = (this.rate / this.maxRate) * maxRate;
    this.burst = burst;
    this.maxRate = maxRate;
    this.tokens = Math.min(this.tokens, burst);
    this.wake();
  }

  /** Graph throttled the whole app: nobody is served before `ms` from now, and the rate is cut once per spell. */
  throttled(ms: number): void {
    const now = this.now();
    this.gateUntil = Math.max(this.gateUntil, now + ms);
    if (now - this.lastCut >= CUT_COOLDOWN_MS) {
      this.lastCut = now;
      this.refill(now);
      this.rate = Math.max(this.maxRate * MIN_RATE_SHARE, this.rate * 0.7);
    }
    this.wake();
  }

  snapshot(): { waiting: number; tenants: string[]; gateOpensInMs: number } {
    let waiting = 0;
    for (const queue of this.queues.values()) waiting += queue.length;
    return { waiting, tenants: [...this.queues.keys()], gateOpensInMs: Math.max(0, this.gateUntil - this.now()) };
  }

  private wake(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const now = this.now();
    if (now < this.gateUntil) {
      if (this.queues.size > 0) this.sleep(this.gateUntil - now);
      return;
    }
    this.refill(now);
    for (const [key, queue] of this.queues) {
      const head = queue[0] as Waiter;
      // A request dearer than the burst waits for a full bucket and leaves it in debt; the debt
      // is paid before anyone else is served, so the window still holds.
      const needed = Math.min(head.cost, this.burst);
      if (this.tokens < needed) {
        this.sleep(((needed - this.tokens) / this.rate) * 1000);
        return;
      }
      this.tokens -= head.cost;
      if (this.rate < this.maxRate) this.rate = Math.min(this.maxRate, this.rate + RECOVERY_PER_TOKEN * head.cost);
      queue.shift();
      this.queues.delete(key);
      if (queue.length > 0) this.queues.set(key, queue);
      head.resolve();
    }
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
  }

  private sleep(ms: number): void {
    this.timer = setTimeout(() => this.wake(), Math.max(1, Math.ceil(ms)));
    this.timer.unref?.();
  }
}

/** One second's worth (at least 1, at most half the limit) as a burst; the rest of the limit spread over the window. */
function sized(limit: number, windowMs: number): { burst: number; maxRate: number } {
  const windowSeconds = windowMs / 1000;
  const burst = Math.min(limit / 2, Math.max(1, limit / windowSeconds));
  return { burst, maxRate: (limit - burst) / windowSeconds };
}
