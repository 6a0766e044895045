import type { Settings } from '../config/settings';
import type { AppShare, AppWideLimit } from './app-budget';

/**
 * Keeps one tenant's Graph traffic from this worker just under the tenant's throttle budget.
 *
 * Graph's identity limits are per app and tenant: a resource-unit budget per 10 s and 3,000
 * writes per 150 s. Writes are the ceiling for lifecycle work, so they are paced by a token
 * bucket at a known rate; everything else is bounded by an AIMD concurrency window (additive
 * increase while Graph answers, halved when the tenant's budget is spent). A 429 that shows the
 * budget spent — its `x-ms-throttle-scope` names the tenant's budget, its
 * `x-ms-throttle-limit-percentage` is near 1, or it is one of a spell of 429s with nothing answered
 * between — closes a gate for every request of the tenant until its `Retry-After`: the others
 * would be refused too. A lone 429 that names none is Graph busy, not our budget; it holds only
 * the refused request until its Retry-After, as Graph asks (https://learn.microsoft.com/graph/throttling#best-practices-to-handle-throttling),
 * and the tenant's other requests go on. A cut write rate recovers with time, whether or not
 * writes are accepted meanwhile. When several instances share a tenant, each has its own governor: their combined rate
 * overshoots, Graph answers 429 and every instance cuts its write rate multiplicatively, so
 * they settle on shares of the budget (docs/benchmarks.md, "Scale-out"). Every tenant governor
 * of the process also passes the app's budget across tenants (`app`, app-budget.ts).
 */
export interface GovernorOptions {
  /** Writes per second this worker may send to the tenant (Graph: 3,000 / 150 s = 20). */
  writesPerSecond: number;
  /** Writes that may go at once after a quiet spell. */
  writeBurst?: number;
  /** Graph requests in flight at first, and at most. */
  initialConcurrency?: number;
  maxConcurrency?: number;
  /** This tenant's way into the app's budget across all tenants; absent, only the tenant's own applies. */
  app?: AppShare;
  /** Awaited before each write takes its token: the instance's share of the tenant's writes (write-share.ts) is known by then. */
  beforeWrite?: () => Promise<void> | undefined;
  now?: () => number;
}

export interface GovernorSnapshot {
  concurrency: number;
  inFlight: number;
  writesPerSecond: number;
  gateOpensInMs: number;
  throttled: number;
}

/** What a response told us about the budget. */
export interface ResponseSignal {
  status: number;
  isWrite: boolean;
  retryAfterMs?: number;
  /** `x-ms-throttle-limit-percentage`: share of the budget used (Graph sends it above 0.8). */
  limitPercentage?: number;
  /** A 429 whose `x-ms-throttle-scope` is `Application/…`: the app's limit across tenants (its writes, or all), not this tenant's. */
  appWide?: AppWideLimit;
  /**
   * A 429 whose scope says this tenant's write budget is spent (`Tenant_Application/Write`,
   * `Tenant/Write`): only then is the write rate cut. A 429 without one is the service under load
   * ("429 … even when the limits are not reached", throttling-limits): alone, it holds only the
   * request it refused; in a spell, the gate and a smaller window answer it. Cutting the write
   * rate for it starved the tenant for nothing (the soak, issue 18).
   */
  writeBudgetSpent?: boolean;
  /** A 429 whose `x-ms-throttle-scope` names a budget of this tenant (`Tenant_Application/…`, `Tenant/…`), reads or writes. */
  tenantBudgetSpent?: boolean;
  /** The requests a 429 refused (`requestKey`, service-scope.ts; a `$batch`'s throttled items), each held until its own Retry-After. */
  refused?: Array<{ key: string; retryAfterMs?: number }>;
  /** A `$batch` some of whose items Graph answered although others were throttled: the budget was not spent for those. */
  partlyAnswered?: boolean;
}

