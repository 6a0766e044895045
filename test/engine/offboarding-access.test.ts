import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkInManagedDevice, seedAuthenticationMethods, seedDevices, type ObservedRequest } from '../../dev/graph-simulator';
import { GRAPH_ROUTE_PERMISSIONS } from '../../shared/graph/permissions';
import { startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait, stepsOf, tenant } from '../support/tenant';

/** What "every way in closed" adds to a leaver: these steps and these Graph calls, and nothing else. */
const ACCESS_STEPS = /^(add-to-block-group|remove-authentication-methods|find-devices|device:)/;
const ACCESS_ROUTES = /authentication\/(methods|\w+Methods)|ownedDevices|managedDevices|^\w+ \/devices\//;
const WRITES = /^(POST|PATCH|DELETE|PUT) /;
const BLOCK_GROUP = 'SG-Leavers-Blocked';

function rulesFile(leaver: Record<string, unknown>, groupRules: unknown[] = [{ name: 'everyone', groups: ['SG-All-Staff'] }]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'rules-')), 'rules.json');
  const rules = {
    groupRules,
    licenceRules: [{ name: 'staff', licences: [{ sku: 'SPE_E3' }] }],
    leaver: { removeGroups: 'rule-based', licenceGraceDays: 0, deleteAfterDays: null, revokeSessions: true, ...leaver },
    protected: { userPrincipalNames: ['breakglass@contoso.com'], groups: [], directoryRoleHolders: true },
  };
  writeFileSync(file, JSON.stringify(rules));
  return file;
}

const worker = (employeeId: string) => ({ employeeId, givenName: 'Every', surname: `Way${employeeId}`, department: 'Engineering', country: 'GB' });
const userOf = (host: TestHost, employeeId: string) => tenant(host).userByEmployeeId(employeeId)[0]!;

/** A leaver's sign-in methods as a real account gathers them; the numbers and addresses must never reach the ledger. */
async function giveSignInMethods(host: TestHost, userId: string): Promise<void> {
  seedAuthenticationMethods(host.simulator!.state, userId, [
    { type: 'phone', phoneType: 'mobile', phoneNumber: '+44 7700900111', isDefault: true },
    { type: 'phone', phoneType: 'alternateMobile', phoneNumber: '+44 7700900222' },
    { type: 'phone', phoneType: 'office', phoneNumber: '+44 2079460333' },
    { type: 'microsoftAuthenticator', displayName: 'Pixel 8 of the leaver', deviceTag: 'SoftwareTokenActivated' },
    { type: 'fido2', displayName: 'Red key', model: 'YubiKey 5 NFC' },
    { type: 'softwareOath' },
    { type: 'email', emailAddress: 'leaver.private@example.org' },
    { type: 'windowsHelloForBusiness', displayName: 'LEAVER-LAPTOP', keyStrength: 'normal' },
    { type: 'platformCredential', displayName: 'Leaver MacBook', platform: 'macOS' },
  ]);
  const tap = await tenant(host).graph('POST', `/users/${userId}/authentication/temporaryAccessPassMethods`, { lifetimeInMinutes: 60, isUsableOnce: true });
  expect(tap.status).toBe(201);
}

/** Devices of `prefix`'s leaver: a company laptop and a personal iPhone in both Entra and Intune, a company Android in Intune only, a personal PC in Entra only — and a colleague's PC the leaver merely uses. */
function giveDevices(host: TestHost, userId: string, prefix: string): void {
  const id = (n: number) => `${prefix}-0000-4000-8000-00000000000${n}`;
  const colleague = tenant(host).snapshot().users.find((u) => u.employeeId === 'E0902')!.id;
  seedDevices(host.simulator!.state, {
    devices: [
      { id: id(1), deviceId: id(5), displayName: 'LEAVER-LAPTOP', operatingSystem: 'Windows', trustType: 'AzureAd', isManaged: true, registeredOwnerIds: [userId], registeredUserIds: [userId] },
      { id: id(2), deviceId: id(6), displayName: 'Leaver iPhone', operatingSystem: 'iOS', trustType: 'Workplace', isManaged: true, registeredOwnerIds: [userId], registeredUserIds: [userId] },
      { id: id(3), deviceId: id(7), displayName: 'HOME-PC', operatingSystem: 'Windows', trustType: 'Workplace', registeredOwnerIds: [userId], registeredUserIds: [userId] },
      { id: id(4), deviceId: id(8), displayName: 'SHARED-PC', operatingSystem: 'Windows', trustType: 'AzureAd', registeredOwnerIds: [colleague], registeredUserIds: [colleague, userId] },
    ],
    managedDevices: [
      { id: `${prefix}-laptop`, userId, deviceName: 'LEAVER-LAPTOP', operatingSystem: 'Windows', managedDeviceOwnerType: 'company', azureADDeviceId: id(5) },
      { id: `${prefix}-iphone`, userId, deviceName: 'Leaver iPhone', operatingSystem: 'iOS', managedDeviceOwnerType: 'personal', azureADDeviceId: id(6) },
      { id: `${prefix}-android`, userId, deviceName: 'Leaver Android', operatingSystem: 'Android', managedDeviceOwnerType: 'company' },
    ],
  });
}

