import type { Ledger } from '../ledger/types';
import { sourceMapping, type CompiledSourceMapping } from '../mapping/mapping-file';
import type { QueueSender } from '../messaging/types';
import { acceptEvents } from '../processing/accept-events';
import type { Telemetry } from '../telemetry/telemetry';
import type { ReadyTenant } from '../tenancy/tenant-registry';
import { diffReports, nextWorkers, snapshotOf, type ChangeKind, type ReportDiff, type ReportSnapshot } from './diff';
import { fetchReport, ReportFetchError } from './fetch-report';
import { notifyHold } from './hold-alert';
import { readReport, ReportParseError, type RowProblem } from './read-report';
import { reportSourceOf } from './report-config';
import { SnapshotChangedError, type HeldReport, type ReportSnapshotStore, type RunRecord } from './report-store';
import { checkShrink, type ShrinkVerdict } from './shrink-guard';

/**
 * One tenant's poll: fetch, read through the mapping, diff against the kept snapshot, guard, emit the
 * changes, save the new snapshot — in that order, so a crash after emitting re-emits the same ids on
 * the next run, and a report that cannot be fetched or read changes nothing and is tried again on the
 * next run. Runs of one tenant never overlap in an instance; across instances the snapshot's ETag
 * keeps the newest.
 */

export interface PollDeps {
  store: ReportSnapshotStore;
  ledger: Ledger;
  processingQueue: QueueSender;
  telemetry?: Telemetry;
  now: () => Date;
  /** Lines for the Functions log: counts, reasons, employee ids at most — never attributes or credentials. */
  log: (line: string) => void;
  warn: (line: string) => void;
}

export type Emitted = Record<ChangeKind, number>;

/** Where a run stopped: nothing was emitted before `save`; at `save` the events were emitted and the snapshot was not kept. */
export type FailedStage = 'configuration' | 'fetch' | 'read' | 'save';

/** A storage error's code (e.g. LeaseIdMissing), never its message, which can carry the request URL. */
function storageCode(error: unknown): string {
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return typeof code === 'string' ? code : typeof statusCode === 'number' ? `status ${statusCode}` : 'storage error';
}

export type PollOutcome =
  | { kind: 'not-configured'; tenantId: string }
  | { kind: 'failed'; tenantId: string; stage: FailedStage; reason: string }
  | { kind: 'accepted'; tenantId: string; rows: number; emitted: Emitted; unchanged: number; problems: RowProblem[]; eventIds: string[] }
  | { kind: 'held'; tenantId: string; rows: number; verdict: ShrinkVerdict; goneSample: string[]; alert: string };

export type ReleaseOutcome =
  | { kind: 'nothing-held'; tenantId: string }
  | { kind: 'stale'; tenantId: string; reason: string }
  | { kind: 'released'; tenantId: string; emitted: Emitted; eventIds: string[] };

const running = new Map<string, Promise<unknown>>();

/** One run at a time per tenant in this instance: the timer and a manual run queue behind each other. */
function serially<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
  const previous = running.get(tenantId) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  running.set(tenantId, settled);
  void settled.then(() => {
    if (running.get(tenantId) === settled) running.delete(tenantId);
  });
  return next;
}

function counts(diff: ReportDiff): Emitted {
  const emitted: Emitted = { joiner: 0, mover: 0, leaver: 0, rehire: 0 };
  for (const change of diff.changes) emitted[change.kind] += 1;
  return emitted;
}

function describe(emitted: Emitted): string {
  return `${emitted.joiner} joiner(s), ${emitted.mover} mover(s), ${emitted.leaver} leaver(s), ${emitted.rehire} rehire(s)`;
}

async function record(deps: PollDeps, run: Omit<RunRecord, 'at'>): Promise<void> {
  await deps.store.recordRun({ ...run, at: deps.now().toISOString() }).catch((error: unknown) => deps.warn(`HR report (${run.tenantId}): the run could not be recorded (${error instanceof Error ? error.name : 'error'})`));
}

