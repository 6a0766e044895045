import { BlobLeaverSnapshots, type LeaverSnapshot } from '../../shared/ledger/leaver-snapshots';
import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

const t = useTenantHost();

const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({ employeeId, givenName: 'Snap', surname: `Shot${employeeId}`, department: 'Engineering', country: 'GB', ...extra });
const DISABLED_PLAN = '7547a3fe-08ee-4ccb-b430-5077c5041653';

function snapshotOf(employeeId: string, leaverEventId: string): Promise<LeaverSnapshot | undefined> {
  return BlobLeaverSnapshots.fromSettings(t.host.settings).get('default', employeeId, leaverEventId);
}

function userOf(employeeId: string) {
  const [user] = t.sim.userByEmployeeId(employeeId);
  if (!user) throw new Error(`no account for ${employeeId}`);
  return user;
}

async function withDisabledPlan(employeeId: string): Promise<string> {
  const user = userOf(employeeId);
  const e3 = t.sim.snapshot().subscribedSkus.find((s) => s.skuPartNumber === 'SPE_E3')!.skuId;
  const assigned = await t.sim.graph('POST', `/users/${user.id}/assignLicense`, { addLicenses: [{ skuId: e3, disabledPlans: [DISABLED_PLAN] }], removeLicenses: [] });
  expect(assigned.status).toBe(200);
  return e3;
}

async function untilStep(eventId: string, step: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const status = (await (await fetch(`${t.host.url}/api/events/${eventId}`)).json()) as Record<string, unknown>;
    if (stepsOf(status)[step] && status.status !== 'processing') return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${eventId} never recorded ${step}`);
}

describe('the leaver snapshot', () => {
  it('when a worker leaves, then the state before the first change is stored with the event — attributes, groups, licences with disabled plans, manager, reports — and what the app may not read is named', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('SN100', { managerEmployeeId: 'M001', jobTitle: 'Engineer' })));
    await postAndWait(t.host, hrEvent('joiner', worker('SN101', { managerEmployeeId: 'SN100' })));
    const e3 = await withDisabledPlan('SN100');

    const left = await postAndWait(t.host, hrEvent('leaver', worker('SN100')), 'delete-account');
    const steps = left.steps as { name: string; outcome: string; detail?: string }[];
    const snapshotStep = steps.findIndex((s) => s.name === 'snapshot-state');
    expect(steps[snapshotStep]).toMatchObject({ outcome: 'done' });
    expect(steps[snapshotStep]!.detail).toContain('2 groups, 1 licences, the manager, 1 direct reports');
    expect(snapshotStep).toBeLessThan(steps.findIndex((s) => s.name === 'disable-sign-in'));

    const snapshot = await snapshotOf('SN100', String(left.eventId));
    const leaver = userOf('SN100');
    expect(snapshot).toMatchObject({ userId: leaver.id, leaverEventId: left.eventId, employeeId: 'SN100' });
    const { parts } = snapshot!;
    expect(parts.attributes).toEqual({ read: true, value: expect.objectContaining({ accountEnabled: true, department: 'Engineering', jobTitle: 'Engineer', employeeLeaveDateTime: null }) });
    expect((parts.groups as { value: { displayName: string }[] }).value.map((g) => g.displayName).sort()).toEqual(['SG-All-Staff', 'SG-Engineering']);
    expect(parts.licences).toEqual({ read: true, value: [expect.objectContaining({ skuId: e3, disabledPlans: [DISABLED_PLAN] })] });
    const marie = t.sim.snapshot().users.find((u) => u.employeeId === 'M001')!;
    expect(parts.manager).toEqual({ read: true, value: { id: marie.id } });
    expect(parts.directReports).toEqual({ read: true, value: [expect.objectContaining({ id: userOf('SN101').id })] });
    expect(parts.ownedGroups).toMatchObject({ read: false, reason: expect.stringContaining('no leaver.ownership') });
    expect(parts.authenticationMethods).toMatchObject({ read: false, reason: expect.stringContaining('authenticationMethods: keep') });
    expect(parts.devices).toMatchObject({ read: false });
  });

  it('when a leaver stops after its first change and is replayed, then the first snapshot — sign-in still on — is kept', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('SN200')));
    t.host.simulator!.setFaults([{ method: 'POST', path: /\/revokeSignInSessions$/, status: 403, times: 1 }]);
    const failed = await postAndWait(t.host, hrEvent('leaver', worker('SN200')));
    t.host.simulator!.setFaults([]);
    expect(failed).toMatchObject({ status: 'dead-lettered' });
    expect(stepsOf(failed)['disable-sign-in']?.outcome).toBe('done');
    const first = await snapshotOf('SN200', String(failed.eventId));
    expect(first?.parts.attributes).toMatchObject({ value: { accountEnabled: true } });

    const letters = (await (await fetch(`${t.host.url}/api/manage/dead-letters`)).json()) as { deadLetters: { messageId: string; eventId?: string }[] };
    const letter = letters.deadLetters.find((d) => d.eventId === failed.eventId)!;
    const replay = await fetch(`${t.host.url}/api/manage/dead-letters/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messageId: letter.messageId }) });
    expect(replay.status).toBe(202);
    const replayed = await untilStep(String(failed.eventId), 'delete-account');
    expect(stepsOf(replayed)['snapshot-state']?.outcome).toBe('already-done');
    expect(stepsOf(replayed)['revoke-sessions']?.outcome).toBe('done');
    expect(await snapshotOf('SN200', String(failed.eventId))).toEqual(first);
  });

  it('when a leaver is planned (dry run), then the plan says what the snapshot would hold and none is stored', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('SN300')));
    const event = hrEvent('leaver', worker('SN300'), { eventId: 'snapshot-dry-run-SN300' });
    const response = await t.host.postHr(JSON.stringify(event), { query: '?dryRun=true' });
    expect(response.status).toBe(200);
    const { events: plans } = (await response.json()) as { events: { steps: { name: string; outcome: string; detail?: string }[] }[] };
    const step = plans[0]!.steps.find((s) => s.name === 'snapshot-state');
    expect(step).toMatchObject({ outcome: 'planned', detail: expect.stringContaining('would store a snapshot') });
    expect(await snapshotOf('SN300', 'snapshot-dry-run-SN300')).toBeUndefined();
  });
});
