/** The licence audit's result, stored as JSON and rendered as HTML. Counts plus capped samples: bounded size. */

export interface SkuLine {
  skuId: string;
  skuPartNumber: string;
  productName: string;
  enabled: number;
  suspended: number;
  warning: number;
  consumed: number;
  available: number;
  utilisationPercent: number;
  /** Fewer free units than the threshold (or none). */
  lowStock: boolean;
  monthlyPrice?: number;
}

export const WASTE_REASONS = ['disabled-account', 'past-leave-date', 'inactive', 'overlapping'] as const;
export type WasteReason = (typeof WASTE_REASONS)[number];

export const DRIFT_KINDS = ['missing-licence', 'extra-licence', 'missing-group', 'extra-group'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export interface FindingSample {
  userPrincipalName: string;
  items: string[];
  detail?: string;
}

export interface WasteFinding {
  reason: WasteReason;
  userCount: number;
  licenceCount: number;
  monthlyCost: number;
  sample: FindingSample[];
}

export interface DriftFinding {
  kind: DriftKind;
  userCount: number;
  sample: FindingSample[];
}

export interface LicenceAuditReport {
  id: string;
  tenantId: string;
  generatedAt: string;
  durationMs: number;
  usersScanned: number;
  skus: SkuLine[];
  waste: WasteFinding[];
  /** Each wasted licence counted once, even if it matches several reasons. */
  wasteMonthlyCost: number;
  drift: DriftFinding[];
  signInActivity: 'available' | 'unavailable';
  /** What the audit could not do and why, in words. */
  notes: string[];
}