const MIN_WRITE_RATE = 0.5;
const DECREASE_COOLDOWN_MS = 1_000;
const DEFAULT_RETRY_AFTER_MS = 1_000;
/**
 * Share of the ceiling the write rate regains per second once the gate is open: a cut to 70 % is
 * back in 20 s, the 0.5/s floor (of 19.5) in about 65 s. Per second, not per accepted write: at a
 * low rate, few writes are accepted, and recovery per write kept a cut tenant cut (the soak, issue 18).
 */
const RATE_RECOVERY_PER_SECOND = 0.015;
/**
 * How many 429s in a row, nothing answered between, are taken for a spent budget although none
 * names it. A spent budget refuses every request until it frees, so the requests in flight all
 * come back 429 together; Graph busy refuses some at random, and at 10 % of answers three in a
 * row happen once in a thousand answers (about once a minute at this app's rate).
 */
const SPELL_LENGTH = 3;
/** A 429 this long after the last one starts a new count: the spell was over. */
const SPELL_GAP_MS = 2_000;
/** `x-ms-throttle-limit-percentage` from here up on a 429 says the budget is what refused it (Graph sends it above 0.8). */
const BUDGET_PRESSURE = 0.9;
/** Held requests remembered at most; a refused request is retried within seconds, so more means keys nobody asks again. */
const MAX_HELD = 10_000;

