import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GroupRecord } from '../../dev/graph-simulator';
import { graphAppRolesFor } from '../../shared/graph/permissions';
import { startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait, stepsOf, tenant } from '../support/tenant';

const ADMINS = '99999999-9999-4999-8999-999999999999';
const GLOBAL_ADMIN_ROLE = 'a2f1d6b4-5c3e-4f7a-9b8d-1e2f3a4b5c6d';

/** A role-assignable group, seeded as an admin would have made it (only they can create one). */
function seedAdminsGroup(host: TestHost, memberIds: string[] = []): void {
  const group: GroupRecord = {
    id: ADMINS, displayName: 'RG-Helpdesk-Admins', mailEnabled: false, securityEnabled: true, groupTypes: [],
    membershipRule: null, onPremisesSyncEnabled: null, isAssignableToRole: true, memberIds,
  };
  host.simulator!.state.groups.set(ADMINS, group);
}

function membersOfAdmins(host: TestHost): string[] {
  return [...host.simulator!.state.groups.get(ADMINS)!.memberIds];
}

/** Group member writes Graph was asked for (single adds, bound adds, removals). */
function memberWrites(host: TestHost): number {
  const byRoute = host.simulator!.stats().byRoute;
  return ['POST /groups/{id}/members/$ref', 'PATCH /groups/{id}', 'DELETE /groups/{id}/members/{memberId}/$ref'].reduce((n, r) => n + (byRoute[r] ?? 0), 0);
}

async function ticket(host: TestHost, requestId: string, employeeId: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  await host.bus.createSender(host.settings.TICKET_QUEUE_NAME).sendMessages({ messageId: requestId, body: { requestId, employee: { employeeId }, ...body } });
  return host.waitForStatus(`ticket-${requestId}`);
}

const worker = (employeeId: string) => ({ employeeId, givenName: 'Role', surname: `Group${employeeId}`, department: 'Sales', country: 'GB' });

describe('role-assignable groups, by default', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
    seedAdminsGroup(host);
    await postAndWait(host, hrEvent('joiner', worker('RA100')));
  }, 60_000);
  afterAll(() => host?.stop());

  it('when a ticket adds a worker to a role-assignable group, then the step names the group and why, and Graph is never asked to change it', async () => {
    const before = memberWrites(host);
    const status = await ticket(host, 'RA-ADD-1', 'RA100', { action: 'add-group', group: 'RG-Helpdesk-Admins' });
    expect(status.status).toBe('succeeded');
    const detail = stepsOf(status)['groups']?.detail ?? '';
    expect(detail).toContain('RG-Helpdesk-Admins');
    expect(detail).toMatch(/role-assignable/);
    expect(detail).toMatch(/RoleManagement\.ReadWrite\.Directory/);
    expect(membersOfAdmins(host)).toEqual([]);
    expect(memberWrites(host)).toBe(before);
  });

  it('when a ticket removes a worker from a role-assignable group, then the membership stays and the step says so', async () => {
    const [user] = tenant(host).userByEmployeeId('RA100');
    seedAdminsGroup(host, [user!.id]);
    const before = memberWrites(host);
    const status = await ticket(host, 'RA-REMOVE-1', 'RA100', { action: 'remove-group', group: 'RG-Helpdesk-Admins' });
    expect(status.status).toBe('succeeded');
    expect(stepsOf(status)['groups']?.detail).toMatch(/RG-Helpdesk-Admins \(role-assignable/);
    expect(membersOfAdmins(host)).toEqual([user!.id]);
    expect(memberWrites(host)).toBe(before);
  });

  it('when a directory role holder leaves and the app holds no role-reading permission, then nothing changes and the dead letter names the role by id', async () => {
    await postAndWait(host, hrEvent('joiner', worker('RA200')));
    const [user] = tenant(host).userByEmployeeId('RA200');
    host.simulator!.state.users.get(user!.id)!.directoryRoleIds.push(GLOBAL_ADMIN_ROLE);
    const left = await postAndWait(host, hrEvent('leaver', worker('RA200')));
    expect(left.status).toBe('dead-lettered');
    expect(tenant(host).userByEmployeeId('RA200')[0]?.accountEnabled).toBe(true);
    const letter = host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).find((m) => (m.body as { employee: { employeeId: string } }).employee.employeeId === 'RA200');
    expect(letter?.deadLetterReason).toBe('check-protection: ProtectedAccount');
    expect(letter?.deadLetterErrorDescription).toContain(GLOBAL_ADMIN_ROLE);
  });
});

describe('role-assignable groups, when the rules opt in', () => {
  let host: TestHost;
  beforeAll(async () => {
    const rules = { ...JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'config', 'rules.json'), 'utf8')), roleAssignableGroups: 'manage' };
    const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'rules-')), 'rules.json');
    writeFileSync(rulesFile, JSON.stringify(rules));
    host = await startTestHost({ env: { RULES_FILE: rulesFile } });
    seedAdminsGroup(host);
    await postAndWait(host, hrEvent('joiner', worker('RA300')));
  }, 60_000);
  afterAll(() => host?.stop());

  it('when the permission was not granted, then Graph refuses and the event is dead-lettered saying which permission is missing, the group untouched', async () => {
    const status = await ticket(host, 'RA-ADD-2', 'RA300', { action: 'add-group', group: 'RG-Helpdesk-Admins' });
    expect(status.status).toBe('dead-lettered');
    expect(JSON.stringify(status.error)).toMatch(/Authorization_RequestDenied/);
    expect(membersOfAdmins(host)).toEqual([]);
  });

  it('when RoleManagement.ReadWrite.Directory is granted (ROLE_ASSIGNABLE_GROUPS=manage), then the worker is added', async () => {
    host.simulator!.setAppRoles(graphAppRolesFor({ ROLE_ASSIGNABLE_GROUPS: 'manage' }));
    const status = await ticket(host, 'RA-ADD-3', 'RA300', { action: 'add-group', group: 'RG-Helpdesk-Admins' });
    expect(status.status).toBe('succeeded');
    expect(stepsOf(status)['groups']).toMatchObject({ outcome: 'done', detail: 'add RG-Helpdesk-Admins' });
    expect(membersOfAdmins(host)).toEqual([tenant(host).userByEmployeeId('RA300')[0]!.id]);
  });
});
