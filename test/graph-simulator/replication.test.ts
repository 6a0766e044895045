import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, newUser, startSimulator, type GraphReply } from './harness';

const ref = (id: string) => `https://graph.microsoft.com/v1.0/directoryObjects/${id}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DELAY_MS = 400;

/** Graph's documented answer to a member add while a reference has not replicated (group-post-members, group-update). */
const REFERENCE_NOT_REPLICATED = "The source resource object or one of the objects being referenced don't exist.";

function expectError(reply: GraphReply, status: number, code: string, message: string | RegExp): void {
  expect({ status: reply.status, code: reply.body?.error?.code }).toEqual({ status, code });
  if (typeof message === 'string') expect(reply.body.error.message).toBe(message);
  else expect(reply.body.error.message).toMatch(message);
}

describe('Graph simulator: answers for a user still replicating', () => {
  let sim: RunningGraphSimulator;
  let userId: string;
  beforeEach(async () => {
    sim = await startSimulator();
    sim.setReplicationDelay(DELAY_MS);
    const created = await graph(sim, 'POST', '/users', newUser({ usageLocation: 'GB' }));
    expect(created.status).toBe(201);
    userId = created.body.id as string;
  });
  afterEach(async () => {
    await sim.close();
  });

  it('when the just-created user is added to a group by $ref, then Graph answers 400 Request_BadRequest with the documented replication wording, and after the delay the add works', async () => {
    expectError(await graph(sim, 'POST', `/groups/${IDS.contractors}/members/$ref`, { '@odata.id': ref(userId) }), 400, 'Request_BadRequest', REFERENCE_NOT_REPLICATED);
    expect(sim.state.groups.get(IDS.contractors)!.memberIds).not.toContain(userId);
    await sleep(DELAY_MS + 50);
    expect((await graph(sim, 'POST', `/groups/${IDS.contractors}/members/$ref`, { '@odata.id': ref(userId) })).status).toBe(204);
    expect(sim.state.groups.get(IDS.contractors)!.memberIds).toContain(userId);
  });

  it('when the just-created user is among several members@odata.bind, then the PATCH answers the same 400 and adds nobody (all or nothing); after the delay it adds both', async () => {
    const body = { 'members@odata.bind': [ref(IDS.katherine), ref(userId)] };
    expectError(await graph(sim, 'PATCH', `/groups/${IDS.contractors}`, body), 400, 'Request_BadRequest', REFERENCE_NOT_REPLICATED);
    expect(sim.state.groups.get(IDS.contractors)!.memberIds).toEqual([]);
    await sleep(DELAY_MS + 50);
    expect((await graph(sim, 'PATCH', `/groups/${IDS.contractors}`, body)).status).toBe(204);
    expect(sim.state.groups.get(IDS.contractors)!.memberIds).toEqual([IDS.katherine, userId]);
  });

  it('when a member that was already there is added again after the delay, then the "already exist" answer is unchanged', async () => {
    await sleep(DELAY_MS + 50);
    expect((await graph(sim, 'POST', `/groups/${IDS.contractors}/members/$ref`, { '@odata.id': ref(userId) })).status).toBe(204);
    expectError(await graph(sim, 'POST', `/groups/${IDS.contractors}/members/$ref`, { '@odata.id': ref(userId) }), 400, 'Request_BadRequest', /already exist/);
  });

  it('when a member that does not exist at all is added, then it is still 404 Request_ResourceNotFound, not the replication 400', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expectError(await graph(sim, 'POST', `/groups/${IDS.contractors}/members/$ref`, { '@odata.id': ref(missing) }), 404, 'Request_ResourceNotFound', /does not exist/);
  });

  it('when the user or its new manager is still replicating, then PUT manager/$ref is 404 Request_ResourceNotFound (nothing more specific is documented); after the delay it links', async () => {
    expectError(await graph(sim, 'PUT', `/users/${userId}/manager/$ref`, { '@odata.id': ref(IDS.marie) }), 404, 'Request_ResourceNotFound', `Resource '${userId}' does not exist or one of its queried reference-property objects are not present.`);
    expectError(await graph(sim, 'PUT', `/users/${IDS.katherine}/manager/$ref`, { '@odata.id': ref(userId) }), 404, 'Request_ResourceNotFound', /does not exist/);
    await sleep(DELAY_MS + 50);
    expect((await graph(sim, 'PUT', `/users/${userId}/manager/$ref`, { '@odata.id': ref(IDS.marie) })).status).toBe(204);
    expect((await graph(sim, 'PUT', `/users/${IDS.katherine}/manager/$ref`, { '@odata.id': ref(userId) })).status).toBe(204);
  });

  it('when a licence is assigned to the user still replicating, then assignLicense is 404 Request_ResourceNotFound and no unit is used; after the delay it is assigned', async () => {
    const body = { addLicenses: [{ skuId: IDS.E3, disabledPlans: [] }], removeLicenses: [] };
    const consumed = sim.state.skus.get(IDS.E3)!.consumedUnits;
    expectError(await graph(sim, 'POST', `/users/${userId}/assignLicense`, body), 404, 'Request_ResourceNotFound', /does not exist/);
    expect(sim.state.skus.get(IDS.E3)!.consumedUnits).toBe(consumed);
    await sleep(DELAY_MS + 50);
    expect((await graph(sim, 'POST', `/users/${userId}/assignLicense`, body)).status).toBe(200);
    expect(sim.state.skus.get(IDS.E3)!.consumedUnits).toBe(consumed + 1);
  });

  it('when a Temporary Access Pass is created for the user still replicating, then it is 404 Request_ResourceNotFound; after the delay it is 201', async () => {
    const tap = `/users/${userId}/authentication/temporaryAccessPassMethods`;
    expectError(await graph(sim, 'POST', tap, { lifetimeInMinutes: 60, isUsableOnce: true }), 404, 'Request_ResourceNotFound', /does not exist/);
    await sleep(DELAY_MS + 50);
    expect((await graph(sim, 'POST', tap, { lifetimeInMinutes: 60, isUsableOnce: true })).status).toBe(201);
  });

  it('when the user still replicating is read or updated, then GET and PATCH are 404 Request_ResourceNotFound (the documented "Not Found" of a new object); after the delay both work', async () => {
    expectError(await graph(sim, 'GET', `/users/${userId}`), 404, 'Request_ResourceNotFound', /does not exist/);
    expectError(await graph(sim, 'PATCH', `/users/${userId}`, { department: 'Research' }), 404, 'Request_ResourceNotFound', /does not exist/);
    await sleep(DELAY_MS + 50);
    expect((await graph(sim, 'PATCH', `/users/${userId}`, { department: 'Research' })).status).toBe(204);
    expect((await graph(sim, 'GET', `/users/${userId}?$select=department`)).body.department).toBe('Research');
  });

  it('when a group is created with the user still replicating in members@odata.bind, then it is 404 Request_ResourceNotFound (Create group documents nothing specific) and no group is made', async () => {
    const groups = sim.state.groups.size;
    const body = { displayName: 'SG-New', mailEnabled: false, mailNickname: 'sg-new', securityEnabled: true, 'members@odata.bind': [ref(userId)] };
    expectError(await graph(sim, 'POST', '/groups', body), 404, 'Request_ResourceNotFound', /does not exist/);
    expect(sim.state.groups.size).toBe(groups);
  });
});