export class GraphGovernor {
  private readonly now: () => number;
  private maxRate: number;
  private burst: number;
  private readonly beforeWrite: GovernorOptions['beforeWrite'];
  private readonly maxConcurrency: number;
  private readonly app: AppShare | undefined;
  private rate: number;
  private tokens: number;
  private refilledAt: number;
  private window: number;
  private inFlight = 0;
  private gateUntil = 0;
  /** Gates of the other Graph services' scopes, by scope key (service-scope.ts). */
  private readonly scopeGates = new Map<string, number>();
  /** Requests refused by a 429 that named no spent budget, held until their own Retry-After, by `requestKey`. */
  private readonly held = new Map<string, number>();
  private spell = 0;
  private lastSpellAt = -Infinity;
  private recoveredAt: number;
  private lastDecrease = -Infinity;
  private throttled = 0;
  private readonly tokenWaiters: (() => void)[] = [];
  private readonly slotWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: GovernorOptions) {
    if (!(options.writesPerSecond > 0)) throw new RangeError('writesPerSecond must be positive');
    this.now = options.now ?? Date.now;
    this.app = options.app;
    this.beforeWrite = options.beforeWrite;
    this.maxRate = options.writesPerSecond;
    this.rate = options.writesPerSecond;
    this.burst = Math.max(1, options.writeBurst ?? Math.ceil(options.writesPerSecond / 4));
    this.tokens = this.burst;
    this.refilledAt = this.now();
    this.recoveredAt = this.refilledAt;
    this.maxConcurrency = Math.max(1, options.maxConcurrency ?? 32);
    this.window = Math.min(this.maxConcurrency, Math.max(1, options.initialConcurrency ?? 8));
  }

  /**
   * Waits until the request may go: the gate is open, a concurrency slot is free, the app's
   * budget has its resource units (Graph's estimated cost) and, for a write, a write token is
   * taken (unless the caller already holds one from `reserveWrite`). A request refused before
   * (`key`, the same `requestKey`) first waits for its own Retry-After, holding no token or slot
   * meanwhile. The returned function must be called with what the response said.
   */
  async acquire(isWrite: boolean, writeAlreadyReserved = false, resourceUnits = 1, scope = 'directory', key?: string): Promise<(signal: ResponseSignal) => void> {
    if (scope !== 'directory') return this.acquireOutsideDirectory(scope);
    if (key !== undefined) await this.waitForOwnRetry(key);
    if (isWrite && !writeAlreadyReserved) await this.reserveWrite();
    await new Promise<void>((resolve) => {
      this.slotWaiters.push(resolve);
      this.wake();
    });
    // After the slot, so units are not spent for a request this tenant's gate still holds.
    await this.app?.takeResourceUnits(resourceUnits);
    let released = false;
    return (signal) => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.observe(signal);
      this.wake();
    };
  }

  private async waitForOwnRetry(key: string): Promise<void> {
    const until = this.held.get(key);
    if (until === undefined) return;
    const wait = until - this.now();
    if (wait > 0) await new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(wait)).unref?.());
    if (this.held.get(key) === until) this.held.delete(key);
  }

  private hold(refused: ResponseSignal['refused'], now: number): void {
    for (const { key, retryAfterMs } of refused ?? []) {
      this.held.set(key, Math.max(this.held.get(key) ?? 0, now + (retryAfterMs ?? DEFAULT_RETRY_AFTER_MS)));
    }
    if (this.held.size <= MAX_HELD) return;
    for (const [key, until] of this.held) if (until <= now || this.held.size > MAX_HELD) this.held.delete(key);
  }

  /**
   * A request another Graph service throttles (Outlook per mailbox, SharePoint, Intune:
   * service-scope.ts): none of the directory's budget, window or gate applies to it, and its 429s
   * close only its own scope's gate — a mailbox at its limit holds that mailbox's requests only.
   */
  private async acquireOutsideDirectory(scope: string): Promise<(signal: ResponseSignal) => void> {
    const wait = (this.scopeGates.get(scope) ?? 0) - this.now();
    if (wait > 0) await new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(wait)).unref?.());
    return (signal) => {
      if (signal.status !== 429) return;
      this.throttled++;
      this.scopeGates.set(scope, Math.max(this.scopeGates.get(scope) ?? 0, this.now() + (signal.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS)));
    };
  }

  /**
   * Takes one write token now, for a request that is sent later. Used by coalescers: while
   * their batch waits for its token, more items join it, so batches grow exactly when writes
   * are scarce and stay small (fast) when they are not.
   */
  async reserveWrite(): Promise<void> {
    await this.beforeWrite?.();
    await new Promise<void>((resolve) => {
      this.tokenWaiters.push(resolve);
      this.wake();
    });
    await this.app?.takeWrite();
  }

  /**
   * A new ceiling for this instance's writes to the tenant (its share changed, write-share.ts):
   * the current rate moves with it in proportion, so a cut for a 429 is kept, and so does the burst.
   */
  setWriteCeiling(writesPerSecond: number): void {
    if (!(writesPerSecond > 0)) throw new RangeError('writesPerSecond must be positive');
    const now = this.now();
    this.refill(now);
    this.rate = Math.max(Math.min(MIN_WRITE_RATE, writesPerSecond), this.rate * (writesPerSecond / this.maxRate));
    this.maxRate = writesPerSecond;
    this.burst = Math.max(1, Math.ceil(writesPerSecond / 4));
    this.tokens = Math.min(this.tokens, this.burst);
    this.wake();
  }

  /** Writes waiting for a token now: what this instance asks of the tenant's share (write-share.ts `demand`). */
  waitingWrites(): number {
    return this.tokenWaiters.length;
  }

  snapshot(): GovernorSnapshot {
    this.refill(this.now());
    return {
      concurrency: Math.floor(this.window),
      inFlight: this.inFlight,
      writesPerSecond: Number(this.rate.toFixed(2)),
      gateOpensInMs: Math.max(0, this.gateUntil - this.now()),
      throttled: this.throttled,
    };
  }

  private observe(signal: ResponseSignal): void {
    const now = this.now();
    if (signal.status === 429 && signal.appWide && this.app) {
      // Every tenant of the app is refused until then, not only this one: the app's gate holds
      // them all, and this tenant's own window and rate are not to blame.
      this.throttled++;
      this.app.throttled(signal.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS, signal.appWide);
      return;
    }
    if (signal.status === 429) {
      this.throttled++;
      this.hold(signal.refused, now);
      if (!this.budgetSpent(signal, now)) return; // Graph busy: the refused request waits, the tenant does not
      this.gateUntil = Math.max(this.gateUntil, now + (signal.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS));
      // Requests already in flight when the budget ran out come back 429 together: one cut per
      // spell, not one per response.
      if (now - this.lastDecrease >= DECREASE_COOLDOWN_MS) {
        this.lastDecrease = now;
        this.window = Math.max(1, this.window / 2);
        if (signal.isWrite && signal.writeBudgetSpent) {
          this.refill(now);
          this.rate = Math.max(MIN_WRITE_RATE, this.rate * 0.7);
        }
      }
      return;
    }
    if (signal.status < 500) this.spell = 0; // answered: whatever refused the others, it was not a spent budget
    const pressure = signal.limitPercentage ?? 0;
    if (pressure >= 1 && now - this.lastDecrease >= DECREASE_COOLDOWN_MS) {
      this.lastDecrease = now;
      this.window = Math.max(1, this.window * 0.8);
    } else if (pressure < BUDGET_PRESSURE) {
      this.window = Math.min(this.maxConcurrency, this.window + 1 / this.window);
    }
  }

  /**
   * Whether a 429 says the tenant's budget is spent: its scope names it, its limit percentage is
   * near 1, or it is the SPELL_LENGTH-th 429 in a row. A `$batch` whose other items were answered
   * ends a spell like an answer.
   */
  private budgetSpent(signal: ResponseSignal, now: number): boolean {
    if (signal.partlyAnswered) this.spell = 0;
    else {
      if (now - this.lastSpellAt > SPELL_GAP_MS) this.spell = 0;
      this.spell++;
      this.lastSpellAt = now;
    }
    return signal.tenantBudgetSpent === true || signal.writeBudgetSpent === true || (signal.limitPercentage ?? 0) >= BUDGET_PRESSURE || this.spell >= SPELL_LENGTH;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
    // A cut rate regains ground from when the gate opened: while it is closed nothing is learnt.
    const from = Math.max(this.recoveredAt, this.gateUntil);
    if (now > from && this.rate < this.maxRate) this.rate = Math.min(this.maxRate, this.rate + ((now - from) / 1000) * this.maxRate * RATE_RECOVERY_PER_SECOND);
    this.recoveredAt = Math.max(this.recoveredAt, now);
  }

  /**
   * Lets waiters go in arrival order while they fit, then sleeps until the next one may. Token
   * and slot waiters queue apart, so a read never waits behind a write's token.
   */
  private wake(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const now = this.now();
    if (now < this.gateUntil) {
      if (this.tokenWaiters.length > 0 || this.slotWaiters.length > 0) this.sleep(this.gateUntil - now);
      return;
    }
    while (this.slotWaiters.length > 0 && this.inFlight < Math.floor(this.window)) {
      this.inFlight++;
      (this.slotWaiters.shift() as () => void)();
    }
    this.refill(now);
    while (this.tokenWaiters.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      (this.tokenWaiters.shift() as () => void)();
    }
    if (this.tokenWaiters.length > 0) this.sleep(((1 - this.tokens) / this.rate) * 1000);
  }

  private sleep(ms: number): void {
    this.timer = setTimeout(() => this.wake(), Math.max(1, Math.ceil(ms)));
    this.timer.unref?.();
  }
}

/** The governor for a tenant as the settings size it, inside the app's budget when given. */
export function createGovernor(settings: Pick<Settings, 'GRAPH_WRITES_PER_SECOND' | 'GRAPH_MAX_CONCURRENCY'>, app?: AppShare, extra: Pick<GovernorOptions, 'beforeWrite'> = {}): GraphGovernor {
  return new GraphGovernor({
    ...extra,
    writesPerSecond: settings.GRAPH_WRITES_PER_SECOND,
    maxConcurrency: settings.GRAPH_MAX_CONCURRENCY,
    initialConcurrency: Math.min(8, settings.GRAPH_MAX_CONCURRENCY),
    ...(app ? { app } : {}),
  });
}
