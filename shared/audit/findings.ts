import type { DriftFinding, DriftKind, FindingSample, WasteFinding, WasteReason } from './report';

const SAMPLE_SIZE = 25;

/** Counts with a capped sample: what a report needs, in memory that does not grow with the tenant. */
export class FindingTally<K extends string> {
  private readonly entries = new Map<K, { userCount: number; licenceCount: number; monthlyCost: number; sample: FindingSample[] }>();

  constructor(private readonly kinds: readonly K[]) {
    for (const kind of kinds) this.entries.set(kind, { userCount: 0, licenceCount: 0, monthlyCost: 0, sample: [] });
  }

  add(kind: K, sample: FindingSample, licences = 0, monthlyCost = 0): void {
    const entry = this.entries.get(kind)!;
    entry.userCount++;
    entry.licenceCount += licences;
    entry.monthlyCost += monthlyCost;
    if (entry.sample.length < SAMPLE_SIZE) entry.sample.push(sample);
  }

  waste(): WasteFinding[] {
    return this.kinds.map((reason) => {
      const e = this.entries.get(reason)!;
      return { reason: reason as unknown as WasteReason, userCount: e.userCount, licenceCount: e.licenceCount, monthlyCost: round(e.monthlyCost), sample: e.sample };
    });
  }

  drift(): DriftFinding[] {
    return this.kinds.map((kind) => {
      const e = this.entries.get(kind)!;
      return { kind: kind as unknown as DriftKind, userCount: e.userCount, sample: e.sample };
    });
  }
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
