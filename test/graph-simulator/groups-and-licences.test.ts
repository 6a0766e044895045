import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, newUser, startSimulator } from './harness';

const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });

describe('Graph simulator: group membership', () => {
  let sim: RunningGraphSimulator;
  beforeEach(async () => { sim = await startSimulator(); });
  afterEach(async () => { await sim.close(); });

  it('when groups are filtered by displayName and by id in (...), then the matching groups come back', async () => {
    const byName = await graph(sim, 'GET', `/groups?$filter=${encodeURIComponent("displayName eq 'SG-Sales'")}&$select=id,displayName`);
    expect(byName.body.value).toEqual([{ id: IDS.sales, displayName: 'SG-Sales' }]);
    const byIds = await graph(sim, 'GET', `/groups?$filter=${encodeURIComponent(`id in ('${IDS.sales}','${IDS.onPrem}')`)}`);
    expect(byIds.body.value.map((g: { displayName: string }) => g.displayName).sort()).toEqual(['SG-OnPrem-Synced', 'SG-Sales']);
    const prefix = await graph(sim, 'GET', `/groups?$filter=${encodeURIComponent("startswith(displayName,'dl-')")}`);
    expect(prefix.body.value).toHaveLength(1);
  });

  it('when a member is added twice, then the second add fails with the "already exist" error and membership is unchanged', async () => {
    expect((await graph(sim, 'POST', `/groups/${IDS.contractors}/members/$ref`, ref(IDS.hedy))).status).toBe(204);
    const second = await graph(sim, 'POST', `/groups/${IDS.contractors}/members/$ref`, ref(IDS.hedy));
    expect(second.status).toBe(400);
    expect(second.body.error).toMatchObject({ code: 'Request_BadRequest', message: "One or more added object references already exist for the following modified properties: 'members'." });
    expect(sim.snapshot().groups.find((g) => g.id === IDS.contractors)!.memberIds).toEqual([IDS.hedy]);
  });

  it('when a non-member is removed, then Graph answers 400 "removed object references do not exist"; an unknown object 404; removing a member 204', async () => {
    const missing = await graph(sim, 'DELETE', `/groups/${IDS.sales}/members/${IDS.hedy}/$ref`);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'Request_BadRequest', message: "One or more removed object references do not exist for the following modified properties: 'members'." });
    const unknown = await graph(sim, 'DELETE', `/groups/${IDS.sales}/members/00000000-0000-4000-8000-000000000000/$ref`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('Request_ResourceNotFound');
    expect((await graph(sim, 'DELETE', `/groups/${IDS.sales}/members/${IDS.katherine}/$ref`)).status).toBe(204);
    expect(sim.snapshot().groups.find((g) => g.id === IDS.sales)!.memberIds).toEqual([]);
  });

  it('when a member is added to a dynamic, mail-enabled or on-premises-synced group, then Graph refuses and nothing changes', async () => {
    const dynamic = await graph(sim, 'POST', `/groups/${IDS.dynamic}/members/$ref`, ref(IDS.hedy));
    expect(dynamic.status).toBeGreaterThanOrEqual(400);
    expect(dynamic.status).toBeLessThan(500);
    const dl = await graph(sim, 'POST', `/groups/${IDS.distributionList}/members/$ref`, ref(IDS.hedy));
    expect(dl.body.error.message).toBe('Cannot Update a mail-enabled security groups and or distribution list.');
    const onPrem = await graph(sim, 'POST', `/groups/${IDS.onPrem}/members/$ref`, ref(IDS.hedy));
    expect(onPrem.status).toBe(400);
    const snapshot = sim.snapshot();
    expect(snapshot.groups.find((g) => g.id === IDS.distributionList)!.memberIds).toEqual([]);
    expect(snapshot.groups.find((g) => g.id === IDS.onPrem)!.memberIds).toEqual([]);
  });

  it('when a security group is created, then Graph answers 201 with an id and the group can be found and joined', async () => {
    const reply = await graph(sim, 'POST', '/groups', { displayName: 'SG-New', mailEnabled: false, mailNickname: 'sg-new', securityEnabled: true, description: 'New' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ displayName: 'SG-New', securityEnabled: true, groupTypes: [], description: 'New' });
    expect(reply.body.memberIds).toBeUndefined();
    const found = await graph(sim, 'GET', `/groups?$filter=${encodeURIComponent("displayName eq 'SG-New'")}&$select=id`);
    expect(found.body.value).toEqual([{ id: reply.body.id }]);
    expect((await graph(sim, 'POST', `/groups/${reply.body.id}/members/$ref`, ref(IDS.hedy))).status).toBe(204);
  });

  it('when a group create misses a required property, has an unknown one or asks for a distribution list, then it is refused with 400', async () => {
    const missing = await graph(sim, 'POST', '/groups', { displayName: 'SG-X', mailEnabled: false, securityEnabled: true });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("'mailNickname'");
    const unknown = await graph(sim, 'POST', '/groups', { displayName: 'SG-X', mailEnabled: false, mailNickname: 'sg-x', securityEnabled: true, colour: 'red' });
    expect(unknown.body.error.message).toContain("Property 'colour' does not exist on type 'microsoft.graph.group'");
    const dl = await graph(sim, 'POST', '/groups', { displayName: 'DL-X', mailEnabled: true, mailNickname: 'dl-x', securityEnabled: false });
    expect(dl.status).toBe(400);
    expect(sim.snapshot().groups.some((g) => g.displayName.endsWith('-X'))).toBe(false);
  });

  it('when members are bound in a PATCH and one is already a member, then none are added (all or nothing)', async () => {
    const bind = (ids: string[]) => ({ 'members@odata.bind': ids.map((id) => `https://graph.microsoft.com/v1.0/directoryObjects/${id}`) });
    expect((await graph(sim, 'PATCH', `/groups/${IDS.sales}`, bind([IDS.hedy, IDS.katherine]))).status).toBe(400);
    expect(sim.snapshot().groups.find((g) => g.id === IDS.sales)!.memberIds).toEqual([IDS.katherine]);
    expect((await graph(sim, 'PATCH', `/groups/${IDS.sales}`, bind([IDS.hedy, IDS.marie]))).status).toBe(204);
    const members = await graph(sim, 'GET', `/groups/${IDS.sales}/members?$top=2`);
    expect(members.body.value).toHaveLength(2);
    expect(members.body.value[0]['@odata.type']).toBe('#microsoft.graph.user');
    expect(members.body['@odata.nextLink']).toBeDefined();
    const tooMany = bind(Array.from({ length: 21 }, () => IDS.hedy));
    expect((await graph(sim, 'PATCH', `/groups/${IDS.contractors}`, tooMany)).status).toBe(400);
  });
});

