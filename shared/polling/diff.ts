import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json';
import { CLEARABLE_ATTRIBUTES, lifecycleEventSchema, tenantScopedEventId, type ClearableAttribute, type Employee, type LifecycleEvent } from '../domain/events';
import { MATCHABLE } from '../rules/rules-file';
import type { ReadReport, ReportWorker } from './read-report';

/**
 * The snapshot of the last accepted report and the diff of a new one against it: only the changes
 * become events. Event ids hash the kept snapshot's hash and the change, so the same diff — a run
 * that crashed after emitting and before saving, then ran again — gives the same ids, which Service
 * Bus duplicate detection and the ledger's fingerprint make harmless; a later change that happens to
 * look like an earlier one (A → B → A → B) has another base (snapshot ids chain), so another id.
 */

export interface ReportSnapshot {
  version: 1;
  tenantId: string;
  /** When the report it was made from was accepted. */
  takenAt: string;
  /** Of `workers`, canonical: whether a report says anything new. */
  hash: string;
  /** Of the snapshot before it and this hash: a chain, so a snapshot equal to an older one (A → B → A) is still another base. Event ids derive from it. */
  id: string;
  workers: Record<string, ReportWorker>;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

export function snapshotOf(tenantId: string, workers: ReadonlyMap<string, ReportWorker>, takenAt: Date, previous: ReportSnapshot | undefined): ReportSnapshot {
  const sorted = Object.fromEntries([...workers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const hash = digest(canonicalJson(sorted));
  return { version: 1, tenantId, takenAt: takenAt.toISOString(), hash, id: digest(`${previous?.id ?? ''}\n${hash}`), workers: sorted };
}

/** The workers the next snapshot holds: the report's, and — for rows it could not read — the kept ones. */
export function nextWorkers(read: ReadReport, base: ReportSnapshot | undefined): Map<string, ReportWorker> {
  const next = new Map(read.workers);
  for (const key of read.unreadable) {
    const kept = base?.workers[key];
    if (kept) next.set(key, kept);
  }
  return next;
}

export type ChangeKind = 'joiner' | 'mover' | 'leaver' | 'rehire';

export interface ReportChange {
  kind: ChangeKind;
  employeeId: string;
  /** A leaver: gone from the report, or its status says terminated. */
  reason?: 'gone' | 'terminated';
  /** A mover: the attributes that changed (cleared ones included). */
  changed?: string[];
  event: LifecycleEvent;
}

export interface ReportDiff {
  changes: ReportChange[];
  unchanged: number;
  /** Workers active in the kept snapshot and missing from this report: what the shrink guard counts. */
  gone: number;
  /** Active workers in the kept snapshot (the guard's percentage is of these). */
  baseActive: number;
}

/** Not compared: a mover cannot carry them (accountEnabled, upnCandidates), and a mover does not rename (userPrincipalName). */
const NOT_COMPARED = new Set(['employeeId', 'accountEnabled', 'upnCandidates', 'userPrincipalName']);

function attributeChanges(before: Employee, after: Employee): { changed: string[]; cleared: ClearableAttribute[] } {
  const names = new Set([...Object.keys(before), ...Object.keys(after)].filter((n) => !NOT_COMPARED.has(n)));
  const changed: string[] = [];
  const cleared: ClearableAttribute[] = [];
  for (const name of [...names].sort()) {
    const was = (before as Record<string, unknown>)[name];
    const now = (after as Record<string, unknown>)[name];
    if (canonicalJson(was) === canonicalJson(now)) continue;
    if (now === undefined) {
      // A value HR no longer has is cleared where Entra can clear it; the rest are left as they are.
      if ((CLEARABLE_ATTRIBUTES as readonly string[]).includes(name)) cleared.push(name as ClearableAttribute);
      continue;
    }
    changed.push(name);
  }
  return { changed, cleared };
}

/**
 * A mover names what changed, and also carries the attributes the rules match on: processing
 * reconciles groups and licences from the event alone, so a mover without the department would
 * lose the department's groups.
 */
function moverEmployee(after: Employee, changed: string[], cleared: ClearableAttribute[]): Employee {
  const employee: Record<string, unknown> = { employeeId: after.employeeId };
  for (const name of [...MATCHABLE, ...changed]) {
    const value = (after as Record<string, unknown>)[name];
    if (value !== undefined) employee[name] = value;
  }
  if (cleared.length > 0) employee.clear = cleared;
  return employee as Employee;
}

function withoutAccountEnabled(employee: Employee): Employee {
  const { accountEnabled, ...rest } = employee;
  return (accountEnabled === true ? { ...rest, accountEnabled } : rest) as Employee;
}

function eventOf(type: ChangeKind, employee: Employee, context: { tenantId: string; baseId: string | null; now: Date }): LifecycleEvent {
  const candidate = { type, tenantId: context.tenantId, source: 'hr-report' as const, employee };
  const id = digest(canonicalJson({ base: context.baseId, ...candidate }));
  return lifecycleEventSchema.parse({ ...candidate, eventId: tenantScopedEventId(context.tenantId, `hr-report-${id}`), occurredAt: context.now.toISOString() });
}

/**
 * Joiners: new active workers. Movers: active before and now, with attributes changed. Leavers: an
 * active worker gone from the report, or whose status now says terminated (with the report's leave
 * date, which schedules it when in the future). Rehires: terminated before, active now. A worker
 * first seen already terminated is recorded, not emitted: a report of active and terminated workers
 * carries years of them, and they never had an account from this feed.
 */
export function diffReports(base: ReportSnapshot | undefined, next: ReadonlyMap<string, ReportWorker>, options: { tenantId: string; now: Date }): ReportDiff {
  const context = { tenantId: options.tenantId, baseId: base?.id ?? null, now: options.now };
  const before = new Map(Object.entries(base?.workers ?? {}));
  const changes: ReportChange[] = [];
  let unchanged = 0;
  for (const [key, worker] of next) {
    const was = before.get(key);
    const { employeeId } = worker.employee;
    if (!was) {
      if (worker.terminated) unchanged += 1;
      else changes.push({ kind: 'joiner', employeeId, event: eventOf('joiner', withoutAccountEnabled(worker.employee), context) });
      continue;
    }
    if (was.terminated && worker.terminated) unchanged += 1;
    else if (was.terminated) changes.push({ kind: 'rehire', employeeId, event: eventOf('rehire', withoutAccountEnabled(worker.employee), context) });
    else if (worker.terminated) {
      const leaveDate = worker.employee.leaveDate;
      changes.push({ kind: 'leaver', employeeId, reason: 'terminated', event: eventOf('leaver', { employeeId, ...(leaveDate ? { leaveDate } : {}) }, context) });
    } else {
      const { changed, cleared } = attributeChanges(was.employee, worker.employee);
      if (changed.length === 0 && cleared.length === 0) unchanged += 1;
      else changes.push({ kind: 'mover', employeeId, changed: [...changed, ...cleared].sort(), event: eventOf('mover', moverEmployee(worker.employee, changed, cleared), context) });
    }
  }
  let gone = 0;
  let baseActive = 0;
  for (const [key, was] of before) {
    if (!was.terminated) baseActive += 1;
    if (next.has(key) || was.terminated) continue;
    gone += 1;
    const { employeeId } = was.employee;
    changes.push({ kind: 'leaver', employeeId, reason: 'gone', event: eventOf('leaver', { employeeId }, context) });
  }
  return { changes, unchanged, gone, baseActive };
}

