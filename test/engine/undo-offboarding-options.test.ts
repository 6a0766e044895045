import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedAuthenticationMethods, seedDevices, type ObservedRequest } from '../../dev/graph-simulator';
import { BlobLeaverSnapshots } from '../../shared/ledger/leaver-snapshots';
import { GRAPH_ROUTE_PERMISSIONS } from '../../shared/graph/permissions';
import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

const BLOCK_GROUP = 'SG-Leavers-Undo-Blocked';
const baseRules = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'config', 'rules.json'), 'utf8')) as { leaver: Record<string, unknown> };
const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'undo-options-')), 'rules.json');
writeFileSync(
  rulesFile,
  JSON.stringify({
    ...baseRules,
    leaver: {
      ...baseRules.leaver,
      deleteAfterDays: null,
      authenticationMethods: 'remove',
      blockGroup: BLOCK_GROUP,
      devices: { registered: 'disable', companyOwned: 'wipe', personal: 'retire' },
      ownership: { groups: 'hand-to-manager' },
      directReports: 'to-leavers-manager',
    },
  }),
);
// The grant script's switches for these options, so the simulator's app holds what the app would.
const observed: ObservedRequest[] = [];
const t = useTenantHost({
  env: { RULES_FILE: rulesFile, OFFBOARD_AUTH_METHODS: 'on', OFFBOARD_ENTRA_DEVICES: 'on', OFFBOARD_INTUNE_DEVICES: 'on', OFFBOARD_OWNERSHIP: 'on' },
  observeGraph: (r) => observed.push(r),
});

const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({ employeeId, givenName: 'Every', surname: `Option${employeeId}`, department: 'Engineering', country: 'GB', ...extra });
const state = () => t.host.simulator!.state;
const idOf = (employeeId: string) => t.sim.userByEmployeeId(employeeId)[0]!.id;
const TEAM = 'a1000000-0000-4000-8000-000000000001';
const LAPTOP = 'd1000000-0000-4000-8000-000000000001';
const HOME_PC = 'd1000000-0000-4000-8000-000000000002';

