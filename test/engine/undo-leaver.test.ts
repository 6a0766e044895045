import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ObservedRequest } from '../../dev/graph-simulator';
import { GRAPH_ROUTE_PERMISSIONS } from '../../shared/graph/permissions';
import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

const observed: ObservedRequest[] = [];
const t = useTenantHost({ observeGraph: (r) => observed.push(r) });

const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({ employeeId, givenName: 'Undo', surname: `Me${employeeId}`, department: 'Engineering', country: 'GB', ...extra });
const DISABLED_PLAN = '7547a3fe-08ee-4ccb-b430-5077c5041653';
const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });

function userOf(employeeId: string) {
  const [user] = t.sim.userByEmployeeId(employeeId);
  if (!user) throw new Error(`no account for ${employeeId}`);
  return user;
}
const simUser = (id: string) => t.host.simulator!.state.users.get(id)!;
const skuId = (part: string) => t.sim.snapshot().subscribedSkus.find((s) => s.skuPartNumber === part)!.skuId;
const marie = () => t.sim.snapshot().users.find((u) => u.employeeId === 'M001')!;

async function newGroup(name: string, memberId: string): Promise<string> {
  const created = await t.sim.graph('POST', '/groups', { displayName: name, mailEnabled: false, mailNickname: name.replace(/\W/g, '').toLowerCase(), securityEnabled: true });
  const id = (created.json as { id: string }).id;
  expect((await t.sim.graph('POST', `/groups/${id}/members/$ref`, ref(memberId))).status).toBe(204);
  return id;
}

function undo(employeeId: string, query = ''): Promise<Response> {
  return fetch(`${t.host.url}/api/manage/workers/${encodeURIComponent(employeeId)}/undo-leaver${query}`, { method: 'POST' });
}

const writes = (from: number) => observed.slice(from).map((r) => r.route).filter((route) => !route.startsWith('GET ') && route !== 'POST /$batch');

