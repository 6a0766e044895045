import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { oneDrivePermissions, provisionOneDrive, type GroupRecord } from '../../dev/graph-simulator';
import type { Handover } from '../../shared/processing/offboarding/context';
import { STAGES, type OffboardingStage } from '../../shared/processing/offboarding';
import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

const MARIE = '3b9f6c1e-2d4a-4e8b-9c7d-5a1b2c3d4e5f';
const baseRules = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'config', 'rules.json'), 'utf8')) as { leaver: Record<string, unknown> };
const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'rules-')), 'rules.json');
writeFileSync(
  rulesFile,
  JSON.stringify({
    ...baseRules,
    leaver: { ...baseRules.leaver, files: { managerAccess: true }, ownership: { groups: 'hand-to-manager', fallbackOwner: 'marie.curie@contoso.com' }, directReports: 'to-leavers-manager' },
  }),
);
// The grant script's switches for these options, so the simulator's app holds what the app would.
const t = useTenantHost({ env: { RULES_FILE: rulesFile, OFFBOARD_FILES: 'on', OFFBOARD_OWNERSHIP: 'on' } });

/** What each leaver's handover held when the flow reached its last stage (the manager's summary reads it there). */
const handovers = new Map<string, Handover>();
const probe: OffboardingStage = async (ctx) => void handovers.set(ctx.event.employee.employeeId, structuredClone(ctx.handover));
beforeAll(() => void (STAGES.offboarded as OffboardingStage[]).push(probe));
afterAll(() => void (STAGES.offboarded as OffboardingStage[]).splice((STAGES.offboarded as OffboardingStage[]).indexOf(probe), 1));
afterEach(() => t.host.simulator!.setFaults([]));

const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({ employeeId, givenName: 'Hand', surname: `Over${employeeId}`, department: 'Engineering', country: 'GB', ...extra });
const state = () => t.host.simulator!.state;
const idOf = (employeeId: string) => t.sim.userByEmployeeId(employeeId)[0]!.id;
const managerOf = (employeeId: string) => t.sim.userByEmployeeId(employeeId)[0]!.managerId;

function seedGroup(id: string, displayName: string, ownerIds: string[], extra: Partial<GroupRecord> = {}): void {
  state().groups.set(id, { id, displayName, mailEnabled: false, securityEnabled: true, groupTypes: [], membershipRule: null, onPremisesSyncEnabled: null, memberIds: [], ownerIds, ...extra });
}
const ownersOf = (groupId: string) => [...(state().groups.get(groupId)!.ownerIds ?? [])];

/** Writes Graph was asked for by the three hand-over steps. */
function handOverWrites(): number {
  const byRoute = t.host.simulator!.stats().byRoute;
  return ['POST /drives/{id}/items/{itemId}/invite', 'POST /groups/{id}/owners/$ref', 'PUT /users/{id}/manager/$ref'].reduce((n, r) => n + (byRoute[r] ?? 0), 0);
}