async function emit(diff: ReportDiff, deps: PollDeps): Promise<string[]> {
  const events = diff.changes.map((c) => c.event);
  if (events.length > 0) await acceptEvents(events, { processingQueue: deps.processingQueue, ledger: deps.ledger, now: deps.now, ...(deps.telemetry ? { telemetry: deps.telemetry } : {}) });
  return events.map((e) => e.eventId);
}

export function pollTenant(tenant: ReadyTenant, deps: PollDeps): Promise<PollOutcome> {
  return serially(tenant.key, () => pollOnce(tenant, deps));
}

async function pollOnce(tenant: ReadyTenant, deps: PollDeps): Promise<PollOutcome> {
  const tenantId = tenant.key;
  const resolved = reportSourceOf(tenant);
  if (!resolved.configured) return { kind: 'not-configured', tenantId };
  const failed = async (stage: FailedStage, reason: string): Promise<PollOutcome> => {
    deps.warn(`HR report (${tenantId}): ${stage} failed${stage === 'save' ? '' : ', nothing emitted'}, the snapshot is unchanged; tried again on the next run: ${reason}`);
    deps.telemetry?.trackEvent('HrReportFailed', { tenantId, stage, reason });
    await record(deps, { tenantId, outcome: 'failed', reason: `${stage}: ${reason}` });
    return { kind: 'failed', tenantId, stage, reason };
  };
  if (!resolved.ok) return failed('configuration', resolved.problems.join('; '));
  const { source } = resolved;
  const now = deps.now();

  let body: string;
  try {
    body = (await fetchReport(source)).body;
  } catch (error) {
    if (error instanceof ReportFetchError) return failed('fetch', error.message);
    throw error;
  }
  const base = await deps.store.snapshot(tenantId);
  let read;
  try {
    read = readReport(body, source.format, { mapping: sourceMapping(tenant.mapping, 'hr-report') as CompiledSourceMapping, now, upnDomains: [tenant.settings.UPN_DOMAIN] });
  } catch (error) {
    if (error instanceof ReportParseError) return failed('read', error.message);
    throw error;
  }
  for (const p of read.problems.slice(0, 20)) deps.warn(`HR report (${tenantId}): row ${p.row}${p.employeeId ? ` (worker ${p.employeeId})` : ''}, ${p.field}: ${p.message}; the worker is kept as before`);
  if (read.problems.length > 20) deps.warn(`HR report (${tenantId}): ${read.problems.length - 20} more row problem(s)`);

  const next = nextWorkers(read, base?.snapshot);
  const diff = diffReports(base?.snapshot, next, { tenantId, now });
  const verdict = checkShrink(diff, source.guard);
  const snapshot = snapshotOf(tenantId, next, now, base?.snapshot);
  if (verdict.hold && base) return hold(tenant, { base: base.snapshot, snapshot, diff, verdict, rows: read.rows }, deps);

  const eventIds = await emit(diff, deps);
  if (!base || base.snapshot.hash !== snapshot.hash) {
    try {
      await deps.store.saveSnapshot(snapshot, base?.etag);
    } catch (error) {
      // Emitted but not saved (as if the instance stopped here): the next run diffs from the same base and emits the same ids again.
      const reason = error instanceof SnapshotChangedError ? error.message : `the snapshot could not be saved (${storageCode(error)}); the ${eventIds.length} event(s) emitted will be emitted again under the same ids by the next run, which duplicate detection makes harmless`;
      return failed('save', reason);
    }
  }
  // A report that passes replaces one held earlier: the fix was in the report itself.
  const heldBefore = await deps.store.held(tenantId);
  if (heldBefore) {
    await deps.store.dropHold(tenantId);
    deps.log(`HR report (${tenantId}): the report held at ${heldBefore.heldAt} is dropped; this one passed the shrink guard`);
  }
  const emitted = counts(diff);
  deps.log(JSON.stringify({ tenantId, hrReport: 'accepted', rows: read.rows, ...emitted, unchanged: diff.unchanged, unreadableRows: read.problems.length }));
  deps.telemetry?.trackEvent('HrReportPolled', { tenantId, rows: read.rows, ...emitted, unchanged: diff.unchanged, unreadableRows: read.problems.length });
  await record(deps, { tenantId, outcome: eventIds.length > 0 ? 'accepted' : 'unchanged', rows: read.rows, emitted, unreadableRows: read.problems.length });
  return { kind: 'accepted', tenantId, rows: read.rows, emitted, unchanged: diff.unchanged, problems: read.problems, eventIds };
}

