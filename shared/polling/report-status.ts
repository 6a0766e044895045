import type { ReadyTenant } from '../tenancy/tenant-registry';
import { reportSourceOf } from './report-config';
import type { ReportSnapshotStore } from './report-store';

/**
 * What an operator sees of a tenant's polled report: whether one is configured (and the problems, by
 * setting name), the last run, a held report (its verdict, when, and the employee ids gone) and the
 * kept snapshot's size and time. No worker attributes, no URL, no credential.
 */
export async function reportStatus(tenant: ReadyTenant, store: ReportSnapshotStore): Promise<Record<string, unknown>> {
  const source = reportSourceOf(tenant);
  const [snapshot, held, lastRun] = await Promise.all([store.snapshot(tenant.key), store.held(tenant.key), store.lastRun(tenant.key)]);
  const workers = snapshot ? Object.values(snapshot.snapshot.workers) : [];
  return {
    tenant: tenant.key,
    configured: source.configured,
    ...(source.configured && !source.ok ? { problems: source.problems } : {}),
    ...(source.configured && source.ok ? { format: source.source.format, auth: source.source.auth.type, shrinkGuard: source.source.guard } : {}),
    lastRun: lastRun ?? null,
    held: held ? { heldAt: held.heldAt, verdict: held.verdict, goneSample: held.goneSample, rows: Object.keys(held.snapshot.workers).length } : null,
    snapshot: snapshot
      ? { takenAt: snapshot.snapshot.takenAt, id: snapshot.snapshot.id, workers: workers.length, active: workers.filter((w) => !w.terminated).length }
      : null,
  };
}
