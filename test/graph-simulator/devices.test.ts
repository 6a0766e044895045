import { checkInManagedDevice, DEFAULT_APP_ROLES, seedDevices, type RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, startSimulator } from './harness';

const DEVICE_ROLES = ['Device.ReadWrite.All', 'DeviceManagementManagedDevices.Read.All', 'DeviceManagementManagedDevices.PrivilegedOperations.All'];
const LAPTOP = 'd0000000-0000-4000-8000-000000000001';
const PHONE = 'd0000000-0000-4000-8000-000000000002';

let sim: RunningGraphSimulator;
beforeEach(async () => {
  sim = await startSimulator();
  sim.setAppRoles([...DEFAULT_APP_ROLES, ...DEVICE_ROLES]);
  seedDevices(sim.state, {
    devices: [
      { id: LAPTOP, deviceId: 'a0000000-0000-4000-8000-000000000001', displayName: 'HEDY-LAPTOP', operatingSystem: 'Windows', trustType: 'AzureAd', registeredOwnerIds: [IDS.hedy], registeredUserIds: [IDS.hedy] },
      { id: PHONE, deviceId: 'a0000000-0000-4000-8000-000000000002', displayName: "Hedy's iPhone", operatingSystem: 'iOS', trustType: 'Workplace', registeredOwnerIds: [IDS.hedy], registeredUserIds: [IDS.hedy] },
    ],
    managedDevices: [
      { id: 'm-laptop', userId: IDS.hedy, deviceName: 'HEDY-LAPTOP', operatingSystem: 'Windows', managedDeviceOwnerType: 'company', azureADDeviceId: 'a0000000-0000-4000-8000-000000000001' },
      { id: 'm-phone', userId: IDS.hedy, deviceName: "Hedy's iPhone", operatingSystem: 'iOS', managedDeviceOwnerType: 'personal' },
    ],
  });
});
afterEach(() => sim?.close());

describe('Entra devices', () => {
  it("when a user's owned devices are listed, then each is a device with its properties", async () => {
    const listed = await graph(sim, 'GET', `/users/${IDS.hedy}/ownedDevices`);
    expect(listed.status).toBe(200);
    expect(listed.body.value).toEqual([
      expect.objectContaining({ '@odata.type': '#microsoft.graph.device', id: LAPTOP, displayName: 'HEDY-LAPTOP', accountEnabled: true, operatingSystem: 'Windows' }),
      expect.objectContaining({ id: PHONE, operatingSystem: 'iOS' }),
    ]);
  });

  it('when the app may not read devices, then owned devices come with limited information: type and id only', async () => {
    sim.setAppRoles(DEFAULT_APP_ROLES);
    const listed = await graph(sim, 'GET', `/users/${IDS.hedy}/ownedDevices`);
    expect(listed.status).toBe(200);
    expect(listed.body.value[0]).toMatchObject({ '@odata.type': '#microsoft.graph.device', id: LAPTOP, displayName: null, accountEnabled: null });
  });

  it('when a Windows device is disabled, then it is (204); without Device.ReadWrite.All it is 403', async () => {
    expect((await graph(sim, 'PATCH', `/devices/${LAPTOP}`, { accountEnabled: false })).status).toBe(204);
    expect(sim.state.devices.get(LAPTOP)?.accountEnabled).toBe(false);
    sim.setAppRoles(DEFAULT_APP_ROLES);
    const refused = await graph(sim, 'PATCH', `/devices/${LAPTOP}`, { accountEnabled: true });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('Authorization_RequestDenied');
  });

  it('when an app disables a device that is not Windows, then Graph refuses with the reported 400', async () => {
    const refused = await graph(sim, 'PATCH', `/devices/${PHONE}`, { accountEnabled: false });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'Request_BadRequest', message: 'Properties other than ExtendedAttribute1..15 can be modified only on windows devices.' });
    expect(sim.state.devices.get(PHONE)?.accountEnabled).toBe(true);
  });

  it('when a device body names a property the device type lacks, then it is 400', async () => {
    expect((await graph(sim, 'PATCH', `/devices/${LAPTOP}`, { enabled: false })).status).toBe(400);
  });

  it('when a device is deleted, then it is gone and deleting it again is 404', async () => {
    expect((await graph(sim, 'DELETE', `/devices/${LAPTOP}`)).status).toBe(204);
    expect((await graph(sim, 'DELETE', `/devices/${LAPTOP}`)).status).toBe(404);
  });
});

describe('Intune managed devices', () => {
  it("when a user's managed devices are listed with $select, then ownership and management state come back", async () => {
    const listed = await graph(sim, 'GET', `/users/${IDS.hedy}/managedDevices?$select=id,deviceName,managedDeviceOwnerType,managementState,deviceActionResults`);
    expect(listed.status).toBe(200);
    expect(listed.body.value).toEqual([
      { id: 'm-laptop', deviceName: 'HEDY-LAPTOP', managedDeviceOwnerType: 'company', managementState: 'managed', deviceActionResults: [] },
      { id: 'm-phone', deviceName: "Hedy's iPhone", managedDeviceOwnerType: 'personal', managementState: 'managed', deviceActionResults: [] },
    ]);
    expect((await graph(sim, 'GET', `/users/${IDS.hedy}/managedDevices?$select=nope`)).status).toBe(400);
  });

  it('when a device is retired, then it is pending until it checks in, a second retire is refused, and after check-in it is gone', async () => {
    expect((await graph(sim, 'POST', '/deviceManagement/managedDevices/m-phone/retire')).status).toBe(204);
    const pending = await graph(sim, 'GET', '/deviceManagement/managedDevices/m-phone?$select=managementState,deviceActionResults');
    expect(pending.body).toMatchObject({ managementState: 'retirePending', deviceActionResults: [expect.objectContaining({ actionName: 'retire', actionState: 'pending' })] });
    expect((await graph(sim, 'POST', '/deviceManagement/managedDevices/m-phone/retire')).status).toBe(400);
    expect(checkInManagedDevice(sim.state, 'm-phone')).toBe(true);
    expect((await graph(sim, 'GET', '/deviceManagement/managedDevices/m-phone')).status).toBe(404);
    expect((await graph(sim, 'POST', '/deviceManagement/managedDevices/m-phone/retire')).status).toBe(404);
  });

  it('when a wipe names a parameter the action lacks, then it is 400; with the documented ones it is 204', async () => {
    expect((await graph(sim, 'POST', '/deviceManagement/managedDevices/m-laptop/wipe', { keepData: true })).status).toBe(400);
    expect((await graph(sim, 'POST', '/deviceManagement/managedDevices/m-laptop/wipe', { keepEnrollmentData: false, keepUserData: false })).status).toBe(204);
    expect(sim.state.managedDevices.get('m-laptop')?.managementState).toBe('wipePending');
  });

  it('when the app lacks the privileged-operations permission, then retire and wipe are 403; without the read permission, listing is 403', async () => {
    sim.setAppRoles([...DEFAULT_APP_ROLES, 'DeviceManagementManagedDevices.Read.All']);
    expect((await graph(sim, 'POST', '/deviceManagement/managedDevices/m-laptop/retire')).status).toBe(403);
    expect((await graph(sim, 'POST', '/deviceManagement/managedDevices/m-laptop/wipe', {})).status).toBe(403);
    sim.setAppRoles(DEFAULT_APP_ROLES);
    expect((await graph(sim, 'GET', `/users/${IDS.hedy}/managedDevices`)).status).toBe(403);
  });
});