describe('Graph simulator: licences', () => {
  let sim: RunningGraphSimulator;
  beforeEach(async () => { sim = await startSimulator(); });
  afterEach(async () => { await sim.close(); });

  const assign = (userId: string, add: string[], remove: string[] = []) =>
    graph(sim, 'POST', `/users/${userId}/assignLicense`, { addLicenses: add.map((skuId) => ({ skuId, disabledPlans: [] })), removeLicenses: remove });

  it('when a licence is assigned to a user without usageLocation, then Graph refuses with the usage-location error', async () => {
    const created = await graph(sim, 'POST', '/users', newUser());
    const reply = await assign(created.body.id, [IDS.E3]);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe('License assignment cannot be done for user with invalid usage location.');
    expect(sim.snapshot().subscribedSkus.find((s) => s.skuId === IDS.E3)!.consumedUnits).toBe(3);
  });

  it('when a SKU has no free licences, then the assignment fails and consumedUnits stays put', async () => {
    const reply = await assign(IDS.hedy, [IDS.EXCHANGE]);
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('Request_BadRequest');
    expect(reply.body.error.message).toContain('does not have any available licenses');
    const skus = await graph(sim, 'GET', '/subscribedSkus');
    const exchange = skus.body.value.find((s: { skuId: string }) => s.skuId === IDS.EXCHANGE);
    expect(exchange).toMatchObject({ consumedUnits: 5, prepaidUnits: { enabled: 5 }, appliesTo: 'User', skuPartNumber: 'EXCHANGESTANDARD' });
  });

  it('when a licence is added and another removed, then licenseDetails and consumedUnits follow; removing an unheld licence fails', async () => {
    const reply = await assign(IDS.hedy, [IDS.E5], [IDS.E3]);
    expect(reply.status).toBe(200);
    expect(reply.body.assignedLicenses).toEqual([{ skuId: IDS.E5, disabledPlans: [] }]);
    const details = await graph(sim, 'GET', `/users/${IDS.hedy}/licenseDetails`);
    expect(details.body.value).toEqual([expect.objectContaining({ skuId: IDS.E5, skuPartNumber: 'SPE_E5' })]);
    const skus = sim.snapshot().subscribedSkus;
    expect(skus.find((s) => s.skuId === IDS.E3)!.consumedUnits).toBe(2);
    expect(skus.find((s) => s.skuId === IDS.E5)!.consumedUnits).toBe(2);
    const unheld = await assign(IDS.hedy, [], [IDS.E3]);
    expect(unheld.status).toBe(400);
    expect(unheld.body.error.message).toBe('User does not have a corresponding license.');
    const unknown = await assign(IDS.hedy, ['00000000-0000-0000-0000-00000000beef']);
    expect(unknown.status).toBe(400);
  });
});
