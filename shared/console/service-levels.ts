import type { EventIndex } from './event-index';

/** Rows read per report at most; the answer says when it stopped. */
export const SERVICE_LEVEL_MAX_ROWS = 100_000;

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  n: number;
}

export interface ServiceLevelDay {
  day: string;
  tenantId: string;
  timeToProductive: Percentiles;
  timeToDeprovisioned: Percentiles;
}

/** Nearest-rank percentile (the smallest value with at least p% of values at or below it). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), n: sorted.length };
}

/**
 * Time-to-productive (joiner accepted → its groups and licences steps finished) and
 * time-to-deprovisioned (leaver accepted → sign-in off and sessions revoked), in seconds, p50 and
 * p95 per accepted day and tenant. The durations are computed from the ledger's step times when a
 * record is indexed (event-index.ts), so the report reads index rows only.
 */
export async function serviceLevels(index: EventIndex, range: { fromDay: string; toDay: string }, tenantId?: string): Promise<{ days: ServiceLevelDay[]; truncated?: boolean }> {
  const select = ['PartitionKey', 'tenantId', 'type', 'productiveSeconds', 'deprovisionedSeconds'];
  const buckets = new Map<string, { day: string; tenantId: string; productive: number[]; deprovisioned: number[] }>();
  let truncated = false;
  for (const type of ['joiner', 'leaver'] as const) {
    const { rows, truncated: cut } = await index.scan({ ...range, type, ...(tenantId ? { tenantId } : {}) }, SERVICE_LEVEL_MAX_ROWS, select);
    truncated ||= cut;
    for (const row of rows) {
      const key = `${row.acceptedAt}|${row.tenantId}`;
      const bucket = buckets.get(key) ?? { day: row.acceptedAt, tenantId: row.tenantId, productive: [], deprovisioned: [] };
      if (row.productiveSeconds !== undefined) bucket.productive.push(row.productiveSeconds);
      if (row.deprovisionedSeconds !== undefined) bucket.deprovisioned.push(row.deprovisionedSeconds);
      buckets.set(key, bucket);
    }
  }
  const days = [...buckets.values()]
    .map((b) => ({ day: b.day, tenantId: b.tenantId, timeToProductive: percentiles(b.productive), timeToDeprovisioned: percentiles(b.deprovisioned) }))
    .sort((a, b) => b.day.localeCompare(a.day) || a.tenantId.localeCompare(b.tenantId));
  return { days, ...(truncated ? { truncated: true } : {}) };
}