async function replayDeadLetter(eventId: string): Promise<void> {
  const letters = (await (await fetch(`${t.host.url}/api/manage/dead-letters`)).json()) as { deadLetters: { messageId: string; eventId?: string }[] };
  const letter = letters.deadLetters.find((d) => d.eventId === eventId)!;
  const replay = await fetch(`${t.host.url}/api/manage/dead-letters/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messageId: letter.messageId }) });
  expect(replay.status).toBe(202);
}

async function untilStep(eventId: string, step: string, attempts: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = (await (await fetch(`${t.host.url}/api/events/${encodeURIComponent(eventId)}`)).json()) as Record<string, unknown>;
    if (stepsOf(status)[step] && status.status !== 'processing' && Number(status.attempts) >= attempts) return status;
    if (Date.now() > deadline) throw new Error(`${eventId} never recorded ${step} in attempt ${attempts}: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('handing a leaver\'s files, groups and reports over', () => {
  it('when a leaver with a OneDrive, groups, apps and reports leaves, then the manager can write to the OneDrive (its URL in the handover), owns what the leaver owned alone, the apps are listed, the reports move — and a replay changes nothing', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('HO-M1')));
    await postAndWait(t.host, hrEvent('joiner', worker('HO100', { managerEmployeeId: 'HO-M1' })));
    for (const id of ['HO101', 'HO102']) await postAndWait(t.host, hrEvent('joiner', worker(id, { managerEmployeeId: 'HO100' })));
    const leaver = idOf('HO100');
    const manager = idOf('HO-M1');
    const drive = provisionOneDrive(state(), leaver);
    seedGroup('a0000000-0000-4000-8000-000000000001', 'Team Alone', [leaver], { groupTypes: ['Unified'], mailEnabled: true });
    seedGroup('a0000000-0000-4000-8000-000000000002', 'Shared Project', [leaver, MARIE]);
    seedGroup('a0000000-0000-4000-8000-000000000003', 'RG-Ops-Admins', [leaver], { isAssignableToRole: true });
    seedGroup('a0000000-0000-4000-8000-000000000004', 'DG-Everyone-Rule', [leaver], { groupTypes: ['DynamicMembership'], membershipRule: '(user.accountEnabled -eq true)' });
    state().applications.set('b0000000-0000-4000-8000-000000000001', { id: 'b0000000-0000-4000-8000-000000000001', appId: 'c0000000-0000-4000-8000-000000000001', displayName: 'Payroll Sync', ownerIds: [leaver] });
    state().servicePrincipals.set('b0000000-0000-4000-8000-000000000002', { id: 'b0000000-0000-4000-8000-000000000002', appId: 'c0000000-0000-4000-8000-000000000001', displayName: 'Payroll Sync', ownerIds: [leaver] });
    // The event stops after the hand-over (licences refused once), so a replay runs it all again.
    t.host.simulator!.setFaults([{ method: 'POST', path: /\/assignLicense$/, status: 403, times: 1 }]);

    const first = await postAndWait(t.host, hrEvent('leaver', worker('HO100')));
    expect(first.status).toBe('dead-lettered');
    const steps = stepsOf(first);
    expect(steps['onedrive-manager-access']).toMatchObject({ outcome: 'done', detail: expect.stringContaining(drive.webUrl) });
    expect(oneDrivePermissions(state(), leaver)).toEqual([{ userId: manager, roles: ['write'] }]);

    expect(steps['hand-over-group-ownership']?.outcome).toBe('done');
    expect(ownersOf('a0000000-0000-4000-8000-000000000001')).toEqual([leaver, manager]);
    expect(ownersOf('a0000000-0000-4000-8000-000000000002')).toEqual([leaver, MARIE]);
    expect(ownersOf('a0000000-0000-4000-8000-000000000003')).toEqual([leaver]);
    expect(ownersOf('a0000000-0000-4000-8000-000000000004')).toEqual([leaver, manager]);
    const ownership = steps['hand-over-group-ownership']!.detail!;
    expect(ownership).toMatch(/Shared Project: kept \(1 other owner/);
    expect(ownership).toMatch(/RG-Ops-Admins: not changed — role-assignable/);
    expect(ownership).toMatch(/DG-Everyone-Rule: .* added as owner \(dynamic group/);
    expect(ownership).toContain('Payroll Sync [app registration b0000000-0000-4000-8000-000000000001]');
    expect(ownership).toContain('Payroll Sync [service principal b0000000-0000-4000-8000-000000000002]');

    expect(steps['move-direct-reports']?.outcome).toBe('done');
    expect([managerOf('HO101'), managerOf('HO102')]).toEqual([manager, manager]);
    const managerUpn = t.sim.userByEmployeeId('HO-M1')[0]!.userPrincipalName;
    for (const report of ['HO101', 'HO102']) expect(steps['move-direct-reports']!.detail).toContain(`${t.sim.userByEmployeeId(report)[0]!.userPrincipalName} → ${managerUpn}`);

    const writes = handOverWrites();
    await replayDeadLetter(String(first.eventId));
    const replayed = await untilStep(String(first.eventId), 'delete-account', 2);
    const again = stepsOf(replayed);
    expect([again['onedrive-manager-access']?.outcome, again['hand-over-group-ownership']?.outcome, again['move-direct-reports']?.outcome]).toEqual(['already-done', 'already-done', 'already-done']);
    expect(handOverWrites()).toBe(writes);
    expect(oneDrivePermissions(state(), leaver)).toEqual([{ userId: manager, roles: ['write'] }]);
    expect(handovers.get('HO100')).toMatchObject({
      oneDriveUrl: drive.webUrl,
      ownershipTransferred: ['Team Alone', 'DG-Everyone-Rule'],
      reportsMovedTo: managerUpn,
    });
  });

  it('when a leaver has no OneDrive yet, or no SharePoint licence for one, then the OneDrive step is skipped saying so and the event succeeds', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('HO200', { managerEmployeeId: 'HO-M1' })));
    await postAndWait(t.host, hrEvent('joiner', worker('HO210', { managerEmployeeId: 'HO-M1' })));
    state().users.get(idOf('HO210'))!.oneDrive = 'unlicensed';
    for (const id of ['HO200', 'HO210']) {
      const left = await postAndWait(t.host, hrEvent('leaver', worker(id)), 'delete-account');
      expect(stepsOf(left)['onedrive-manager-access']).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('has no OneDrive') });
      expect(handovers.get(id)?.oneDriveUrl).toBeUndefined();
    }
  });

  it('when a leaver has no manager, then the reports keep the leaver and are named, nobody gets the OneDrive, and groups go to ownership.fallbackOwner', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('HO300')));
    await postAndWait(t.host, hrEvent('joiner', worker('HO301', { managerEmployeeId: 'HO300' })));
    const leaver = idOf('HO300');
    provisionOneDrive(state(), leaver);
    seedGroup('a0000000-0000-4000-8000-000000000301', 'Orphan Team', [leaver]);

    const left = await postAndWait(t.host, hrEvent('leaver', worker('HO300')), 'delete-account');
    const steps = stepsOf(left);
    expect(steps['move-direct-reports']).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining(t.sim.userByEmployeeId('HO301')[0]!.userPrincipalName) });
    expect(managerOf('HO301')).toBe(leaver);
    expect(steps['onedrive-manager-access']).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('no manager') });
    expect(oneDrivePermissions(state(), leaver)).toEqual([]);
    expect(ownersOf('a0000000-0000-4000-8000-000000000301')).toEqual([leaver, MARIE]);
  });

  it('when Graph refuses to list what the leaver owns, then the groups are found by their owners instead and the step says apps were not listed', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('HO400', { managerEmployeeId: 'HO-M1' })));
    const leaver = idOf('HO400');
    seedGroup('a0000000-0000-4000-8000-000000000401', 'Found By Scan', [leaver]);
    t.host.simulator!.setFaults([{ method: 'GET', path: /\/ownedObjects$/, status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' }]);
    const left = await postAndWait(t.host, hrEvent('leaver', worker('HO400')), 'delete-account');
    expect(stepsOf(left)['hand-over-group-ownership']).toMatchObject({ outcome: 'done', detail: expect.stringContaining('service principals not listed: Graph refused') });
    expect(ownersOf('a0000000-0000-4000-8000-000000000401')).toEqual([leaver, idOf('HO-M1')]);
  });

  it('when a leaver is planned (dry run), then the plan says what each step would do and nothing is shared, owned or moved', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('HO500', { managerEmployeeId: 'HO-M1' })));
    await postAndWait(t.host, hrEvent('joiner', worker('HO501', { managerEmployeeId: 'HO500' })));
    const leaver = idOf('HO500');
    provisionOneDrive(state(), leaver);
    seedGroup('a0000000-0000-4000-8000-000000000501', 'Planned Team', [leaver]);
    const writes = handOverWrites();

    const response = await t.host.postHr(JSON.stringify(hrEvent('leaver', worker('HO500'))), { query: '?dryRun=true' });
    expect(response.status).toBe(200);
    const { events } = (await response.json()) as { events: { steps: { name: string; outcome: string; detail?: string }[] }[] };
    const plan = Object.fromEntries(events[0]!.steps.map((s) => [s.name, s]));
    expect(plan['onedrive-manager-access']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining('would give') });
    expect(plan['hand-over-group-ownership']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining('Planned Team: would add') });
    expect(plan['move-direct-reports']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining('would move 1 direct report') });
    expect(handOverWrites()).toBe(writes);
    expect(oneDrivePermissions(state(), leaver)).toEqual([]);
    expect(ownersOf('a0000000-0000-4000-8000-000000000501')).toEqual([leaver]);
    expect(managerOf('HO501')).toBe(leaver);
  });
});
