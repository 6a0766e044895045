import path from 'node:path';
import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import { startHiBobSimulator, type RunningHiBobSimulator } from '../../dev/hr-simulators/hibob';
import { startSimulator } from '../graph-simulator/harness';
import { startTestHost, type TestHost } from '../support/test-host';
import { answerOf, devTls, eventually, fetchLog, settled, tempJson } from './support';

/**
 * HiBob → the connector of a customer tenant (`/api/hr/tenants/fabrikam/connectors/hibob`) → that
 * tenant's own simulated Graph: Bob's webhooks v2 name the employee, the app reads them from the
 * simulated People API as a service user, and provisions the tenant.
 */

const WEBHOOK_SECRET = 'hibob-webhook-secret-0123456789abcdef';
const SERVICE_USER = { id: 'SERVICE-USER-7', token: 'hibob-service-user-token-0123456789abcdef' };
const FABRIKAM_HR_SECRET = 'fabrikam-hr-secret-0123456789abcdef-x';

let bob: RunningHiBobSimulator;
let graph: RunningGraphSimulator;
let host: TestHost;
let tenants: ReturnType<typeof tempJson>;

const usersOf = (employeeId: string) => (graph.snapshot().users as { id: string; employeeId?: string; department?: string; accountEnabled?: boolean; managerId?: string; userPrincipalName: string }[]).filter((u) => u.employeeId === employeeId);

beforeAll(async () => {
  [bob, graph] = await Promise.all([startHiBobSimulator({ tls: devTls(), serviceUserId: SERVICE_USER.id, serviceUserToken: SERVICE_USER.token }), startSimulator()]);
  graph.state.verifiedDomains.push('fabrikam.example');
  tenants = tempJson('fabrikam.json', {
    key: 'fabrikam',
    displayName: 'Fabrikam Ltd',
    directoryTenantId: '00000000-0000-4000-8000-000000000001',
    hrWebhookSecretSetting: 'HR_SECRET_FABRIKAM',
    upnDomain: 'fabrikam.example',
    rules: { groupRules: [{ groups: ['SG-All-Staff'] }, { when: { department: 'Sales' }, groups: ['SG-Sales'] }], licenceRules: [{ licences: [{ sku: 'SPE_E3' }] }] },
    graphBaseUrl: graph.url,
    connectors: { hibob: { webhookSecretSetting: 'FABRIKAM_BOB_WEBHOOK_SECRET', serviceUserId: SERVICE_USER.id, serviceUserTokenSetting: 'FABRIKAM_BOB_TOKEN', apiBaseUrl: bob.url } },
  });
  host = await startTestHost({
    env: { TENANTS_SOURCE: 'folder', TENANTS_DIR: path.dirname(tenants.file), HR_SECRET_FABRIKAM: FABRIKAM_HR_SECRET, FABRIKAM_BOB_WEBHOOK_SECRET: WEBHOOK_SECRET, FABRIKAM_BOB_TOKEN: SERVICE_USER.token },
  });
  bob.setWebhook({ url: `${host.url}/api/hr/tenants/fabrikam/connectors/hibob`, secret: WEBHOOK_SECRET });
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await Promise.all([bob?.close(), graph?.close()]);
  tenants?.cleanup();
});

afterEach(() => bob.setFaults([]));

let number = 1000;
const person = (firstName: string, surname: string, work: Record<string, unknown> = {}) => ({
  firstName,
  surname,
  email: `${firstName.toLowerCase()}@fabrikam.example`,
  work: { department: 'Engineering', title: 'Engineer', site: 'London', startDate: '2026-01-05', employeeIdInCompany: number++, ...work },
  address: { country: 'United Kingdom' },
});
const employeeIdOf = (id: string) => String(bob.employees.get(id)!.work.employeeIdInCompany);