describe('undo of a leaver', () => {
  let undoEventId = '';

  it('when an operator undoes a leaver, then the account is enabled with its groups, licences (disabled plans too), manager and reports back, and what could not be restored is named', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('UN100', { managerEmployeeId: 'M001' })));
    await postAndWait(t.host, hrEvent('joiner', worker('UN101', { managerEmployeeId: 'UN100' })));
    const leaver = userOf('UN100');
    await newGroup('Project Undo', leaver.id);
    const doomed = await newGroup('Project Gone', leaver.id);
    const assigned = await t.sim.graph('POST', `/users/${leaver.id}/assignLicense`, {
      addLicenses: [{ skuId: skuId('SPE_E3'), disabledPlans: [DISABLED_PLAN] }, { skuId: skuId('SPE_E5'), disabledPlans: [] }],
      removeLicenses: [],
    });
    expect(assigned.status).toBe(200);

    const left = await postAndWait(t.host, hrEvent('leaver', worker('UN100')), 'delete-account');
    expect(simUser(leaver.id)).toMatchObject({ accountEnabled: false, assignedLicenses: [] });
    expect(t.sim.groupsOf(leaver.id)).toEqual(['Project Gone', 'Project Undo']);
    // Meanwhile: the report moved to the leaver's manager (as the direct-reports option does), the
    // manager link dropped, a group deleted, and the last E5 given away.
    expect((await t.sim.graph('PUT', `/users/${userOf('UN101').id}/manager/$ref`, ref(marie().id))).status).toBe(204);
    expect((await t.sim.graph('DELETE', `/users/${leaver.id}/manager/$ref`)).status).toBe(204);
    t.host.simulator!.state.groups.delete(doomed);
    const e5 = t.host.simulator!.state.skus.get(skuId('SPE_E5'))!;
    e5.enabled = e5.consumedUnits;

    const from = observed.length;
    const response = await undo('UN100');
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { eventId: string; statusUrl: string; snapshotOf: string };
    expect(accepted).toMatchObject({ snapshotOf: left.eventId, statusUrl: expect.stringContaining(`/api/events/${accepted.eventId}`) });
    undoEventId = accepted.eventId;
    const status = await t.host.waitForStatus(accepted.eventId);
    expect(status).toMatchObject({ status: 'succeeded', type: 'rehire', userId: leaver.id });

    const after = simUser(leaver.id);
    expect(after).toMatchObject({ accountEnabled: true, managerId: marie().id });
    expect(after.employeeLeaveDateTime ?? null).toBeNull();
    expect(t.sim.groupsOf(leaver.id)).toEqual(['Project Undo', 'SG-All-Staff', 'SG-Engineering']);
    expect(after.assignedLicenses).toEqual([{ skuId: skuId('SPE_E3'), disabledPlans: [DISABLED_PLAN] }]);
    expect(simUser(userOf('UN101').id).managerId).toBe(leaver.id);

    const steps = stepsOf(status);
    expect(steps['restore-account']).toMatchObject({ outcome: 'already-done' });
    expect(steps['enable-sign-in']).toMatchObject({ outcome: 'done' });
    expect(steps['clear-leave-date']).toMatchObject({ outcome: 'done' });
    expect(steps['restore-groups']?.detail).toMatch(/restored: .*SG-All-Staff.*; not restored: Project Gone \(no longer exists\)/);
    expect(steps['restore-licences']?.detail).toMatch(/restored: SPE_E3 \(1 plan\(s\) off\); not restored: SPE_E5 \(no free units/);
    expect(steps['restore-manager']).toMatchObject({ outcome: 'done', detail: expect.stringContaining(marie().userPrincipalName) });
    expect(steps['restore-direct-reports']?.detail).toContain('reports to the worker again');
    expect(steps['restore-owned-groups']).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('not recorded when the worker left') });
    expect(steps['restore-devices']).toMatchObject({ outcome: 'skipped' });

    const unlisted = [...new Set(observed.slice(from).map((r) => r.route))].filter((route) => !GRAPH_ROUTE_PERMISSIONS[route]);
    expect(unlisted).toEqual([]);
  });

  it('when the undo is asked for again, then it is the same event and nothing changes', async () => {
    const from = observed.length;
    const again = await undo('UN100');
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ eventId: undoEventId, status: 'succeeded' });
    await t.host.bus.waitForIdle();
    expect(writes(from)).toEqual([]);
  });

  it("when the leaver's deletion comes due after an undo that left sign-in off (it was off before the leaver), then the account is kept", async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('UN200')));
    const account = userOf('UN200');
    expect((await t.sim.graph('PATCH', `/users/${account.id}`, { accountEnabled: false })).status).toBe(204);
    const left = await postAndWait(t.host, hrEvent('leaver', worker('UN200')), 'delete-account');
    const undone = await t.host.waitForStatus(((await (await undo('UN200')).json()) as { eventId: string }).eventId);
    // Sign-in stays as it was before the leaver: off.
    expect(stepsOf(undone)['disable-sign-in']).toMatchObject({ outcome: 'already-done' });
    expect(stepsOf(undone)['enable-sign-in']).toBeUndefined();

    // The deletion phase's scheduled copy, as the queue delivers it when due.
    const sessionId = `default:UN200`;
    const body = { eventId: left.eventId, type: 'leaver', tenantId: 'default', source: 'hr-json', occurredAt: left.occurredAt, employee: worker('UN200') };
    await t.host.bus.createSender(t.host.settings.PROCESSING_QUEUE_NAME).sendMessages({ messageId: `${String(left.eventId)}-due`, sessionId, body, applicationProperties: { phase: 'delete-account' } });
    await t.host.bus.waitForIdle();
    const status = (await (await fetch(`${t.host.url}/api/events/${String(left.eventId)}`)).json()) as Record<string, unknown>;
    expect(stepsOf(status)['delete-account']).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('the leaver was undone') });
    expect(t.sim.userByEmployeeId('UN200')).toHaveLength(1);
  });

  it('when the worker has no snapshot, the employeeId is unknown, or the tenant is, then 404 with the reason and nothing is queued', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('UN300')));
    for (const employeeId of ['UN300', 'NOBODY']) {
      const response = await undo(employeeId);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toContain(`no leaver snapshot of employee ${employeeId}`);
    }
    const elsewhere = await undo('UN100', '?tenant=nosuchtenant');
    expect(elsewhere.status).toBe(404);
    expect((await undo('UN100', '?tenants=default')).status).toBe(400);
    expect((await undo('UN100', '?tenant=default&tenant=default')).status).toBe(400);
    expect((await undo('X'.repeat(17))).status).toBe(400);
  });

  it('when a rehire finds a snapshot of its account and the rules do not restore from it, then its steps say one exists and how to restore it', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('UN400')));
    await postAndWait(t.host, hrEvent('leaver', worker('UN400')), 'delete-account');
    const rehired = await postAndWait(t.host, hrEvent('rehire', worker('UN400')));
    expect(rehired.status).toBe('succeeded');
    expect(stepsOf(rehired)['leaver-snapshot']).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('/api/manage/workers/UN400/undo-leaver') });
  });

  it('when the operator runs npm run undo-leaver, then the route is called and the event followed to its end', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('UN500')));
    await postAndWait(t.host, hrEvent('leaver', worker('UN500')), 'delete-account');
    const run = promisify(execFile);
    const cli = ['--import', 'tsx', path.join(__dirname, '..', '..', 'dev', 'undo-leaver.ts'), 'UN500'];
    const { stdout } = await run(process.execPath, cli, { env: { ...process.env, LOCAL_HOST_URL: t.host.url } });
    expect(stdout).toMatch(/^202/);
    expect(stdout).toContain('succeeded');
    expect(stdout).toContain('restore-groups');
    expect(simUser(userOf('UN500').id).accountEnabled).toBe(true);
  });
});
