import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

/** The shipped rules, with leavers deleted at once (every removable group removed first) and rehires restoring from their leaver's snapshot. */
function rulesFile(): string {
  const rules = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'config', 'rules.json'), 'utf8')) as Record<string, unknown>;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'undo-rules-')), 'rules.json');
  writeFileSync(file, JSON.stringify({ ...rules, leaver: { removeGroups: 'all-removable', licenceGraceDays: 0, deleteAfterDays: 0 }, rehire: { restoreFromLeaverSnapshot: true } }));
  return file;
}

const t = useTenantHost({ env: { RULES_FILE: rulesFile() } });

const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({ employeeId, givenName: 'Gone', surname: `Back${employeeId}`, department: 'Engineering', country: 'GB', ...extra });
const DISABLED_PLAN = '33c4f319-9bdd-48d6-9c4d-410b750a4a5a';
const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
const skuId = (part: string) => t.sim.snapshot().subscribedSkus.find((s) => s.skuPartNumber === part)!.skuId;
const marie = () => t.sim.snapshot().users.find((u) => u.employeeId === 'M001')!;

/** A joiner with a manual group and a manual E5 (one plan off) beside what the rules give. */
async function joinerWithExtras(employeeId: string): Promise<string> {
  await postAndWait(t.host, hrEvent('joiner', worker(employeeId, { managerEmployeeId: 'M001' })));
  const id = t.sim.userByEmployeeId(employeeId)[0]!.id;
  const group = await t.sim.graph('POST', '/groups', { displayName: `Project ${employeeId}`, mailEnabled: false, mailNickname: `project${employeeId}`.toLowerCase(), securityEnabled: true });
  expect((await t.sim.graph('POST', `/groups/${(group.json as { id: string }).id}/members/$ref`, ref(id))).status).toBe(204);
  const assigned = await t.sim.graph('POST', `/users/${id}/assignLicense`, { addLicenses: [{ skuId: skuId('SPE_E5'), disabledPlans: [DISABLED_PLAN] }], removeLicenses: [] });
  expect(assigned.status).toBe(200);
  return id;
}

async function leaveAndDelete(employeeId: string, id: string): Promise<void> {
  const left = await postAndWait(t.host, hrEvent('leaver', worker(employeeId)));
  expect(stepsOf(left)['delete-account']).toMatchObject({ outcome: 'done' });
  expect(t.sim.snapshot().deletedUsers.some((u) => u.id === id)).toBe(true);
  expect(t.sim.groupsOf(id)).toEqual([]);
}

describe('undo and rehire after the account was deleted', () => {
  it('when a leaver deleted the account at once and is undone, then the account comes back from deleted items with everything it had', async () => {
    const id = await joinerWithExtras('UD100');
    await leaveAndDelete('UD100', id);

    const response = await fetch(`${t.host.url}/api/manage/workers/UD100/undo-leaver`, { method: 'POST' });
    expect(response.status).toBe(202);
    const status = await t.host.waitForStatus(((await response.json()) as { eventId: string }).eventId);
    expect(status.status).toBe('succeeded');
    expect(stepsOf(status)['restore-account']).toMatchObject({ outcome: 'done', detail: expect.stringContaining('restored') });

    const user = t.host.simulator!.state.users.get(id)!;
    expect(user).toMatchObject({ accountEnabled: true, managerId: marie().id });
    expect(t.sim.groupsOf(id)).toEqual(['Project UD100', 'SG-All-Staff', 'SG-Engineering']);
    expect(t.sim.skusOf(user)).toEqual(['SPE_E3', 'SPE_E5']);
    expect(user.assignedLicenses.find((l) => l.skuId === skuId('SPE_E5'))?.disabledPlans).toEqual([DISABLED_PLAN]);
  });

  it('when a rehire gets its deleted account back and the rules restore from the snapshot, then manual groups and licences come back beside what the rules now give', async () => {
    const id = await joinerWithExtras('UD200');
    await leaveAndDelete('UD200', id);

    const rehired = await postAndWait(t.host, hrEvent('rehire', worker('UD200', { department: 'Sales' })));
    expect(rehired.status).toBe('succeeded');
    const steps = stepsOf(rehired);
    expect(steps['restore-user']).toMatchObject({ outcome: 'done' });
    expect(steps['leaver-snapshot']).toMatchObject({ outcome: 'done' });
    expect(steps['restore-groups']?.detail).toBe('restored: Project UD200');
    // A restored account comes back whole ("you can fully restore the item": https://learn.microsoft.com/graph/api/directory-deleteditems-restore), its manager link with it.
    expect(steps['restore-manager']).toMatchObject({ outcome: 'already-done' });

    const user = t.host.simulator!.state.users.get(id)!;
    // The rules decide rule-managed groups (Sales now, not Engineering); the snapshot the rest.
    expect(t.sim.groupsOf(id)).toEqual(['Project UD200', 'SG-All-Staff', 'SG-Sales']);
    expect(t.sim.skusOf(user)).toEqual(['SPE_E3', 'SPE_E5']);
    expect(user.assignedLicenses.find((l) => l.skuId === skuId('SPE_E5'))?.disabledPlans).toEqual([DISABLED_PLAN]);
    expect(user.managerId).toBe(marie().id);
  });
});
