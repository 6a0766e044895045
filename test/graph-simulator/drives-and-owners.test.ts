import { readFileSync } from 'node:fs';
import { loadSeed, oneDrivePermissions, startGraphSimulator, type GraphSeed, type RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, SAMPLE_SEED } from './harness';

const OWNED = 'aaaaaaaa-0000-4000-8000-000000000001';
const SHARED = 'aaaaaaaa-0000-4000-8000-000000000002';
const ADMINS = 'aaaaaaaa-0000-4000-8000-000000000003';
const APP = 'bbbbbbbb-0000-4000-8000-000000000001';
const SP = 'bbbbbbbb-0000-4000-8000-000000000002';
let sim: RunningGraphSimulator;

/** The sample tenant: Hedy has a OneDrive, Katherine no SharePoint licence; Hedy owns groups and an app. */
function seed(): GraphSeed {
  const base = loadSeed(SAMPLE_SEED);
  return {
    ...base,
    users: (base.users ?? []).map((u) => (u.id === IDS.hedy ? { ...u, oneDrive: 'provisioned' } : u.id === IDS.katherine ? { ...u, oneDrive: 'unlicensed' } : u)),
    groups: [
      ...(base.groups ?? []),
      { id: OWNED, displayName: 'Project Hedy', groupTypes: ['Unified'], mailEnabled: true, mailNickname: 'project-hedy', ownerIds: [IDS.hedy] },
      { id: SHARED, displayName: 'Shared Project', ownerIds: [IDS.hedy, IDS.marie] },
      { id: ADMINS, displayName: 'RG-Admins', isAssignableToRole: true, ownerIds: [IDS.hedy] },
    ],
    applications: [{ id: APP, appId: 'cccccccc-0000-4000-8000-000000000001', displayName: 'Hedy Tools', ownerIds: [IDS.hedy] }],
    servicePrincipals: [{ id: SP, appId: 'cccccccc-0000-4000-8000-000000000001', displayName: 'Hedy Tools', ownerIds: [IDS.hedy] }],
  };
}

beforeEach(async () => {
  sim = await startGraphSimulator({
    port: 0,
    tls: { cert: readFileSync(process.env.DEV_TLS_CERT_FILE!, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE!, 'utf8') },
    seed: seed(),
  });
});
afterEach(() => sim?.close());