describe('HiBob connector (customer tenant)', () => {
  it('when an employee is created in Bob, then the notice gives them an account in their tenant, named from the API record, its department the list item name, its manager by their employee ID', async () => {
    const manager = await bob.hire(person('Hedy', 'Kiesler', { title: 'Head of Engineering' }));
    await settled(host, [manager.delivery]);
    const hire = await bob.hire(person('Katherine', 'Coleman', { reportsTo: manager.id }));
    const [status] = await settled(host, [hire.delivery]);
    expect(status).toMatchObject({ type: 'joiner', status: 'succeeded', tenantId: 'fabrikam' });
    expect(String(status!.eventId)).toMatch(/^fabrikam:hibob-[0-9a-f]{32}$/);
    const [user] = usersOf(employeeIdOf(hire.id));
    expect(user).toMatchObject({ userPrincipalName: 'katherine.coleman@fabrikam.example', department: 'Engineering', accountEnabled: true });
    expect(user!.managerId).toBe(usersOf(employeeIdOf(manager.id))[0]!.id);
    // Read as Bob's documentation shows: POST, Basic as the service user, named fields, names appended.
    const read = bob.requests.find((r) => r.authorized && r.path === `/v1/people/${hire.id}`)!;
    expect(read.method).toBe('POST');
    expect(JSON.parse(read.body!)).toMatchObject({ humanReadable: 'APPEND', fields: expect.arrayContaining(['root.firstName', 'work.department', 'work.employeeIdInCompany', 'work.reportsTo']) });
  }, 60_000);

  it('when an employee moves department in Bob, then the notice changes the account and its groups', async () => {
    const hire = await bob.hire(person('Mae', 'Jemison'));
    await settled(host, [hire.delivery]);
    const [status] = await settled(host, [await bob.update(hire.id, { work: { department: 'Sales' } })]);
    expect(status).toMatchObject({ type: 'mover', status: 'succeeded' });
    expect(usersOf(employeeIdOf(hire.id))[0]).toMatchObject({ department: 'Sales' });
  }, 60_000);

  it('when an employee is terminated in Bob (employee.left), then they are a leaver and the account is disabled', async () => {
    const hire = await bob.hire(person('Valerie', 'Thomas'));
    await settled(host, [hire.delivery]);
    const left = await bob.terminate(hire.id, new Date().toISOString().slice(0, 10));
    expect(left.status).toBe(202);
    await eventually(() => (usersOf(employeeIdOf(hire.id))[0]?.accountEnabled === false ? true : undefined));
  }, 60_000);

  it('when an employee is deleted in Bob, then the employee.deleted notice — the record gone, Bob\'s id too long to be an employeeId — is a leaver for the worker the connector mapped them to', async () => {
    const hire = await bob.hire(person('Radia', 'Perlman'));
    await settled(host, [hire.delivery]);
    const employeeId = employeeIdOf(hire.id);
    const deleted = await bob.remove(hire.id);
    await eventually(() => (usersOf(employeeId)[0]?.accountEnabled === false ? true : undefined));
    expect(fetchLog(host).find((l) => l.eventId === answerOf(deleted).events[0]!.eventId)).toMatchObject({ status: 'accepted', detail: `leaver for employee ${employeeId}` });
  }, 60_000);

  it('when an employee the connector never saw is deleted in Bob, then it is recorded that no worker is known — no event, no dead letter', async () => {
    const id = bob.seed(person('Never', 'Seen'));
    const deleted = await bob.remove(id);
    const [change] = answerOf(deleted).events;
    expect(await eventually(() => fetchLog(host).find((l) => l.eventId === change!.eventId))).toMatchObject({ settled: 'completed', status: 'no-worker' });
    expect((await fetch(`${host.url}/api/events/${encodeURIComponent(change!.eventId)}`)).status).toBe(404);
  }, 60_000);

  it('when Bob tests the webhook with "Ping test", then it is answered 200 and nothing is queued', async () => {
    const ping = await bob.ping();
    expect(ping.status).toBe(200);
    expect(JSON.parse(ping.response)).toEqual({ ping: true });
  });

  it('when the People API fails with 500 and then answers, then the fetch is retried and the worker provisioned', async () => {
    bob.setFaults([{ status: 500, times: 1 }]);
    const hire = await bob.hire(person('Frances', 'Allen'));
    const [status] = await settled(host, [hire.delivery]);
    expect(status).toMatchObject({ type: 'joiner', status: 'succeeded' });
    expect(fetchLog(host).filter((l) => l.eventId === answerOf(hire.delivery).events[0]!.eventId).map((l) => l.settled)).toEqual(['scheduled-retry', 'completed']);
    expect(usersOf(employeeIdOf(hire.id))).toHaveLength(1);
  }, 60_000);

  it('when a notice is signed with another secret, or posted to the home tenant which has no HiBob connector, then nothing is queued', async () => {
    const id = bob.seed(person('Forged', 'Notice'));
    const forged = await bob.emit('employee.created', id, { secret: 'not-the-webhook-secret-0123456789' });
    expect(forged.status).toBe(401);
    const home = await fetch(`${host.url}/api/hr/connectors/hibob`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(home.status).toBe(404);
    await host.bus.waitForIdle();
    expect(bob.requests.filter((r) => r.path === `/v1/people/${id}`)).toEqual([]);
  });
});
