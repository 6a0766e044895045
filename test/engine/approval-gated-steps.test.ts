import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDevices } from '../../dev/graph-simulator';
import { startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait, stepsOf, tenant } from '../support/tenant';

/**
 * A tenant whose leaver policy says `needsApproval: ['delete', 'wipe']`: deleting an account and
 * wiping a company device wait for an operator in the console's approvals. Approved, they run;
 * rejected, the account is kept (sign-in off) and the device is retired instead of wiped — and
 * the rest of the leaver goes on either way. A replay without a decision is held again.
 */
let host: TestHost;
const worker = (employeeId: string) => ({ employeeId, givenName: 'Gated', surname: `Leaver${employeeId}`, department: 'Sales', country: 'GB' });
const userOf = (employeeId: string) => tenant(host).userByEmployeeId(employeeId)[0];

beforeAll(async () => {
  const rules = path.join(mkdtempSync(path.join(tmpdir(), 'rules-gated-')), 'rules.json');
  writeFileSync(rules, JSON.stringify({
    groupRules: [{ name: 'everyone', groups: ['SG-All-Staff'] }],
    licenceRules: [{ name: 'staff', licences: [{ sku: 'SPE_E3' }] }],
    leaver: { licenceGraceDays: 0, deleteAfterDays: 0, devices: { companyOwned: 'wipe', personal: 'retire' }, needsApproval: ['delete', 'wipe'] },
  }));
  host = await startTestHost({ env: { RULES_FILE: rules, OFFBOARD_INTUNE_DEVICES: 'on' } });
}, 60_000);
afterAll(async () => {
  await host?.stop();
});

interface Held { kind: string; eventId: string; employeeId: string; reason: string }
async function held(): Promise<Held[]> {
  const response = await fetch(`${host.url}/api/console/approvals`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { held: Held[] }).held;
}

