import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedAuditTenant } from '../audit/seeded-tenant';
import type { TestHost } from '../support/test-host';
import { hrEvent, postAndWait } from '../support/tenant';

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

/**
 * A run with something in every view: the licence audit's workers (test/audit/seeded-tenant.ts)
 * and two audits, leavers (two done, two held), a dead letter that a replay fixes and one it does not.
 */
export async function seedConsoleRun(host: TestHost): Promise<SeededRun> {
  await seedAuditTenant(host);
  for (let run = 0; run < 2; run++) {
    const audit = await fetch(`${host.url}/api/licence-audit/run`, { method: 'POST' });
    if (audit.status !== 200) throw new Error(`licence audit: ${audit.status} ${await audit.text()}`);
  }
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