const userRef = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/users/${id}` });

describe('OneDrive', () => {
  it('when a user has a OneDrive, then GET /users/{id}/drive gives its id and webUrl, and its root folder has an id', async () => {
    const drive = await graph(sim, 'GET', `/users/${IDS.hedy}/drive?$select=id,webUrl,driveType`);
    expect(drive.status).toBe(200);
    expect(drive.body).toMatchObject({ driveType: 'business', webUrl: 'https://contoso-my.sharepoint.com/personal/hedy_lamarr_contoso_com/Documents' });
    expect(drive.body.id).toMatch(/^b!/);
    const root = await graph(sim, 'GET', `/drives/${encodeURIComponent(drive.body.id)}/root?$select=id`);
    expect(root.status).toBe(200);
    expect(root.body.id).toMatch(/^01/);
  });

  it('when a user has no OneDrive yet, then 404 ResourceNotFound "User\'s mysite not found."; without a SharePoint licence, 400 "Unable to retrieve user\'s mysite URL."', async () => {
    const none = await graph(sim, 'GET', `/users/${IDS.marie}/drive`);
    expect(none.status).toBe(404);
    expect(none.body.error).toMatchObject({ code: 'ResourceNotFound', message: "User's mysite not found." });
    const unlicensed = await graph(sim, 'GET', `/users/${IDS.katherine}/drive`);
    expect(unlicensed.status).toBe(400);
    expect(unlicensed.body.error.message).toBe("Unable to retrieve user's mysite URL.");
  });

  it('when the root is shared with a colleague, then the permissions list the owner and the colleague with their roles, and a second invite adds no second permission', async () => {
    const drive = (await graph(sim, 'GET', `/users/${IDS.hedy}/drive`)).body;
    const rootId = (await graph(sim, 'GET', `/drives/${drive.id}/root`)).body.id;
    const body = { recipients: [{ objectId: IDS.marie }], roles: ['write'], requireSignIn: true, sendInvitation: false };
    const invited = await graph(sim, 'POST', `/drives/${drive.id}/items/${rootId}/invite`, body);
    expect(invited.status).toBe(200);
    expect(invited.body.value[0]).toMatchObject({ roles: ['write'], grantedToV2: { user: { id: IDS.marie } } });
    expect((await graph(sim, 'POST', `/drives/${drive.id}/items/${rootId}/invite`, body)).status).toBe(200);
    const listed = await graph(sim, 'GET', `/drives/${drive.id}/items/${rootId}/permissions`);
    expect(listed.body.value.map((p: { roles: string[]; grantedToV2: { user: { id: string } } }) => [p.grantedToV2.user.id, p.roles])).toEqual([
      [IDS.hedy, ['owner']],
      [IDS.marie, ['write']],
    ]);
    expect(oneDrivePermissions(sim.state, IDS.hedy)).toEqual([{ userId: IDS.marie, roles: ['write'] }]);
  });

  it('when an invite names an unknown parameter, a property driveRecipient lacks, an unknown role or someone outside the directory, then 400 and nothing is shared', async () => {
    const drive = (await graph(sim, 'GET', `/users/${IDS.hedy}/drive`)).body;
    const rootId = (await graph(sim, 'GET', `/drives/${drive.id}/root`)).body.id;
    const invite = (body: unknown) => graph(sim, 'POST', `/drives/${drive.id}/items/${rootId}/invite`, body);
    const unknownParameter = await invite({ recipients: [{ objectId: IDS.marie }], roles: ['write'], notify: false });
    expect(unknownParameter.status).toBe(400);
    expect(unknownParameter.body.error.message).toMatch(/'notify'.*not a valid parameter for the operation 'invite'/);
    expect((await invite({ recipients: [{ objectId: IDS.marie, userPrincipalName: 'x' }], roles: ['write'] })).status).toBe(400);
    expect((await invite({ recipients: [{ objectId: IDS.marie }], roles: ['owner'] })).status).toBe(400);
    const guest = await invite({ recipients: [{ email: 'someone@fabrikam.com' }], roles: ['read'] });
    expect(guest.status).toBe(400);
    expect(guest.body.error.message).toBe('One or more users could not be resolved.');
    expect(oneDrivePermissions(sim.state, IDS.hedy)).toEqual([]);
  });

  it('when the app holds no Files or Sites permission, then reading and sharing a OneDrive are refused with 403', async () => {
    sim.setAppRoles(['User.ReadWrite.All', 'GroupMember.ReadWrite.All']);
    const drive = await graph(sim, 'GET', `/users/${IDS.hedy}/drive`);
    expect(drive.status).toBe(403);
    expect(drive.body.error.code).toBe('accessDenied');
  });
});

describe('group owners and owned objects', () => {
  it('when a user owns groups, an app registration and its service principal, then ownedObjects lists them typed, and a group shows its owners', async () => {
    const owned = await graph(sim, 'GET', `/users/${IDS.hedy}/ownedObjects`);
    expect(owned.status).toBe(200);
    expect(owned.body.value.map((o: { '@odata.type': string; id: string }) => [o['@odata.type'], o.id])).toEqual([
      ['#microsoft.graph.group', OWNED],
      ['#microsoft.graph.group', SHARED],
      ['#microsoft.graph.group', ADMINS],
      ['#microsoft.graph.application', APP],
      ['#microsoft.graph.servicePrincipal', SP],
    ]);
    expect(owned.body.value[3].displayName).toBe('Hedy Tools');
    const owners = await graph(sim, 'GET', `/groups/${SHARED}/owners?$select=id`);
    expect(owners.body.value.map((o: { id: string }) => o.id)).toEqual([IDS.hedy, IDS.marie]);
  });

  it('when the app cannot read applications, then owned apps come back with their type and id only, the rest null', async () => {
    sim.setAppRoles(['User.ReadWrite.All', 'GroupMember.ReadWrite.All']);
    const owned = await graph(sim, 'GET', `/users/${IDS.hedy}/ownedObjects`);
    expect(owned.body.value.find((o: { id: string }) => o.id === APP)).toEqual({ '@odata.type': '#microsoft.graph.application', id: APP, appId: null, displayName: null });
    expect(owned.body.value.find((o: { id: string }) => o.id === OWNED).displayName).toBe('Project Hedy');
  });

  it('when an owner is added, then the group lists them; adding them again is 400 "already exist … \'owners\'"', async () => {
    expect((await graph(sim, 'POST', `/groups/${OWNED}/owners/$ref`, userRef(IDS.marie))).status).toBe(204);
    const again = await graph(sim, 'POST', `/groups/${OWNED}/owners/$ref`, userRef(IDS.marie));
    expect(again.status).toBe(400);
    expect(again.body.error.message).toBe("One or more added object references already exist for the following modified properties: 'owners'.");
    expect((await graph(sim, 'POST', `/groups/${OWNED}/owners/$ref`, userRef('00000000-0000-4000-8000-00000000dead'))).status).toBe(404);
    expect(sim.state.groups.get(OWNED)!.ownerIds).toEqual([IDS.hedy, IDS.marie]);
  });

  it('when the app lacks Group.ReadWrite.All, or the group is role-assignable without RoleManagement.ReadWrite.Directory, then adding an owner is 403 and nothing changes', async () => {
    const refused = await graph(sim, 'POST', `/groups/${ADMINS}/owners/$ref`, userRef(IDS.marie));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('Authorization_RequestDenied');
    sim.setAppRoles(['User.ReadWrite.All', 'GroupMember.ReadWrite.All']);
    expect((await graph(sim, 'POST', `/groups/${OWNED}/owners/$ref`, userRef(IDS.marie))).status).toBe(403);
    expect(sim.state.groups.get(OWNED)!.ownerIds).toEqual([IDS.hedy]);
    expect(sim.state.groups.get(ADMINS)!.ownerIds).toEqual([IDS.hedy]);
  });

  it('when the last owner is removed, then 400 "The group must have at least one owner"; another owner can go', async () => {
    const last = await graph(sim, 'DELETE', `/groups/${OWNED}/owners/${IDS.hedy}/$ref`);
    expect(last.status).toBe(400);
    expect(last.body.error.message).toBe('The group must have at least one owner, hence this owner cannot be removed.');
    expect((await graph(sim, 'DELETE', `/groups/${SHARED}/owners/${IDS.marie}/$ref`)).status).toBe(204);
    expect(sim.state.groups.get(SHARED)!.ownerIds).toEqual([IDS.hedy]);
  });

  it('when a group is read, then its owners are not among its properties', async () => {
    const group = await graph(sim, 'GET', `/groups/${OWNED}`);
    expect(group.body.ownerIds).toBeUndefined();
  });
});

describe('groups with their owners expanded', () => {
  it('when groups are listed with $expand=owners($select=id), then each carries its owners\' ids, at most 100 groups a page', async () => {
    const page = await graph(sim, 'GET', '/groups?$select=id,displayName&$expand=owners($select=id)&$top=999');
    expect(page.status).toBe(200);
    const byId = new Map((page.body.value as { id: string; owners: { id: string }[] }[]).map((g) => [g.id, g.owners.map((o) => o.id)]));
    expect(byId.get(SHARED)).toEqual([IDS.hedy, IDS.marie]);
    expect(byId.get(IDS.sales)).toEqual([]);
    const many = Array.from({ length: 120 }, (_, i) => `dddddddd-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const id of many) sim.state.groups.set(id, { id, displayName: id, mailEnabled: false, securityEnabled: true, groupTypes: [], membershipRule: null, onPremisesSyncEnabled: null, memberIds: [] });
    const first = await graph(sim, 'GET', '/groups?$expand=owners&$top=999');
    expect(first.body.value).toHaveLength(100);
    expect(first.body['@odata.nextLink']).toContain('$expand=owners');
  });
});