describe('undo of a leaver whose offboarding options were on', () => {
  it('when the leaver closed every way in and handed things over, then the undo takes it out of the block group, gives back group ownership and reports, enables the disabled Entra device, and names what it cannot restore: the wiped device and the sign-in methods', async () => {
    const created = await t.sim.graph('POST', '/groups', { displayName: BLOCK_GROUP, mailEnabled: false, mailNickname: 'sg-leavers-undo-blocked', securityEnabled: true });
    expect(created.status).toBe(201);
    await postAndWait(t.host, hrEvent('joiner', worker('UO100', { managerEmployeeId: 'M001' })));
    await postAndWait(t.host, hrEvent('joiner', worker('UO101', { managerEmployeeId: 'UO100' })));
    const leaver = idOf('UO100');
    seedAuthenticationMethods(state(), leaver, [
      { type: 'phone', phoneType: 'mobile', phoneNumber: '+44 7700900999', isDefault: true },
      { type: 'microsoftAuthenticator', displayName: 'Pixel of the leaver', deviceTag: 'SoftwareTokenActivated' },
    ]);
    state().groups.set(TEAM, { id: TEAM, displayName: 'Team Undo', mailEnabled: false, securityEnabled: true, groupTypes: [], membershipRule: null, onPremisesSyncEnabled: null, memberIds: [], ownerIds: [leaver] });
    seedDevices(state(), {
      devices: [
        { id: LAPTOP, deviceId: 'd1000000-0000-4000-8000-000000000005', displayName: 'UNDO-LAPTOP', operatingSystem: 'Windows', trustType: 'AzureAd', isManaged: true, registeredOwnerIds: [leaver], registeredUserIds: [leaver] },
        { id: HOME_PC, deviceId: 'd1000000-0000-4000-8000-000000000006', displayName: 'UNDO-HOME-PC', operatingSystem: 'Windows', trustType: 'Workplace', registeredOwnerIds: [leaver], registeredUserIds: [leaver] },
      ],
      managedDevices: [{ id: 'undo-laptop', userId: leaver, deviceName: 'UNDO-LAPTOP', operatingSystem: 'Windows', managedDeviceOwnerType: 'company', azureADDeviceId: 'd1000000-0000-4000-8000-000000000005' }],
    });

    const left = await postAndWait(t.host, hrEvent('leaver', worker('UO100')));
    expect(left.status).toBe('succeeded');
    const snapshot = await BlobLeaverSnapshots.fromSettings(t.host.settings).get('default', 'UO100', String(left.eventId));
    expect(snapshot?.parts.authenticationMethods).toEqual({ read: true, value: ['microsoftAuthenticator', 'phone'] });
    expect(JSON.stringify(snapshot)).not.toMatch(/7700900999|Pixel of the leaver/);
    expect(snapshot?.parts.ownedGroups).toEqual({ read: true, value: [{ id: TEAM, displayName: 'Team Undo' }] });
    expect((snapshot?.parts.devices as { value: unknown[] }).value).toHaveLength(3);
    // As the leaver left it: blocked, devices disabled and wiped, the report with the manager, the manager co-owner.
    expect(t.sim.groupsOf(leaver)).toContain(BLOCK_GROUP);
    expect(state().devices.get(LAPTOP)?.accountEnabled).toBe(false);
    expect(state().groups.get(TEAM)?.ownerIds).toContain(t.sim.snapshot().users.find((u) => u.employeeId === 'M001')!.id);
    // Meanwhile the leaver's ownership went (someone tidied the group up) and the home PC was deleted.
    state().groups.get(TEAM)!.ownerIds = state().groups.get(TEAM)!.ownerIds!.filter((o) => o !== leaver);
    state().devices.delete(HOME_PC);

    const from = observed.length;
    const response = await fetch(`${t.host.url}/api/manage/workers/UO100/undo-leaver`, { method: 'POST' });
    expect(response.status).toBe(202);
    const undone = await t.host.waitForStatus(((await response.json()) as { eventId: string }).eventId);
    expect(undone.status).toBe('succeeded');
    const steps = stepsOf(undone);

    expect(steps['leave-block-group']).toMatchObject({ outcome: 'done' });
    expect(t.sim.groupsOf(leaver)).not.toContain(BLOCK_GROUP);
    expect(state().groups.get(TEAM)?.ownerIds).toContain(leaver);
    expect(steps['restore-owned-groups']).toMatchObject({ outcome: 'done', detail: 'restored: Team Undo' });
    expect(state().users.get(idOf('UO101'))?.managerId).toBe(leaver);
    expect(state().devices.get(LAPTOP)?.accountEnabled).toBe(true);
    expect(steps['restore-devices']?.detail).toMatch(/restored: UNDO-LAPTOP enabled; not restored: UNDO-LAPTOP \(Intune, company: wipePending — a retire or wipe cannot be undone.*UNDO-HOME-PC \(Entra: deleted/);
    expect(steps['restore-authentication-methods']).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('microsoftAuthenticator, phone') });
    // What the hand-over gave the manager stays the manager's, and the undo says so.
    expect(steps['handover-left-in-place']).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('co-owner') });

    const unlisted = [...new Set(observed.slice(from).map((r) => r.route))].filter((route) => !GRAPH_ROUTE_PERMISSIONS[route]);
    expect(unlisted).toEqual([]);
  });

  it('when a rehire comes back, then it leaves the block group the leaver put it in', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('UO200')));
    await postAndWait(t.host, hrEvent('leaver', worker('UO200')));
    expect(t.sim.groupsOf(idOf('UO200'))).toContain(BLOCK_GROUP);
    const rehired = await postAndWait(t.host, hrEvent('rehire', worker('UO200')));
    expect(rehired.status).toBe('succeeded');
    expect(stepsOf(rehired)['leave-block-group']).toMatchObject({ outcome: 'done' });
    expect(t.sim.groupsOf(idOf('UO200'))).not.toContain(BLOCK_GROUP);
  });
});
