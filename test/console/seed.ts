import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { BlobReportStore, blobNameOf } from '../../shared/audit/report-store';
import type { LicenceAuditReport } from '../../shared/audit/report';
import { seedAuditTenant } from '../audit/seeded-tenant';
import type { TestHost } from '../support/test-host';
import { hrEvent, postAndWait, tenant } from '../support/tenant';

/** The app's rules with a mass-leaver threshold of two, so a third and fourth leaver are held. */
export function rulesWithSmallMassLeaverThreshold(): string {
  const rules = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'config', 'rules.json'), 'utf8')) as Record<string, unknown>;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'console-rules-')), 'rules.json');
  writeFileSync(file, JSON.stringify({ ...rules, massLeaver: { threshold: 2, windowMinutes: 60 } }));
  return file;
}

export interface SeededRun {
  /** A mover that came before its worker's joiner: dead-lettered (no such user), fine once replayed. */
  earlyMover: string;
  /** A joiner from a country that is none: dead-lettered, stays so. */
  badCountry: string;
  /** Leavers 3 and 4 of the window (1 and 2 wait for their deletion): held by the mass-leaver guard. */
  held: { CL3: string; CL4: string };
}

const worker = (employeeId: string, surname: string) => ({ employeeId, givenName: 'Console', surname, department: 'Engineering', country: 'GB' });

/** The home tenant's audit reports in the test run's Azurite, in the container the host was given (AUDIT_CONTAINER_NAME). */
export function auditStore(container: string): BlobReportStore {
  return new BlobReportStore(BlobServiceClient.fromConnectionString(String(process.env.TEST_STORAGE_CONNECTION_STRING)).getContainerClient(container));
}

const DAY = 86_400_000;

/**
 * Runs the real licence audit, then moves its stored report `daysAgo` days back: the audit dates
 * its report by the host's clock, and a spec of a trend over days cannot wait days.
 */
export async function auditDaysAgo(host: TestHost, container: string, daysAgo: number): Promise<LicenceAuditReport> {
  const run = await fetch(`${host.url}/api/licence-audit/run`, { method: 'POST' });
  if (run.status !== 200) throw new Error(`licence audit: ${run.status} ${await run.text()}`);
  const store = auditStore(container);
  const report = (await store.latest())!;
  if (daysAgo === 0) return report;
  const dated = { ...report, id: `${report.id}-${daysAgo}d`, generatedAt: new Date(Date.parse(report.generatedAt) - daysAgo * DAY).toISOString() };
  await store.save(dated);
  await BlobServiceClient.fromConnectionString(String(process.env.TEST_STORAGE_CONNECTION_STRING)).getContainerClient(container).deleteBlob(blobNameOf(report));
  return dated;
}

/**
 * The licence audit's workers (test/audit/seeded-tenant.ts) audited on three days, the tenant
 * changing between them: a joiner takes a licence (spend rises), then an active worker is disabled
 * (waste rises). Today's audit runs twice: a day's later audit is the one its trend point shows.
 */
export async function seedAuditDays(host: TestHost, container: string): Promise<LicenceAuditReport[]> {
  const sim = tenant(host);
  await seedAuditTenant(host);
  const reports = [await auditDaysAgo(host, container, 2)];
  await postAndWait(host, hrEvent('joiner', { employeeId: 'AU08', givenName: 'Audit', surname: 'Newcomer', department: 'Engineering', country: 'GB' }));
  reports.push(await auditDaysAgo(host, container, 1));
  await sim.graph('PATCH', `/users/${sim.userByEmployeeId('AU06')[0]!.id}`, { accountEnabled: false });
  reports.push(await auditDaysAgo(host, container, 0), await auditDaysAgo(host, container, 0));
  return reports;
}

/**
 * A run with something in every view: the licence audit's workers audited on three days
 * (seedAuditDays), leavers (two done, two held), a dead letter that a replay fixes and one it does not.
 */
export async function seedConsoleRun(host: TestHost, auditContainer: string): Promise<SeededRun> {
  await seedAuditDays(host, auditContainer);
  const mover = await postAndWait(host, hrEvent('mover', { employeeId: 'CPM1', department: 'Sales' }));
  if (mover.status !== 'dead-lettered') throw new Error(`expected the early mover dead-lettered, got ${JSON.stringify(mover)}`);
  await postAndWait(host, hrEvent('joiner', worker('CPM1', 'Early')));
  const bad = await postAndWait(host, hrEvent('joiner', { ...worker('CPX1', 'Nowhere'), country: 'Atlantis' }));
  const held = await seedHeldLeavers(host);
  await host.bus.waitForIdle();
  return { earlyMover: String(mover.eventId), badCountry: String(bad.eventId), held };
}

/** Four joiners, then their leavers: with the threshold of two, CL3's and CL4's are held. */
export async function seedHeldLeavers(host: TestHost): Promise<{ CL3: string; CL4: string }> {
  for (const id of ['CL1', 'CL2', 'CL3', 'CL4']) await postAndWait(host, hrEvent('joiner', worker(id, `Leaver${id}`)));
  const leavers: Record<string, Record<string, unknown>> = {};
  for (const id of ['CL1', 'CL2', 'CL3', 'CL4']) leavers[id] = await postAndWait(host, hrEvent('leaver', worker(id, `Leaver${id}`)), 'remove-licences');
  const statuses = ['CL1', 'CL2', 'CL3', 'CL4'].map((id) => leavers[id]!.status);
  // A leaver done so far stays queued for its account's deletion after the retention days.
  if (statuses.join() !== 'queued,queued,dead-lettered,dead-lettered') throw new Error(`mass-leaver hold not as expected: ${statuses.join()}`);
  return { CL3: String(leavers.CL3!.eventId), CL4: String(leavers.CL4!.eventId) };
}
