import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, newUser, startSimulator } from './harness';

let sim: RunningGraphSimulator;
beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(() => sim?.close());

const tap = (userId: string): string => `/users/${userId}/authentication/temporaryAccessPassMethods`;

describe('Temporary Access Pass methods', () => {
  it('when a pass is created, then the 201 response carries it once and listing never shows it', async () => {
    const created = await graph(sim, 'POST', tap(IDS.katherine), { lifetimeInMinutes: 120, isUsableOnce: true });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(
      ['createdDateTime', 'id', 'isUsable', 'isUsableOnce', 'lifetimeInMinutes', 'methodUsabilityReason', 'startDateTime', 'temporaryAccessPass'],
    );
    expect(created.body).toMatchObject({ lifetimeInMinutes: 120, isUsableOnce: true, isUsable: true, methodUsabilityReason: 'EnabledByPolicy' });
    const pass = created.body.temporaryAccessPass as string;
    expect(pass.length).toBeGreaterThanOrEqual(8);
    const listed = await graph(sim, 'GET', tap(IDS.katherine));
    expect(listed.status).toBe(200);
    expect(listed.body.value).toEqual([expect.objectContaining({ id: created.body.id, lifetimeInMinutes: 120 })]);
    expect(listed.body.value[0]).not.toHaveProperty('temporaryAccessPass');
    expect(JSON.stringify(listed.body)).not.toContain(pass);
    expect(JSON.stringify((await graph(sim, 'GET', `/users/${IDS.katherine}`)).body)).not.toContain('temporaryAccessPass');
  });

  it('when the body is empty, then the pass lasts 60 minutes, is multi-use and starts now', async () => {
    const created = await graph(sim, 'POST', tap(IDS.hedy), {});
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ lifetimeInMinutes: 60, isUsableOnce: false, isUsable: true });
    expect(created.body.startDateTime).toBe(created.body.createdDateTime);
  });

  it('when a pass is created, then the tenant snapshot records the method but never the pass value', async () => {
    const created = await graph(sim, 'POST', tap(IDS.katherine), {});
    const pass = created.body.temporaryAccessPass as string;
    const snapshot = JSON.stringify(sim.snapshot());
    expect(snapshot).toContain(created.body.id as string);
    expect(snapshot).not.toContain(pass);
    expect(snapshot).not.toContain('"temporaryAccessPass"');
  });

  it('when a user already holds a live pass, then a second create is refused with 400 and the first pass is kept', async () => {
    const first = await graph(sim, 'POST', tap(IDS.hedy), {});
    expect(first.status).toBe(201);
    const second = await graph(sim, 'POST', tap(IDS.hedy), {});
    expect(second.status).toBe(400);
    expect(second.body.error.code).toBe('badRequest');
    expect(second.body.error.message).toMatch(/Temporary Access Pass already exists/);
    expect((await graph(sim, 'GET', tap(IDS.hedy))).body.value).toEqual([expect.objectContaining({ id: first.body.id })]);
  });

  it('when the pass is deleted, then a new one can be created and deleting it again is 404', async () => {
    const first = await graph(sim, 'POST', tap(IDS.hedy), {});
    expect((await graph(sim, 'DELETE', `${tap(IDS.hedy)}/${first.body.id}`)).status).toBe(204);
    expect((await graph(sim, 'GET', tap(IDS.hedy))).body.value).toEqual([]);
    const again = await graph(sim, 'DELETE', `${tap(IDS.hedy)}/${first.body.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('itemNotFound');
    const second = await graph(sim, 'POST', tap(IDS.hedy), {});
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('when the existing pass has expired, then a new create replaces it', async () => {
    const old = await graph(sim, 'POST', tap(IDS.marie), { startDateTime: new Date(Date.now() - 3_600_000).toISOString(), lifetimeInMinutes: 10 });
    expect(old.body).toMatchObject({ isUsable: false, methodUsabilityReason: 'Expired' });
    const fresh = await graph(sim, 'POST', tap(IDS.marie), {});
    expect(fresh.status).toBe(201);
    expect((await graph(sim, 'GET', tap(IDS.marie))).body.value).toEqual([expect.objectContaining({ id: fresh.body.id })]);
  });

  it('when the start is in the future, then the pass is not yet usable', async () => {
    const later = await graph(sim, 'POST', tap(IDS.marie), { startDateTime: new Date(Date.now() + 86_400_000).toISOString() });
    expect(later.status).toBe(201);
    expect(later.body).toMatchObject({ isUsable: false, methodUsabilityReason: 'NotYetValid' });
  });

  it.each([9, 43_201, 60.5, '60'])('when lifetimeInMinutes is %p, then 400 names lifetimeInMinutes and nothing is created', async (lifetimeInMinutes) => {
    const refused = await graph(sim, 'POST', tap(IDS.hedy), { lifetimeInMinutes });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/lifetimeInMinutes/i);
    expect((await graph(sim, 'GET', tap(IDS.hedy))).body.value).toEqual([]);
  });

  it.each([10, 43_200])('when lifetimeInMinutes is the bound %p, then it is accepted', async (lifetimeInMinutes) => {
    expect((await graph(sim, 'POST', tap(IDS.hedy), { lifetimeInMinutes })).status).toBe(201);
  });

  it('when the body has a property the CSDL does not define, then 400 names it', async () => {
    const refused = await graph(sim, 'POST', tap(IDS.hedy), { lifetime: 60 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('Request_BadRequest');
    expect(refused.body.error.message).toContain("Property 'lifetime' does not exist on type 'microsoft.graph.temporaryAccessPassAuthenticationMethod'");
  });

  it('when isUsableOnce or startDateTime has the wrong type, then 400 names the property', async () => {
    expect((await graph(sim, 'POST', tap(IDS.hedy), { isUsableOnce: 'yes' })).body.error.message).toContain('isUsableOnce');
    expect((await graph(sim, 'POST', tap(IDS.hedy), { startDateTime: 'tomorrow' })).body.error.message).toContain('startDateTime');
  });

  it('when the user is unknown, then every TAP endpoint is 404; a UPN works like an id', async () => {
    const ghost = '00000000-0000-4000-8000-000000000000';
    expect((await graph(sim, 'POST', tap(ghost), {})).status).toBe(404);
    expect((await graph(sim, 'GET', tap(ghost))).status).toBe(404);
    expect((await graph(sim, 'DELETE', `${tap(ghost)}/x`)).status).toBe(404);
    const byUpn = await graph(sim, 'POST', tap('hedy.lamarr@contoso.com'), {});
    expect(byUpn.status).toBe(201);
    expect((await graph(sim, 'GET', tap(IDS.hedy))).body.value).toHaveLength(1);
  });

  it('when the account is disabled, then a pass can still be created (no documented refusal)', async () => {
    expect((await graph(sim, 'PATCH', `/users/${IDS.marie}`, { accountEnabled: false })).status).toBe(204);
    expect((await graph(sim, 'POST', tap(IDS.marie), {})).status).toBe(201);
  });

  it('when the user was just created and has not replicated, then TAP endpoints are 404 until the delay passes', async () => {
    sim.setReplicationDelay(300);
    const created = await graph(sim, 'POST', '/users', newUser());
    const id = created.body.id as string;
    const early = await graph(sim, 'POST', tap(id), {});
    expect(early.status).toBe(404);
    expect(early.body.error.code).toBe('Request_ResourceNotFound');
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await graph(sim, 'POST', tap(id), {})).status).toBe(201);
  });

  it('when the write budget is spent, then creating a pass is throttled like any write', async () => {
    sim.setThrottling({ writesPer150s: 1 });
    expect((await graph(sim, 'POST', tap(IDS.hedy), {})).status).toBe(201);
    expect((await graph(sim, 'GET', tap(IDS.hedy))).status).toBe(200);
    expect((await graph(sim, 'POST', tap(IDS.katherine), {})).status).toBe(429);
  });
});