describe('a leaver with every way in closed', () => {
  const observed: ObservedRequest[] = [];
  let host: TestHost;
  const writes = () => observed.filter((r) => WRITES.test(r.route) && ACCESS_ROUTES.test(r.route)).length;
  beforeAll(async () => {
    const rules = rulesFile(
      { authenticationMethods: 'remove', blockGroup: BLOCK_GROUP, devices: { registered: 'disable', companyOwned: 'wipe', personal: 'retire' } },
      // A rule names the block group, so the group removal counts it as rule-managed and would take it away.
      [{ name: 'everyone', groups: ['SG-All-Staff'] }, { name: 'never', when: { department: 'No Such Department' }, groups: [BLOCK_GROUP] }],
    );
    host = await startTestHost({
      env: { RULES_FILE: rules, OFFBOARD_AUTH_METHODS: 'on', OFFBOARD_ENTRA_DEVICES: 'on', OFFBOARD_INTUNE_DEVICES: 'on' },
      observeGraph: (r) => observed.push(r),
    });
    const created = await tenant(host).graph('POST', '/groups', { displayName: BLOCK_GROUP, mailEnabled: false, mailNickname: 'sg-leavers-blocked', securityEnabled: true });
    expect(created.status).toBe(201);
    observed.length = 0;
  }, 60_000);
  afterAll(() => host?.stop());

  it('when the worker leaves, then their sign-in methods go (password kept), they join the block group, and each device is retired, wiped or disabled by ownership, one step each', async () => {
    await postAndWait(host, hrEvent('joiner', worker('OA100')));
    const user = userOf(host, 'OA100');
    await giveSignInMethods(host, user.id);
    giveDevices(host, user.id, 'aaaaaaaa');

    const left = await postAndWait(host, hrEvent('leaver', worker('OA100')));
    expect(left.status).toBe('succeeded');
    const steps = stepsOf(left);

    const methods = await tenant(host).graph('GET', `/users/${user.id}/authentication/methods`);
    expect((methods.json as { value: { '@odata.type': string }[] }).value.map((m) => m['@odata.type'])).toEqual(['#microsoft.graph.passwordAuthenticationMethod']);
    const removed = steps['remove-authentication-methods']!;
    expect(removed.outcome).toBe('done');
    for (const type of ['phone (mobile)', 'phone (alternateMobile)', 'phone (office)', 'Microsoft Authenticator', 'FIDO2', 'software OATH', 'email', 'Windows Hello', 'platform credential', 'Temporary Access Pass']) {
      expect(removed.detail).toContain(type);
    }
    expect(removed.detail).toMatch(/password kept: Graph cannot delete/);
    expect(JSON.stringify(left)).not.toMatch(/7700900|2079460|leaver\.private|Pixel 8|YubiKey/);

    expect(tenant(host).groupsOf(user.id)).toEqual([BLOCK_GROUP]);
    expect(steps['add-to-block-group']).toMatchObject({ outcome: 'done', detail: expect.stringContaining(BLOCK_GROUP) });
    expect(steps['remove-groups']?.detail).toContain('SG-All-Staff');

    const state = host.simulator!.state;
    expect(state.managedDevices.get('aaaaaaaa-laptop')?.managementState).toBe('wipePending');
    expect(state.managedDevices.get('aaaaaaaa-android')?.managementState).toBe('wipePending');
    const iphone = state.managedDevices.get('aaaaaaaa-iphone')!;
    expect(iphone.managementState).toBe('retirePending');
    expect(iphone.deviceActionResults.map((r) => r.actionName)).toEqual(['retire']);
    expect(state.devices.get('aaaaaaaa-0000-4000-8000-000000000001')?.accountEnabled).toBe(false);
    expect(state.devices.get('aaaaaaaa-0000-4000-8000-000000000003')?.accountEnabled).toBe(false);
    expect(state.devices.get('aaaaaaaa-0000-4000-8000-000000000002')?.accountEnabled).toBe(true);
    expect(state.devices.get('aaaaaaaa-0000-4000-8000-000000000004')?.accountEnabled).toBe(true);

    const deviceSteps = Object.entries(steps).filter(([name]) => name.startsWith('device:'));
    expect(deviceSteps.map(([name]) => name).sort()).toEqual([
      'device:aaaaaaaa-0000-4000-8000-000000000005',
      'device:aaaaaaaa-0000-4000-8000-000000000006',
      'device:aaaaaaaa-0000-4000-8000-000000000007',
      'device:aaaaaaaa-android',
    ]);
    expect(steps['device:aaaaaaaa-0000-4000-8000-000000000005']?.detail).toMatch(/company-owned, wipe sent.*Entra: disabled/);
    expect(steps['device:aaaaaaaa-0000-4000-8000-000000000006']?.detail).toMatch(/personal, retire sent.*Entra: not disabled — Graph lets an app disable only Windows devices/);
    expect(steps['device:aaaaaaaa-0000-4000-8000-000000000007']?.detail).toMatch(/Entra: disabled/);

    const unlisted = [...new Set(observed.map((r) => r.route))].filter((route) => !GRAPH_ROUTE_PERMISSIONS[route]);
    expect(unlisted).toEqual([]);
  });

  it('when the same leaver is replayed after a later step failed, then no method, membership or device is acted on again — not even a device that has since left Intune', async () => {
    await postAndWait(host, hrEvent('joiner', worker('OA200')));
    const user = userOf(host, 'OA200');
    await giveSignInMethods(host, user.id);
    giveDevices(host, user.id, 'bbbbbbbb');
    host.simulator!.setFaults([{ method: 'POST', path: /\/assignLicense$/, status: 400, times: 1, message: 'License assignment failed for one of the users.' }]);
    const failed = await postAndWait(host, hrEvent('leaver', worker('OA200')));
    host.simulator!.setFaults([]);
    expect(failed.status).toBe('dead-lettered');
    expect(stepsOf(failed)['device:bbbbbbbb-0000-4000-8000-000000000005']?.outcome).toBe('done');
    // The personal iPhone checks in and leaves Intune; only its Entra object is left to find.
    expect(checkInManagedDevice(host.simulator!.state, 'bbbbbbbb-iphone')).toBe(true);
    const writesBefore = writes();
    const membersBefore = host.simulator!.state.groups.get([...host.simulator!.state.groups.values()].find((g) => g.displayName === BLOCK_GROUP)!.id)!.memberIds.length;

    const letters = (await (await fetch(`${host.url}/api/manage/dead-letters`)).json()) as { deadLetters: { messageId: string; eventId?: string }[] };
    const letter = letters.deadLetters.find((d) => d.eventId === failed.eventId)!;
    const replay = await fetch(`${host.url}/api/manage/dead-letters/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messageId: letter.messageId }) });
    expect(replay.status).toBe(202);
    const replayed = await host.waitForStatus(String(failed.eventId), ['succeeded'], 20_000);

    expect(writes()).toBe(writesBefore);
    const steps = stepsOf(replayed);
    // Not run again: the first attempt's entry, with what it removed, stays (the manager's summary reads it).
    expect(steps['remove-authentication-methods']?.outcome).toBe('done');
    expect(steps['add-to-block-group']?.outcome).toBe('already-done');
    for (const [name, step] of Object.entries(steps).filter(([n]) => n.startsWith('device:'))) expect({ name, outcome: step.outcome }).toEqual({ name, outcome: 'already-done' });
    expect(steps['device:bbbbbbbb-0000-4000-8000-000000000006']?.detail).toContain('earlier attempt');
    // Still in the block group, although the rules make it rule-managed and the replay read the membership.
    expect(tenant(host).groupsOf(user.id)).toEqual([BLOCK_GROUP]);
    expect(host.simulator!.state.groups.get([...host.simulator!.state.groups.values()].find((g) => g.displayName === BLOCK_GROUP)!.id)!.memberIds.length).toBe(membersBefore);
  });

  it('when Graph will not remove the last methods in any order (the default is an alternate phone), then the event stops naming them and what to do, never claiming they are gone', async () => {
    await postAndWait(host, hrEvent('joiner', worker('OA250')));
    const user = userOf(host, 'OA250');
    seedAuthenticationMethods(host.simulator!.state, user.id, [
      { type: 'fido2', displayName: 'Blue key' },
      { type: 'phone', phoneType: 'mobile', phoneNumber: '+44 7700900999' },
      { type: 'phone', phoneType: 'alternateMobile', phoneNumber: '+44 7700900888', isDefault: true },
    ]);
    const left = await postAndWait(host, hrEvent('leaver', worker('OA250')));
    expect(left).toMatchObject({ status: 'dead-lettered', error: { code: 'remove-authentication-methods: AuthenticationMethodNotRemovable' } });
    const message = String((left.error as { message: string }).message);
    expect(message).toMatch(/phone \(alternateMobile\).*Cannot delete default method/);
    expect(message).toMatch(/phone \(mobile\)/);
    expect(message).toContain('removed before that: FIDO2');
    expect(message).not.toMatch(/7700900/);
    const methods = (await tenant(host).graph('GET', `/users/${user.id}/authentication/methods`)).json as { value: { '@odata.type': string }[] };
    expect(methods.value.filter((m) => m['@odata.type'] === '#microsoft.graph.phoneAuthenticationMethod')).toHaveLength(2);
  });

  it('when the leaver is planned (dry run), then each step says what it would do and nothing changes', async () => {
    await postAndWait(host, hrEvent('joiner', worker('OA300')));
    const user = userOf(host, 'OA300');
    await giveSignInMethods(host, user.id);
    giveDevices(host, user.id, 'cccccccc');
    const writesBefore = observed.filter((r) => WRITES.test(r.route)).length;
    const response = await host.postHr(JSON.stringify(hrEvent('leaver', worker('OA300'))), { query: '?dryRun=true' });
    expect(response.status).toBe(200);
    const { events } = (await response.json()) as { events: { steps: { name: string; outcome: string; detail?: string }[] }[] };
    const steps = Object.fromEntries(events[0]!.steps.map((s) => [s.name, s]));
    expect(steps['remove-authentication-methods']).toMatchObject({ outcome: 'planned', detail: expect.stringMatching(/^would remove Temporary Access Pass, email .*phone \(mobile\)/) });
    expect(steps['add-to-block-group']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining(`would add ${user.userPrincipalName} to the block group ${BLOCK_GROUP}`) });
    expect(steps['device:cccccccc-0000-4000-8000-000000000005']?.detail).toMatch(/would wipe.*Entra: would disable/);
    expect(steps['device:cccccccc-0000-4000-8000-000000000006']?.detail).toMatch(/personal, would retire/);
    expect(steps['device:cccccccc-android']?.outcome).toBe('planned');
    expect(observed.filter((r) => WRITES.test(r.route)).length).toBe(writesBefore);
    expect(host.simulator!.state.managedDevices.get('cccccccc-laptop')?.managementState).toBe('managed');
    expect((await tenant(host).graph('GET', `/users/${user.id}/authentication/methods`)).json).toMatchObject({ value: expect.arrayContaining([expect.objectContaining({ '@odata.type': '#microsoft.graph.fido2AuthenticationMethod' })]) });
    expect(tenant(host).groupsOf(user.id)).toEqual(['SG-All-Staff']);
  });
});

describe('a leaver under a policy that does not ask for it', () => {
  const observed: ObservedRequest[] = [];
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ env: { RULES_FILE: rulesFile({}) }, observeGraph: (r) => observed.push(r) });
  }, 60_000);
  afterAll(() => host?.stop());

  it('when a worker with methods and devices leaves, then no access step runs and Graph is asked nothing about methods, block groups or devices', async () => {
    await postAndWait(host, hrEvent('joiner', worker('OA400')));
    const user = userOf(host, 'OA400');
    await giveSignInMethods(host, user.id);
    giveDevices(host, user.id, 'dddddddd');
    const left = await postAndWait(host, hrEvent('leaver', worker('OA400')));
    expect(left.status).toBe('succeeded');
    expect(Object.keys(stepsOf(left)).filter((name) => ACCESS_STEPS.test(name))).toEqual([]);
    expect([...new Set(observed.map((r) => r.route))].filter((route) => ACCESS_ROUTES.test(route) && !/temporaryAccessPassMethods/.test(route))).toEqual([]);
    expect(host.simulator!.state.managedDevices.get('dddddddd-laptop')?.managementState).toBe('managed');
    expect(host.simulator!.state.devices.get('dddddddd-0000-4000-8000-000000000001')?.accountEnabled).toBe(true);
  });
});