async function decide(eventId: string, decision: 'approve' | 'reject', comment: string): Promise<Response> {
  return fetch(`${host.url}/api/console/approvals/${encodeURIComponent(eventId)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision, comment }) });
}

async function leaverHeld(employeeId: string): Promise<Record<string, unknown>> {
  await postAndWait(host, hrEvent('joiner', worker(employeeId)));
  const user = userOf(employeeId)!;
  seedDevices(host.simulator!.state, { managedDevices: [{ id: `${employeeId}-laptop`, userId: user.id, deviceName: `${employeeId}-LAPTOP`, operatingSystem: 'Windows', managedDeviceOwnerType: 'company' }] });
  return postAndWait(host, hrEvent('leaver', worker(employeeId)));
}

const codeOf = (record: Record<string, unknown>) => (record.error as { code?: string } | undefined)?.code;

const managed = (employeeId: string) => host.simulator!.state.managedDevices.get(`${employeeId}-laptop`);

describe('destructive steps a leaver policy puts behind an approval', () => {
  it('when a leaver reaches a company device to wipe, then it is held before the wipe with sign-in already off, and listed for approval as a wipe', async () => {
    const left = await leaverHeld('GA100');
    expect(left.status).toBe('dead-lettered');
    expect(left.error).toMatchObject({ code: 'device-wipe: WipeNeedsApproval' });
    expect(userOf('GA100')?.accountEnabled).toBe(false);
    expect(managed('GA100')?.managementState).toBe('managed');
    const letter = host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).find((m) => (m.body as { eventId: string }).eventId === left.eventId);
    expect(letter?.deadLetterReason).toBe('device-wipe: WipeNeedsApproval');
    expect(await held()).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'wipe', eventId: left.eventId, employeeId: 'GA100' })]));

    // A plain replay, with no decision, is held again: the record is the authority.
    const replayed = await fetch(`${host.url}/api/console/dead-letters/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queue: 'processing', reason: 'device-wipe: WipeNeedsApproval' }) });
    expect(replayed.status).toBe(202);
    const again = await host.waitFor(String(left.eventId), (r) => r.status === 'dead-lettered' && Number(r.attempts) > Number(left.attempts));
    expect(again.error).toMatchObject({ code: 'device-wipe: WipeNeedsApproval' });
    expect(managed('GA100')?.managementState).toBe('managed');
  }, 60_000);

  it('when the wipe is approved and then the deletion rejected, then the device is wiped, the account is kept with sign-in off, and each decision names its operator', async () => {
    const left = await leaverHeld('GA200');
    const eventId = String(left.eventId);
    expect((await decide(eventId, 'approve', 'Company laptop, wipe it (INC-1)')).status).toBe(200);
    const atDelete = await host.waitFor(eventId, (r) => r.status === 'succeeded' || (r.status === 'dead-lettered' && codeOf(r) !== codeOf(left)));
    expect(managed('GA200')?.managementState).toBe('wipePending');
    expect(atDelete).toMatchObject({ status: 'dead-lettered', error: { code: 'delete-account: DeleteNeedsApproval' } });
    expect(userOf('GA200')).toBeDefined();
    expect(await held()).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'delete', eventId })]));

    expect((await decide(eventId, 'reject', 'Legal hold on this mailbox')).status).toBe(200);
    const done = await host.waitFor(eventId, (r) => r.status !== 'dead-lettered' && r.status !== 'processing' && r.status !== 'queued');
    expect(done.status).toBe('succeeded');
    expect(stepsOf(done)['delete-account']).toMatchObject({ outcome: 'skipped', detail: expect.stringMatching(/^deletion rejected by local operator at .+: the account is kept, sign-in off$/) });
    expect(userOf('GA200')).toMatchObject({ accountEnabled: false });
    expect(done.approvals).toEqual([
      expect.objectContaining({ kind: 'wipe', decision: 'approve', by: { name: 'local operator' }, comment: 'Company laptop, wipe it (INC-1)' }),
      expect.objectContaining({ kind: 'delete', decision: 'reject', by: { name: 'local operator' }, comment: 'Legal hold on this mailbox' }),
    ]);
    expect((await held()).some((h) => h.eventId === eventId)).toBe(false);
    // Decided once: a second decision on either hold is refused.
    expect((await decide(eventId, 'approve', 'again')).status).toBe(409);
  }, 60_000);

  it('when the wipe is rejected and the deletion approved, then the device is retired instead and the account deleted', async () => {
    const left = await leaverHeld('GA300');
    const eventId = String(left.eventId);
    expect((await decide(eventId, 'reject', 'BYOD in practice: retire only')).status).toBe(200);
    await host.waitFor(eventId, (r) => r.status === 'succeeded' || (r.status === 'dead-lettered' && codeOf(r) !== codeOf(left)));
    expect(managed('GA300')?.managementState).toBe('retirePending');
    expect((await decide(eventId, 'approve', 'Retention done')).status).toBe(200);
    const done = await host.waitFor(eventId, (r) => r.status !== 'dead-lettered' && r.status !== 'processing' && r.status !== 'queued');
    expect(done.status).toBe('succeeded');
    // Done in the attempt after the rejection, and found done by the one after the approval.
    expect(stepsOf(done)['device:GA300-laptop']).toMatchObject({ outcome: expect.stringMatching(/^(already-)?done$/), detail: expect.stringContaining('retire sent (the wipe was rejected by local operator)') });
    expect(userOf('GA300')).toBeUndefined();
  }, 60_000);

  it('when such a leaver is dry-run, then the plan says the wipe and the deletion wait for an approval, and nothing is held', async () => {
    await postAndWait(host, hrEvent('joiner', worker('GA400')));
    seedDevices(host.simulator!.state, { managedDevices: [{ id: 'GA400-laptop', userId: userOf('GA400')!.id, deviceName: 'GA400-LAPTOP', operatingSystem: 'Windows', managedDeviceOwnerType: 'company' }] });
    const response = await host.postHr(JSON.stringify(hrEvent('leaver', worker('GA400'))), { query: '?dryRun=true' });
    const plan = (await response.json()) as { events: { steps: { name: string; outcome: string; detail?: string }[] }[] };
    const steps = Object.fromEntries(plan.events[0]!.steps.map((s) => [s.name, s]));
    expect(steps['device:GA400-laptop']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining('would wipe once an operator approves (needsApproval: wipe)') });
    expect(managed('GA400')?.managementState).toBe('managed');
  });
});
