/** The console's JSON routes (docs/console.md), typed as the page reads them. */

export interface Me {
  name: string;
  roles: ('Reader' | 'Operator')[];
  mode: 'local-open' | 'easy-auth';
}

export interface ErrorInfo {
  step?: string;
  code: string;
  message: string;
}

export interface EventSummary {
  eventId: string;
  tenantId: string;
  type: string;
  status: string;
  employeeId: string;
  source?: string;
  acceptedAt: string;
  updatedAt: string;
  attempts: number;
  error?: ErrorInfo;
  nextAttemptAt?: string;
}

export interface EventsPage {
  events: EventSummary[];
  counts: Record<string, number>;
  next?: string;
}

export interface StepRecord {
  name: string;
  outcome: string;
  detail?: string;
  startedAt: string;
  durationMs: number;
  error?: { code: string; message: string };
}

export interface EventDetail extends EventSummary {
  occurredAt?: string;
  steps: StepRecord[];
  approvals?: { decision: string; by: { name: string }; at: string; comment: string }[];
}

export interface Worker {
  employeeId: string;
  tenantId: string;
  events: EventDetail[];
  snapshot?: Record<string, unknown>;
}

export interface DeadLetterItem {
  messageId: string;
  eventId: string;
  employeeId: string;
  tenantId: string;
  queue: string;
  deadLetteredAt: string;
  description: string;
}

export interface Stuck {
  deadLetters: { reason: string; remedy: string; count: number; releasable?: boolean; items: DeadLetterItem[] }[];
  waiting: { eventId: string; employeeId: string; tenantId?: string; waitsFor: string; until?: string }[];
}

export interface Held {
  /** The mass-leaver guard's hold, or a destructive step a leaver policy gates. */
  kind: 'mass-leaver' | 'delete' | 'wipe';
  eventId: string;
  employeeId: string;
  tenantId: string;
  displayName?: string;
  reason: string;
  heldAt: string;
  messageId: string;
}

export interface TenantRow {
  key: string;
  state: string;
  displayName?: string;
  problems?: unknown;
  budget?: unknown;
  throttling?: unknown;
  deadLetters?: number;
  lastAudit?: unknown;
}

export interface SkuLine {
  skuPartNumber: string;
  productName: string;
  enabled: number;
  consumed: number;
  available: number;
  utilisationPercent: number;
  lowStock: boolean;
  monthlyPrice?: number;
}

export interface Sample {
  userPrincipalName: string;
  items: string[];
  detail?: string;
}

export interface LicenceReport {
  id: string;
  tenantId: string;
  generatedAt: string;
  usersScanned: number;
  skus: SkuLine[];
  waste: { reason: string; userCount: number; licenceCount: number; monthlyCost: number; sample: Sample[] }[];
  wasteMonthlyCost: number;
  drift: { kind: string; userCount: number; sample: Sample[] }[];
  notes: string[];
  /** The tenant's newest audits (this one included), oldest first: the trend (shared/console/licence-trend.ts). */
  trend: TrendPoint[];
  /** The store holds older audits than the trend keeps. */
  trendTruncated?: boolean;
}

export interface TrendPoint {
  id: string;
  generatedAt: string;
  usersScanned: number;
  monthlySpend?: number;
  wasteMonthlyCost: number;
  skus: { skuPartNumber: string; productName: string; utilisationPercent: number; consumed: number; enabled: number }[];
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  n: number;
}

export interface ServiceLevels {
  days: { day: string; tenantId: string; timeToProductive: Percentiles; timeToDeprovisioned: Percentiles }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Where to sign in, on a 401 in Azure (Easy Auth's login path). */
    readonly login?: string,
  ) {
    super(message);
  }
}

function url(path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const qs = params.toString();
  return `/api/console/${path}${qs ? `?${qs}` : ''}`;
}

async function read<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const { error, login } = (body ?? {}) as { error?: unknown; login?: unknown };
    throw new ApiError(response.status, typeof error === 'string' ? error : `${response.status} ${response.statusText}`, typeof login === 'string' && login.startsWith('/') ? login : undefined);
  }
  return body as T;
}

export async function getJson<T>(path: string, query?: Record<string, string | undefined>): Promise<T> {
  return read<T>(await fetch(url(path, query), { credentials: 'same-origin', headers: { accept: 'application/json' } }));
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return read<T>(await fetch(url(path), { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) }));
}

/** Path segments go through encodeURIComponent, like every value the page puts in a URL. */
export const segment = encodeURIComponent;
