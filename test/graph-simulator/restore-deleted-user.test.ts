import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, newUser, startSimulator } from './harness';

let sim: RunningGraphSimulator;
beforeEach(async () => {
  sim = await startSimulator();
  expect((await graph(sim, 'DELETE', `/users/${IDS.hedy}`)).status).toBe(204);
});
afterEach(() => sim?.close());

const restore = (body?: unknown) => graph(sim, 'POST', `/directory/deletedItems/${IDS.hedy}/restore`, body);

describe('restoring a deleted user', () => {
  it('when the UPN is free, then the user comes back under it', async () => {
    const restored = await restore();
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ '@odata.type': '#microsoft.graph.user', id: IDS.hedy, userPrincipalName: 'hedy.lamarr@contoso.com' });
  });

  it('when another account took the UPN, then restore is 400 naming userPrincipalName and the user stays deleted', async () => {
    expect((await graph(sim, 'POST', '/users', newUser({ userPrincipalName: 'hedy.lamarr@contoso.com', mailNickname: 'hedy.other' }))).status).toBe(201);
    const refused = await restore();
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'Request_BadRequest', message: 'Another object with the same value for property userPrincipalName already exists.' });
    expect(sim.snapshot().deletedUsers.map((u) => u.id)).toContain(IDS.hedy);
  });

  it('when newUserPrincipalName is given, then the user comes back under the new UPN; a taken or unverified one is refused', async () => {
    await graph(sim, 'POST', '/users', newUser({ userPrincipalName: 'hedy.lamarr@contoso.com', mailNickname: 'hedy.other' }));
    expect((await restore({ newUserPrincipalName: 'marie.curie@contoso.com' })).status).toBe(400);
    expect((await restore({ newUserPrincipalName: 'hedy.lamarr2@fabrikam.com' })).body.error.message).toMatch(/verified domain/);
    const restored = await restore({ newUserPrincipalName: 'hedy.lamarr2@contoso.com' });
    expect(restored.status).toBe(200);
    expect(restored.body.userPrincipalName).toBe('hedy.lamarr2@contoso.com');
    expect((await graph(sim, 'GET', '/users/hedy.lamarr2@contoso.com')).body.id).toBe(IDS.hedy);
  });

  it('when the body has a parameter restore does not define, then 400 names it', async () => {
    const refused = await restore({ newUpn: 'x@contoso.com' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('newUpn');
  });

  it('when the object is not in deleted items, then restore is 404', async () => {
    expect((await restore()).status).toBe(200);
    expect((await restore()).status).toBe(404);
  });
});
