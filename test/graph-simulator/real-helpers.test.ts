import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import type { Settings } from '../../shared/config/settings';
import { createGraphClient } from '../../shared/graph/client';
import { LocalSimulatorCredential } from '../../shared/graph/credential';
import { GraphRequestError } from '../../shared/graph/errors';
import { addGroupMember, directoryRolesIn, groupsIn, readMemberOf, removeGroupMember, resolveGroups } from '../../shared/graph/groups';
import { assignLicences, getAssignedLicences, listSubscribedSkus } from '../../shared/graph/licences';
import { getManagerId, setManager } from '../../shared/graph/manager';
import { createUser, deleteUser, findDeletedUserByEmployeeId, findUserByEmployeeId, findUserByUpn, restoreDeletedUser, updateUser } from '../../shared/graph/users';
import { IDS, startSimulator } from './harness';

/** Our production Graph helpers, through the real SDK client and local credential, against the simulator. */
describe('Graph simulator driven by the app\'s own Graph helpers', () => {
  let sim: RunningGraphSimulator;
  const client = () => createGraphClient({ GRAPH_BASE_URL: sim.url } as Settings, { credential: new LocalSimulatorCredential(sim.url) });
  beforeEach(async () => { sim = await startSimulator(); });
  afterEach(async () => { await sim.close(); });

  it('when a joiner is created, licensed, given a manager and groups, then the tenant shows every change', async () => {
    const c = client();
    expect(await findUserByEmployeeId(c, "O'B-1")).toBeUndefined();
    const user = await createUser(c, {
      accountEnabled: true, displayName: "Niamh O'Brien", mailNickname: 'niamh.obrien', userPrincipalName: 'niamh.obrien@contoso.com',
      passwordProfile: { password: 'Sunny-Day-2024!', forceChangePasswordNextSignIn: true }, employeeId: "O'B-1", department: 'Sales',
    });
    expect((await findUserByEmployeeId(c, "O'B-1"))?.id).toBe(user.id);
    expect((await findUserByUpn(c, 'niamh.obrien@contoso.com'))?.employeeId).toBe("O'B-1");
    await updateUser(c, user.id, { usageLocation: 'IE', employeeLeaveDateTime: null });
    await assignLicences(c, user.id, [{ skuId: IDS.E3, disabledPlans: [] }], []);
    expect((await getAssignedLicences(c, user.id)).map((l) => l.skuId)).toEqual([IDS.E3]);
    const skus = await listSubscribedSkus(c);
    expect(skus.find((s) => s.skuId === IDS.E3)?.consumedUnits).toBe(4);
    await setManager(c, user.id, IDS.marie, sim.url);
    expect(await getManagerId(c, user.id)).toBe(IDS.marie);
    const groups = await resolveGroups(c, ['SG-Sales', IDS.allStaff]);
    expect(groups.size).toBe(2);
    expect(await addGroupMember(c, IDS.sales, user.id, sim.url)).toBe(true);
    expect(await addGroupMember(c, IDS.sales, user.id, sim.url)).toBe(false);
    expect(groupsIn(await readMemberOf(c, user.id)).map((g) => g.displayName)).toEqual(['SG-Sales']);
    expect(await removeGroupMember(c, IDS.contractors, user.id)).toBe(false);
    expect(directoryRolesIn(await readMemberOf(c, IDS.breakglass))).toEqual(['Global Administrator']);
  });

  it('when a second create uses a taken UPN, then the helper reports a conflict', async () => {
    const c = client();
    const failure = await createUser(c, {
      accountEnabled: true, displayName: 'Hedy Again', mailNickname: 'hedy.again', userPrincipalName: 'hedy.lamarr@contoso.com',
      passwordProfile: { password: 'Sunny-Day-2024!', forceChangePasswordNextSignIn: true },
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GraphRequestError);
    expect((failure as GraphRequestError).failure.kind).toBe('conflict');
  });

  it('when a leaver is deleted and rehired, then the helpers find and restore the soft-deleted user', async () => {
    const c = client();
    expect(await deleteUser(c, IDS.hedy)).toBe(true);
    expect(await deleteUser(c, IDS.hedy)).toBe(false);
    const deleted = await findDeletedUserByEmployeeId(c, 'E0901');
    expect(deleted?.id).toBe(IDS.hedy);
    const restored = await restoreDeletedUser(c, IDS.hedy);
    expect(restored.userPrincipalName).toBe('hedy.lamarr@contoso.com');
  });

  it('when Graph throttles once with Retry-After 0, then the SDK retries and the call succeeds', async () => {
    sim.setFaults([{ method: 'GET', path: '/users', status: 429, times: 1, retryAfterSeconds: 0 }]);
    expect((await findUserByEmployeeId(client(), 'M001'))?.id).toBe(IDS.marie);
    expect(sim.stats().byRoute['GET /users']).toBe(2);
  });
});