interface HoldFacts {
  base: ReportSnapshot;
  snapshot: ReportSnapshot;
  diff: ReportDiff;
  verdict: ShrinkVerdict;
  rows: number;
}

async function hold(tenant: ReadyTenant, facts: HoldFacts, deps: PollDeps): Promise<PollOutcome> {
  const tenantId = tenant.key;
  const goneSample = facts.diff.changes.filter((c) => c.reason === 'gone').map((c) => c.employeeId).slice(0, 100);
  const earlier = await deps.store.held(tenantId);
  const held: HeldReport = { tenantId, heldAt: deps.now().toISOString(), baseId: facts.base.id, verdict: facts.verdict, goneSample, snapshot: facts.snapshot };
  // The same report held again is not news: the operator was told when it first came.
  const repeat = earlier !== undefined && earlier.snapshot.hash === facts.snapshot.hash && earlier.baseId === facts.base.id;
  await deps.store.hold(repeat ? { ...held, heldAt: earlier.heldAt } : held);
  deps.warn(`HR report (${tenantId}) held: ${facts.verdict.reason}; nothing emitted, the kept snapshot stays. Check the report, then release it (POST /api/manage/hr-reports/release?tenant=${tenantId}) or fix it and let the next run pass`);
  deps.telemetry?.trackEvent('HrReportHeld', { tenantId, gone: facts.verdict.gone, baseActive: facts.verdict.baseActive, gonePercent: facts.verdict.gonePercent, repeat });
  const alert = repeat ? 'already told' : await notifyHold(tenant, facts.verdict);
  if (alert.startsWith('failed')) deps.warn(`HR report (${tenantId}): the hold alert was not delivered (${alert})`);
  await record(deps, { tenantId, outcome: 'held', reason: facts.verdict.reason as string, rows: facts.rows });
  return { kind: 'held', tenantId, rows: facts.rows, verdict: facts.verdict, goneSample, alert };
}

/** An operator's release of the held report: its diff against the snapshot it was held on is emitted, then it becomes the snapshot. */
export function releaseHeld(tenant: ReadyTenant, deps: PollDeps): Promise<ReleaseOutcome> {
  const tenantId = tenant.key;
  return serially(tenantId, async () => {
    const held = await deps.store.held(tenantId);
    if (!held) return { kind: 'nothing-held', tenantId };
    const base = await deps.store.snapshot(tenantId);
    if (base?.snapshot.id !== held.baseId) {
      return { kind: 'stale', tenantId, reason: 'the kept snapshot changed after the report was held (a later report was accepted); nothing was released — the next run diffs the current report' };
    }
    const diff = diffReports(base.snapshot, new Map(Object.entries(held.snapshot.workers)), { tenantId, now: deps.now() });
    const eventIds = await emit(diff, deps);
    await deps.store.saveSnapshot(held.snapshot, base.etag);
    await deps.store.dropHold(tenantId);
    const emitted = counts(diff);
    deps.log(`HR report (${tenantId}): the report held at ${held.heldAt} was released by an operator: ${describe(emitted)} emitted`);
    deps.telemetry?.trackEvent('HrReportReleased', { tenantId, ...emitted });
    await record(deps, { tenantId, outcome: 'released', emitted });
    return { kind: 'released', tenantId, emitted, eventIds };
  });
}
