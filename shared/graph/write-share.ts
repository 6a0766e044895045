/**
 * A tenant's Graph write budget divided between the instances that are writing to it, through
 * storage the deployment already has (GRAPH_WRITE_SHARE=table; docs/benchmarks.md, "Scale-out").
 *
 * Graph's 3,000 writes per 150 s are per app and tenant, whatever the number of instances
 * (https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits). Each
 * instance with writes for a tenant keeps a row of its own in the tenant's partition, renewed every
 * `intervalMs` with an expiry three intervals out, and reads the partition each time: its write
 * rate is the budget divided by the live rows. A crashed instance's row expires; an idle one
 * deletes its own. One row per instance, so nobody contends for an ETag.
 *
 * Why a newcomer waits: the others learn of it only at their next renewal, so an instance that
 * finds others already holding a share starts writing one interval after it announced itself —
 * by then each has cut its own rate. Alone, it starts at once: instances that announce together
 * all read after their own write, so the last to read sees every one of them, and at worst the
 * early ones overshoot for one interval.
 */
export interface WriteShareStore {
  /** Writes (or replaces) this instance's row for the tenant, live until `expiresAt` (ms since the epoch), with its demand. */
  announce(tenantKey: string, instanceId: string, expiresAt: number, demand?: number): Promise<void>;
  /** The rows for the tenant that are live at `now`, each with the demand its instance announced (1 when it gave none). */
  holders(tenantKey: string, now: number): Promise<Holder[]>;
  /** Removes this instance's row (absent is fine). */
  leave(tenantKey: string, instanceId: string): Promise<void>;
}

/** A live row: its instance and the demand it announced. */
export interface Holder {
  instanceId: string;
  demand: number;
}

/** One instance holding a share of a tenant's writes now, as the share's storage records it. */
export interface LiveHolder {
  instanceId: string;
  /** Its row's last write, by the storage's clock (absent if the storage does not say). */
  renewedAt?: string;
  /** Until when its row counts without another renewal. */
  expiresAt: string;
  /** The demand it announced (1 when none). */
  demand: number;
}

/**
 * The share a live holder takes: every holder divides the tenant's rate in proportion to the
 * demands it read at its last renewal, so within one renewal interval of a change all of them hold
 * this. A row does not record an instance's rate; this is the rule, applied to the rows now.
 */
export function shareOf(writesPerSecond: number, demand: number, totalDemand: number): number {
  return totalDemand > 0 ? Number(((writesPerSecond * demand) / totalDemand).toFixed(2)) : 0;
}

export interface WriteShareOptions {
  store: WriteShareStore;
  tenantKey: string;
  instanceId: string;
  /** The tenant's whole write rate (writes/s) the holders divide. */
  writesPerSecond: number;
  /** Told this instance's share whenever it changes. */
  onShare: (writesPerSecond: number) => void;
  /**
   * How much this instance wants now (its writes waiting for a token), announced at each renewal:
   * the budget is divided in proportion to the holders' demands, each counted at least 1, so an
   * instance with a backlog is not held to an equal part while another's part goes unused. Unset:
   * equal parts.
   */
  demand?: () => number;
  /** Renewal period; a row lives three of them. Default 2 s. */
  intervalMs?: number;
  /** No write asked for this long: the row is given up. Default 15 s. */
  idleMs?: number;
  now?: () => number;
}

export const WRITE_SHARE_INTERVAL_MS = 2_000;
/** How much a holder's part may grow at one renewal. */
const PART_GROWTH = 1.5;
const LIVE_INTERVALS = 3;
const IDLE_MS = 15_000;

type State = 'idle' | 'joining' | 'holding';

export class WriteShare {
  private readonly intervalMs: number;
  private readonly idleMs: number;
  private readonly now: () => number;
  private state: State = 'idle';
  private joined: Promise<void> | undefined;
  private lastDemand = 0;
  private holders = 1;
  /** This instance's part of the holders' summed demand at the last read (equal parts: 1 of `holders`). */
  private part = 1;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: WriteShareOptions) {
    if (!(options.writesPerSecond > 0)) throw new RangeError('writesPerSecond must be positive');
    this.intervalMs = options.intervalMs ?? WRITE_SHARE_INTERVAL_MS;
    this.idleMs = options.idleMs ?? IDLE_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * Called before every write: resolves at once while this instance holds a share; the first write
   * after an idle spell waits until it has joined (announced, and — with others writing — one interval).
   */
  beforeWrite(): Promise<void> | undefined {
    this.lastDemand = this.now();
    if (this.state === 'holding' || this.closed) return undefined;
    this.joined ??= this.join().finally(() => {
      this.joined = undefined;
    });
    return this.joined;
  }

  /** This instance's current share of the tenant's writes per second. */
  share(): number {
    return this.options.writesPerSecond * this.part;
  }

  /** Holders counted at the last read (this one included). */
  holderCount(): number {
    return this.holders;
  }

  /** Stops renewing and gives the row up. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.state !== 'idle') await this.options.store.leave(this.options.tenantKey, this.options.instanceId).catch(() => undefined);
    this.state = 'idle';
  }

  private async join(): Promise<void> {
    this.state = 'joining';
    try {
      const others = (await this.renew()) - 1;
      // Unknown holders (storage unreachable) or none: as without a share, per-instance AIMD.
      if (others > 0) await new Promise<void>((resolve) => setTimeout(resolve, this.intervalMs).unref?.());
    } catch {
      this.setHolders(1);
    }
    if (this.closed) return;
    this.state = 'holding';
    this.schedule();
  }

  /** Announces this instance, reads the live holders and takes its share; returns the count. */
  private async renew(): Promise<number> {
    const { store, tenantKey, instanceId } = this.options;
    const mine = demandOf(this.options.demand?.());
    await store.announce(tenantKey, instanceId, this.now() + LIVE_INTERVALS * this.intervalMs, mine);
    const live = await store.holders(tenantKey, this.now());
    const others = live.filter((h) => h.instanceId !== instanceId);
    const total = mine + others.reduce((sum, h) => sum + demandOf(h.demand), 0);
    const part = mine / total;
    // Down at once, up by half at most per renewal (joining: as read): the others read the demands at
    // their own renewals, so a part that grows while another has not shrunk yet would add up to more
    // than the whole; growing gradually keeps the sum under it while they re-divide.
    this.setHolders(others.length + 1, this.state === 'joining' || part <= this.part ? part : Math.min(part, this.part * PART_GROWTH));
    return others.length + 1;
  }

  private setHolders(count: number, part = 1 / Math.max(1, count)): void {
    const before = this.share();
    this.holders = Math.max(1, count);
    this.part = part;
    if (this.share() !== before) this.options.onShare(this.share());
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.tick(), this.intervalMs);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    if (this.now() - this.lastDemand >= this.idleMs) {
      // Idle: give the row up so the others may take the whole budget; the next write rejoins.
      await this.options.store.leave(this.options.tenantKey, this.options.instanceId).catch(() => undefined);
      this.state = 'idle';
      return;
    }
    // A failed renewal keeps the last share: the row outlives two missed renewals.
    await this.renew().catch(() => undefined);
    if (!this.closed && this.state === 'holding') this.schedule();
  }
}

/** A demand as a row counts it: a whole number, at least 1 (a holder that writes at all), at most 100,000. */
function demandOf(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(100_000, Math.max(1, Math.round(value))) : 1;
}
