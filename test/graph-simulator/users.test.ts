import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, newUser, startSimulator } from './harness';

describe('Graph simulator: users', () => {
  let sim: RunningGraphSimulator;
  beforeEach(async () => { sim = await startSimulator(); });
  afterEach(async () => { await sim.close(); });

  it("when a filter uses a doubled single quote (O''Brien), then it matches the literal apostrophe", async () => {
    const created = await graph(sim, 'POST', '/users', newUser({ surname: "O'Brien", employeeId: 'E2002' }));
    const reply = await graph(sim, 'GET', `/users?$filter=${encodeURIComponent("surname eq 'O''Brien' and accountEnabled eq true")}&$select=id,employeeId`);
    expect(reply.status).toBe(200);
    expect(reply.body.value).toEqual([{ id: created.body.id, employeeId: 'E2002' }]);
  });

  it('when a filter combines in(), startswith, or and parentheses, then only matching users come back', async () => {
    const filter = "(employeeId in ('M001','E0902') or startswith(userPrincipalName,'HEDY.')) and employeeId ne null";
    expect((await graph(sim, 'GET', `/users?$filter=${encodeURIComponent(filter)}`)).body.error.code).toBe('Request_UnsupportedQuery');
    const ok = await graph(sim, 'GET', `/users?$filter=${encodeURIComponent("(employeeId in ('M001','E0902') or startswith(userPrincipalName,'HEDY.'))")}&$select=id`);
    expect(ok.body.value.map((u: { id: string }) => u.id).sort()).toEqual([IDS.marie, IDS.hedy, IDS.katherine].sort());
    const nullFilter = await graph(sim, 'GET', `/users?$filter=${encodeURIComponent('employeeId eq null')}&$select=userPrincipalName`);
    expect(nullFilter.body.value).toEqual([{ id: IDS.breakglass, userPrincipalName: 'breakglass@contoso.com' }]);
  });

  it('when a filter uses unsupported syntax, then Graph answers 400 Request_UnsupportedQuery', async () => {
    const reply = await graph(sim, 'GET', `/users?$filter=${encodeURIComponent("endswith(mail,'@contoso.com')")}`);
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('Request_UnsupportedQuery');
  });

  it('when users are listed with a small $top, then following @odata.nextLink to the end returns every user exactly once', async () => {
    const seen: string[] = [];
    let next: string | undefined = '/users?$top=1&$select=id,employeeId';
    let pages = 0;
    while (next) {
      const reply = await graph(sim, 'GET', next);
      expect(reply.status).toBe(200);
      seen.push(...reply.body.value.map((u: { id: string }) => u.id));
      next = reply.body['@odata.nextLink'];
      if (next) expect(next.startsWith(`${sim.url}/v1.0/users?`)).toBe(true);
      pages += 1;
    }
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(4);
    expect(seen.sort()).toEqual(sim.snapshot().users.map((u) => u.id).sort());
  });

  it('when a user is created with a property the CSDL does not define, then the create fails with 400 naming the property', async () => {
    const reply = await graph(sim, 'POST', '/users', newUser({ favouriteColour: 'blue' }));
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('Request_BadRequest');
    expect(reply.body.error.message).toContain("Property 'favouriteColour' does not exist on type 'microsoft.graph.user'");
    expect(sim.snapshot().users.some((u) => u.userPrincipalName === 'grace.hopper@contoso.com')).toBe(false);
  });

  it('when a user is created, then it is returned with 201, the password is neither echoed nor stored', async () => {
    const reply = await graph(sim, 'POST', '/users', newUser({ department: 'Research', 'manager@odata.bind': undefined }));
    expect(reply.status).toBe(201);
    expect(reply.body.passwordProfile).toBeUndefined();
    expect(reply.body.employeeId).toBe('E2001');
    const stored = sim.snapshot().users.find((u) => u.id === reply.body.id)!;
    expect(stored.department).toBe('Research');
    expect(stored.passwordSet).toBe(true);
    expect(JSON.stringify(sim.snapshot())).not.toContain('Correct-Horse-9');
  });

  it("when a user is created twice with the same UPN, then the second create fails with Graph's duplicate error", async () => {
    expect((await graph(sim, 'POST', '/users', newUser())).status).toBe(201);
    const second = await graph(sim, 'POST', '/users', newUser({ mailNickname: 'grace2', userPrincipalName: 'GRACE.HOPPER@contoso.com' }));
    expect(second.status).toBe(400);
    expect(second.body.error).toMatchObject({ code: 'Request_BadRequest', message: 'Another object with the same value for property userPrincipalName already exists.' });
    expect(second.headers.get('request-id')).toBe(second.body.error.innerError['request-id']);
  });

  it('when the UPN domain is not verified, a required property is missing or the password is weak, then the create is refused', async () => {
    const domain = await graph(sim, 'POST', '/users', newUser({ userPrincipalName: 'grace@fabrikam.com' }));
    expect(domain.body.error.message).toMatch(/^The domain portion of the userPrincipalName property is invalid/);
    const { mailNickname: _omit, ...noNick } = newUser();
    const missing = await graph(sim, 'POST', '/users', noNick);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("'mailNickname'");
    const weak = await graph(sim, 'POST', '/users', newUser({ passwordProfile: { password: 'alllowercase' } }));
    expect(weak.status).toBe(400);
    expect(weak.body.error.message).toMatch(/password complexity/);
  });

  it('when a user is looked up by UPN, patched and read back, then the change is visible and unknown users are 404', async () => {
    expect((await graph(sim, 'PATCH', '/users/hedy.lamarr%40contoso.com', { department: 'Research', usageLocation: 'DE' })).status).toBe(204);
    const read = await graph(sim, 'GET', `/users/${IDS.hedy}?$select=department,usageLocation,employeeId`);
    expect(read.body).toMatchObject({ id: IDS.hedy, department: 'Research', usageLocation: 'DE', employeeId: 'E0901' });
    const missing = await graph(sim, 'GET', '/users/nobody@contoso.com');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'Request_ResourceNotFound', message: "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present." });
  });

  it('when a manager is set, read and removed, then the manager endpoint follows, and a missing manager is 404', async () => {
    expect((await graph(sim, 'GET', `/users/${IDS.hedy}/manager`)).body.id).toBe(IDS.marie);
    expect((await graph(sim, 'PUT', `/users/${IDS.marie}/manager/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/users/${IDS.katherine}` })).status).toBe(204);
    expect((await graph(sim, 'GET', `/users/${IDS.marie}/manager`)).body['@odata.type']).toBe('#microsoft.graph.user');
    expect((await graph(sim, 'PUT', `/users/${IDS.marie}/manager/$ref`, { '@odata.id': 'https://x/v1.0/users/00000000-0000-0000-0000-000000000000' })).status).toBe(404);
    expect((await graph(sim, 'DELETE', `/users/${IDS.marie}/manager/$ref`)).status).toBe(204);
    expect((await graph(sim, 'GET', `/users/${IDS.marie}/manager`)).status).toBe(404);
  });

  it('when direct reports are listed with $top=1, then each report of the manager comes back once as a user across pages', async () => {
    const first = await graph(sim, 'GET', `/users/${IDS.marie}/directReports?$top=1&$select=id,employeeId`);
    expect(first.status).toBe(200);
    expect(first.body.value).toHaveLength(1);
    expect(first.body.value[0]['@odata.type']).toBe('#microsoft.graph.user');
    const second = await graph(sim, 'GET', first.body['@odata.nextLink']);
    expect([...first.body.value, ...second.body.value].map((u: { employeeId: string }) => u.employeeId).sort()).toEqual(['E0901', 'E0902']);
    expect(second.body['@odata.nextLink']).toBeUndefined();
    expect((await graph(sim, 'GET', `/users/${IDS.hedy}/directReports`)).body.value).toEqual([]);
    expect((await graph(sim, 'GET', '/users/nobody@contoso.com/directReports')).status).toBe(404);
  });

  it('when the break-glass user lists memberOf, then its directory role is returned as a directoryRole', async () => {
    const reply = await graph(sim, 'GET', `/users/${IDS.breakglass}/memberOf`);
    const roles = reply.body.value.filter((i: Record<string, unknown>) => i['@odata.type'] === '#microsoft.graph.directoryRole');
    expect(roles).toEqual([expect.objectContaining({ displayName: 'Global Administrator' })]);
    const groups = await graph(sim, 'GET', `/users/${IDS.katherine}/memberOf`);
    expect(groups.body.value.map((g: { displayName: string }) => g.displayName).sort()).toEqual(['DG-Dynamic-Everyone', 'SG-All-Staff', 'SG-Sales']);
  });

  it('when a user is deleted, then it moves to deletedItems and a restore brings it back with its groups', async () => {
    expect((await graph(sim, 'DELETE', `/users/${IDS.katherine}`)).status).toBe(204);
    expect((await graph(sim, 'GET', `/users/${IDS.katherine}`)).status).toBe(404);
    expect((await graph(sim, 'GET', `/groups/${IDS.sales}/members`)).body.value).toEqual([]);
    const deleted = await graph(sim, 'GET', `/directory/deletedItems/microsoft.graph.user?$filter=${encodeURIComponent("employeeId eq 'E0902'")}&$select=id,deletedDateTime`);
    expect(deleted.body.value).toHaveLength(1);
    expect(typeof deleted.body.value[0].deletedDateTime).toBe('string');
    const restored = await graph(sim, 'POST', `/directory/deletedItems/${IDS.katherine}/restore`, {});
    expect(restored.status).toBe(200);
    expect(restored.body.deletedDateTime).toBeNull();
    expect((await graph(sim, 'GET', `/groups/${IDS.sales}/members`)).body.value.map((u: { id: string }) => u.id)).toEqual([IDS.katherine]);
    expect(sim.snapshot().deletedUsers).toHaveLength(0);
  });

  it('when a deleted user is restored while an active user holds its UPN, then the restore fails with 400', async () => {
    await graph(sim, 'DELETE', `/users/${IDS.katherine}`);
    expect((await graph(sim, 'POST', '/users', newUser({ userPrincipalName: 'katherine.johnson@contoso.com', mailNickname: 'katherine2' }))).status).toBe(201);
    const restore = await graph(sim, 'POST', `/directory/deletedItems/${IDS.katherine}/restore`, {});
    expect(restore.status).toBe(400);
    expect(restore.body.error.code).toBe('Request_BadRequest');
    expect((await graph(sim, 'DELETE', `/directory/deletedItems/${IDS.katherine}`)).status).toBe(204);
    expect((await graph(sim, 'GET', `/directory/deletedItems/${IDS.katherine}`)).status).toBe(404);
  });

  it('when sign-in sessions are revoked, then Graph answers 200 with value true', async () => {
    const reply = await graph(sim, 'POST', `/users/${IDS.hedy}/revokeSignInSessions`, {});
    expect(reply.status).toBe(200);
    expect(reply.body.value).toBe(true);
  });
});
