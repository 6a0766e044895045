import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

/** A licence that comes through a group (group-based licensing) is the group's: reported, never removed by assignLicense. */
const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const E5 = '06ebc4ee-1bb5-47dd-8120-11324bc54e06';
const LICENSED_GROUP = '99999999-9999-4999-8999-999999999999';

const seedFile = path.join(mkdtempSync(path.join(tmpdir(), 'group-licences-')), 'seed.json');
const seed = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'dev', 'graph-simulator', 'seed.sample.json'), 'utf8')) as { groups: unknown[] };
seed.groups.push({ id: LICENSED_GROUP, displayName: 'SG-Licensed-E5', securityEnabled: true, mailEnabled: false, groupTypes: [], assignedLicenses: [{ skuId: E5, disabledPlans: [] }, { skuId: E3, disabledPlans: [] }] });
writeFileSync(seedFile, JSON.stringify(seed));

const t = useTenantHost({ env: { GRAPH_SEED_FILE: seedFile } });
const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({ employeeId, givenName: 'Group', surname: `Licensed${employeeId}`, department: 'Sales', country: 'GB', ...extra });

async function joinLicensedGroup(userId: string): Promise<void> {
  const added = await t.sim.graph('POST', `/groups/${LICENSED_GROUP}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${userId}` });
  expect(added.status).toBe(204);
}

async function licencesOf(userId: string): Promise<{ skuId: string; assignedByGroup: string | null }[]> {
  const user = await t.sim.graph('GET', `/users/${userId}?$select=licenseAssignmentStates`);
  return (user.json as { licenseAssignmentStates: { skuId: string; assignedByGroup: string | null }[] }).licenseAssignmentStates;
}

describe('group-based licences', () => {
  it('when a leaver holds a licence through a group, then the direct licences go and the group one is reported, not fought', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('GL1')));
    const [user] = t.sim.userByEmployeeId('GL1');
    await joinLicensedGroup(user!.id);
    expect((await licencesOf(user!.id)).map((l) => [l.skuId, l.assignedByGroup])).toEqual(expect.arrayContaining([[E3, null], [E5, LICENSED_GROUP]]));

    const left = await postAndWait(t.host, hrEvent('leaver', worker('GL1')), 'delete-account');
    expect(left.status).not.toBe('dead-lettered');
    expect(stepsOf(left)['remove-licences']).toMatchObject({ outcome: 'done', detail: expect.stringContaining(`${E5} (through group ${LICENSED_GROUP})`) });
    // The direct E3 is gone; E3 and E5 still come through the group the rules do not manage.
    expect((await licencesOf(user!.id)).every((l) => l.assignedByGroup === LICENSED_GROUP)).toBe(true);
  });

  it("when a mover's rules no longer give a licence the worker holds only through a group, then it is left to the group", async () => {
    const created = await t.sim.graph('POST', '/users', {
      accountEnabled: true, displayName: 'Group Only', mailNickname: 'group.only', userPrincipalName: 'group.only@contoso.com', employeeId: 'GL2', usageLocation: 'GB',
      passwordProfile: { password: 'Group-Only-2026', forceChangePasswordNextSignIn: true },
    });
    const userId = (created.json as { id: string }).id;
    await joinLicensedGroup(userId);
    const moved = await postAndWait(t.host, hrEvent('mover', worker('GL2', { employeeType: 'Contractor' })));
    expect(moved.status).toBe('succeeded');
    expect(stepsOf(moved)["licences"]?.detail).toMatch(/through a group, left to it: .*SPE_E3/);
    expect((await licencesOf(userId)).map((l) => l.skuId).sort()).toEqual([E3, E5].sort());
  });
});
