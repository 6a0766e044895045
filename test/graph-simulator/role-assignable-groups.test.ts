import { readFileSync } from 'node:fs';
import { loadSeed, startGraphSimulator, type GraphSeed, type RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, SAMPLE_SEED } from './harness';

const ADMINS = '99999999-9999-4999-8999-999999999999';
let sim: RunningGraphSimulator;

/** The sample tenant plus a role-assignable group that Marie is a member of. */
function seed(): GraphSeed {
  const base = loadSeed(SAMPLE_SEED);
  return { ...base, groups: [...(base.groups ?? []), { id: ADMINS, displayName: 'RG-Helpdesk-Admins', isAssignableToRole: true, memberIds: [IDS.marie] }] };
}

beforeEach(async () => {
  sim = await startGraphSimulator({
    port: 0,
    tls: { cert: readFileSync(process.env.DEV_TLS_CERT_FILE!, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE!, 'utf8') },
    seed: seed(),
  });
});
afterEach(() => sim?.close());

const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
const members = async () => ((await graph(sim, 'GET', `/groups/${ADMINS}/members`)).body.value as { id: string }[]).map((m) => m.id).sort();

describe('role-assignable groups', () => {
  it('when a group is seeded role-assignable, then Graph shows isAssignableToRole on it', async () => {
    const group = await graph(sim, 'GET', `/groups/${ADMINS}?$select=id,isAssignableToRole`);
    expect(group.body).toMatchObject({ id: ADMINS, isAssignableToRole: true });
    const plain = await graph(sim, 'GET', `/groups/${IDS.sales}?$select=id,isAssignableToRole`);
    expect(plain.body.isAssignableToRole).toBe(false);
  });

  it('when the app lacks RoleManagement.ReadWrite.Directory, then adding, binding or removing a member is 403 Authorization_RequestDenied and nothing changes', async () => {
    const added = await graph(sim, 'POST', `/groups/${ADMINS}/members/$ref`, ref(IDS.hedy));
    expect(added.status).toBe(403);
    expect(added.body.error).toMatchObject({ code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });
    const bound = await graph(sim, 'PATCH', `/groups/${ADMINS}`, { 'members@odata.bind': [ref(IDS.hedy)['@odata.id']] });
    expect(bound.status).toBe(403);
    const removed = await graph(sim, 'DELETE', `/groups/${ADMINS}/members/${IDS.marie}/$ref`);
    expect(removed.status).toBe(403);
    expect(await members()).toEqual([IDS.marie]);
  });

  it('when the simulator is told the app holds RoleManagement.ReadWrite.Directory, then members change as in any group', async () => {
    sim.setAppRoles(['User.ReadWrite.All', 'GroupMember.ReadWrite.All', 'RoleManagement.ReadWrite.Directory']);
    expect((await graph(sim, 'POST', `/groups/${ADMINS}/members/$ref`, ref(IDS.hedy))).status).toBe(204);
    expect((await graph(sim, 'DELETE', `/groups/${ADMINS}/members/${IDS.marie}/$ref`)).status).toBe(204);
    expect(await members()).toEqual([IDS.hedy]);
  });
});

describe('directory roles in memberOf', () => {
  const roles = async () => ((await graph(sim, 'GET', `/users/${IDS.breakglass}/memberOf`)).body.value as Record<string, unknown>[]).filter((m) => m['@odata.type'] === '#microsoft.graph.directoryRole');

  it('when the app may read roles (the default grant includes RoleManagement.Read.Directory), then a role comes with its name', async () => {
    expect(await roles()).toEqual([expect.objectContaining({ id: 'a2f1d6b4-5c3e-4f7a-9b8d-1e2f3a4b5c6d', displayName: 'Global Administrator' })]);
  });

  it('when the app holds no role-reading permission, then the role still comes back typed with its id, its other properties null', async () => {
    sim.setAppRoles(['User.ReadWrite.All', 'GroupMember.ReadWrite.All']);
    expect(await roles()).toEqual([{ '@odata.type': '#microsoft.graph.directoryRole', id: 'a2f1d6b4-5c3e-4f7a-9b8d-1e2f3a4b5c6d', displayName: null, description: null, roleTemplateId: null }]);
  });
});
