import { TableClient } from '@azure/data-tables';
import { startBambooHrSimulator, type RunningBambooHrSimulator } from '../../dev/hr-simulators/bamboohr';
import { tenant } from '../support/tenant';
import { startTestHost, type TestHost } from '../support/test-host';
import { answerOf, devTls, eventually, fetchLog, settled, tempJson } from './support';

/**
 * BambooHR → the connector → the Graph simulator, over HTTPS and the local queue: the simulator
 * hires, changes, terminates and deletes employees and sends the signed notices BambooHR sends;
 * the app fetches each employee from the simulated API and provisions them.
 */

const PRIVATE_KEY = 'bamboohr-webhook-private-key-0123456789abcdef';
const API_KEY = 'bamboohr-api-key-fedcba9876543210fedcba9876543210';

let bamboo: RunningBambooHrSimulator;
let host: TestHost;
let sim: ReturnType<typeof tenant>;
let connectors: ReturnType<typeof tempJson>;

beforeAll(async () => {
  bamboo = await startBambooHrSimulator({ tls: devTls(), companyDomain: 'contoso', apiKey: API_KEY });
  connectors = tempJson('connectors.json', {
    bamboohr: { companyDomain: 'contoso', webhookSecretSetting: 'BAMBOOHR_PRIVATE_KEY_TEST', apiKeySetting: 'BAMBOOHR_API_KEY_TEST', apiBaseUrl: bamboo.url },
  });
  host = await startTestHost({ env: { HR_CONNECTORS_FILE: connectors.file, BAMBOOHR_PRIVATE_KEY_TEST: PRIVATE_KEY, BAMBOOHR_API_KEY_TEST: API_KEY } });
  sim = tenant(host);
  bamboo.setWebhook({ url: `${host.url}/api/hr/connectors/bamboohr`, privateKey: PRIVATE_KEY });
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await bamboo?.close();
  connectors?.cleanup();
});

afterEach(() => {
  bamboo.setFaults([]);
  bamboo.setApiKey(API_KEY);
});

const person = (first: string, last: string, extra: Record<string, string> = {}) => ({ firstName: first, lastName: last, department: 'Engineering', jobTitle: 'Engineer', country: 'United Kingdom', hireDate: '2026-01-05', mobilePhone: '+44 7700 900123', ...extra });
const today = () => new Date().toISOString().slice(0, 10);
/**
 * A leaver's first phase, done: sign-in off and the leave date set (a later step than the disabling,
 * so waiting for sign-in alone races it). Its deletion stays scheduled, so the event stays queued.
 */
const disabled = (id: string) => eventually(() => {
  const [user] = sim.userByEmployeeId(id);
  return user?.accountEnabled === false && user.employeeLeaveDateTime ? user : undefined;
});
const fetchesOf = (id: string) => bamboo.requests.filter((r) => r.authorized && r.path.endsWith(`/employees/${id}/`));

describe('BambooHR connector', () => {
  it('when an employee is hired in BambooHR, then its employee.created and employee.updated notices give the worker one account, with the record fetched from the API and the supervisor as manager', async () => {
    const boss = await bamboo.hire(person('Grace', 'Brewster', { jobTitle: 'Head of Engineering' }));
    await settled(host, boss.deliveries);
    const hire = await bamboo.hire(person('Ada', 'Byron', { supervisorEId: boss.id }));
    expect(hire.deliveries.map((d) => d.status)).toEqual([202, 202]);
    const statuses = await settled(host, hire.deliveries);
    expect(statuses.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
    expect(statuses.map((s) => s.type)).toEqual(['joiner', 'mover']);

    const [user] = sim.userByEmployeeId(hire.id);
    expect(sim.userByEmployeeId(hire.id)).toHaveLength(1);
    expect(user).toMatchObject({ userPrincipalName: 'ada.byron@contoso.com', department: 'Engineering', usageLocation: 'GB', accountEnabled: true });
    expect(user!.managerId).toBe(sim.userByEmployeeId(boss.id)[0]!.id);
    expect(sim.groupsOf(user!.id)).toEqual(['SG-All-Staff', 'SG-Engineering']);
    // Fetched as BambooHR asks: Basic with the API key, JSON asked for, the mapping's fields named.
    const fetch = fetchesOf(hire.id)[0]!;
    expect(fetch.accept).toBe('application/json');
    expect(new URLSearchParams(fetch.query).get('fields')?.split(',')).toEqual(expect.arrayContaining(['firstName', 'lastName', 'department', 'supervisorEId', 'status', 'terminationDate']));
  }, 60_000);

  it('when an employee moves department in BambooHR, then the notice changes the account and its rule-based groups', async () => {
    const hire = await bamboo.hire(person('Alan', 'Mathison'));
    await settled(host, hire.deliveries);
    const moved = await bamboo.update(hire.id, { department: 'Sales', jobTitle: 'Account Manager' });
    const [status] = await settled(host, [moved]);
    expect(status).toMatchObject({ type: 'mover', status: 'succeeded' });
    const [user] = sim.userByEmployeeId(hire.id);
    expect(user).toMatchObject({ department: 'Sales' });
    expect(sim.groupsOf(user!.id)).toEqual(['SG-All-Staff', 'SG-Sales']);
  }, 60_000);

  it('when an employee is terminated in BambooHR (status Inactive), then the update notice makes a leaver and the account is disabled', async () => {
    const hire = await bamboo.hire(person('Joan', 'Clarke'));
    await settled(host, hire.deliveries);
    const terminated = await bamboo.terminate(hire.id, today());
    const user = await disabled(hire.id);
    expect(user.employeeLeaveDateTime).toMatch(new RegExp(`^${today()}T00:00:00`));
    const [change] = answerOf(terminated).events;
    expect(await (await fetch(`${host.url}/api/events/${change!.eventId}`)).json()).toMatchObject({ type: 'leaver' });
  }, 60_000);

  it('when an employee is deleted from BambooHR, then the employee.deleted notice — whose record the API no longer has — is a leaver for the worker they were', async () => {
    const hire = await bamboo.hire(person('Mary', 'Somerville'));
    await settled(host, hire.deliveries);
    const deleted = await bamboo.remove(hire.id);
    await disabled(hire.id);
    const [change] = answerOf(deleted).events;
    expect(await (await fetch(`${host.url}/api/events/${change!.eventId}`)).json()).toMatchObject({ type: 'leaver' });
    expect(fetchLog(host).find((l) => l.eventId === change!.eventId)).toMatchObject({ status: 'accepted', detail: `leaver for employee ${hire.id}` });
  }, 60_000);

  it('when a notice names an employee BambooHR no longer has, then it is recorded as gone — no event, no retry, no dead letter', async () => {
    const id = bamboo.seed(person('Vanished', 'Person'));
    // Deleted between the change and its fetch: the notice arrives for a record that is gone.
    bamboo.discard(id);
    const notice = await bamboo.emit('employee.updated', id, { changedFields: ['department'] });
    const [change] = answerOf(notice).events;
    const line = await eventually(() => fetchLog(host).find((l) => l.eventId === change!.eventId));
    expect(line).toMatchObject({ settled: 'completed', status: 'gone' });
    await host.bus.waitForIdle();
    expect(fetchesOf(id)).toHaveLength(1);
    expect((await fetch(`${host.url}/api/events/${change!.eventId}`)).status).toBe(404);
    expect(host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).filter((m) => String(m.messageId).includes(change!.eventId))).toEqual([]);
  }, 60_000);

  // Rate limiting answers 429 with Retry-After since 2026-09-16, 503 when the API is unavailable
  // (https://documentation.bamboohr.com/docs/planned-changes-to-the-api, …/docs/api-details).
  it('when the BambooHR API answers 429 (rate limited) and then 503, each with Retry-After, then the fetch is retried with backoff and the worker is provisioned once it answers', async () => {
    bamboo.setFaults([{ status: 429, times: 1, retryAfterSeconds: 1 }, { status: 503, times: 1, retryAfterSeconds: 1 }]);
    const id = bamboo.seed(person('Retry', 'Later'));
    const notice = await bamboo.emit('employee.created', id);
    // Two backoffs of a Graph step's policy (up to 5 s, then 10 s): waited for, not raced.
    const [status] = await settled(host, [notice], 50_000);
    expect(status).toMatchObject({ type: 'joiner', status: 'succeeded' });
    expect(sim.userByEmployeeId(id)).toHaveLength(1);
    expect(fetchesOf(id)).toHaveLength(3);
    const lines = fetchLog(host).filter((l) => l.eventId === answerOf(notice).events[0]!.eventId);
    expect(lines.map((l) => l.settled)).toEqual(['scheduled-retry', 'scheduled-retry', 'completed']);
    expect(lines.map((l) => l.detail).slice(0, 2)).toEqual(['BambooHR answered 429', 'BambooHR answered 503']);
  }, 90_000);

  it('when a notice is posted for a tenant that does not exist, or to a connector that does not exist, then it is refused with 404 and nothing is queued', async () => {
    const id = bamboo.seed(person('Nowhere', 'Posted'));
    bamboo.setWebhook({ url: `${host.url}/api/hr/tenants/no-such-tenant/connectors/bamboohr`, privateKey: PRIVATE_KEY });
    const unknownTenant = await bamboo.emit('employee.created', id);
    bamboo.setWebhook({ url: `${host.url}/api/hr/connectors/workday`, privateKey: PRIVATE_KEY });
    const unknownConnector = await bamboo.emit('employee.created', id);
    bamboo.setWebhook({ url: `${host.url}/api/hr/connectors/bamboohr`, privateKey: PRIVATE_KEY });
    expect([unknownTenant.status, unknownConnector.status]).toEqual([404, 404]);
    expect(JSON.parse(unknownConnector.response)).toMatchObject({ error: expect.stringContaining('the connectors are bamboohr, hibob') });
    await host.bus.waitForIdle();
    expect(fetchesOf(id)).toEqual([]);
  });

  it('when BambooHR delivers the same notice again (its retry), then it is one event and one fetch', async () => {
    const id = bamboo.seed(person('Twice', 'Sent'));
    const first = await bamboo.emit('employee.created', id);
    await settled(host, [first]);
    const again = await bamboo.redeliver(first);
    expect(answerOf(again)).toMatchObject({ received: 1, queued: 0, repeated: 1 });
    expect(answerOf(again).events[0]!.eventId).toBe(answerOf(first).events[0]!.eventId);
    await host.bus.waitForIdle();
    expect(fetchesOf(id)).toHaveLength(1);
    expect(sim.userByEmployeeId(id)).toHaveLength(1);
  }, 60_000);

  it('when a notice is signed with another key, or was signed more than five minutes ago (a replay), then it is refused with 401 and nothing is queued', async () => {
    const id = bamboo.seed(person('Forged', 'Notice'));
    const forged = await bamboo.emit('employee.created', id, { privateKey: 'someone-elses-private-key-0123456789' });
    const stale = await bamboo.emit('employee.created', id, { signedAt: new Date(Date.now() - 6 * 60_000) });
    expect([forged.status, stale.status]).toEqual([401, 401]);
    expect([forged.response, stale.response]).toEqual(['', '']);
    await host.bus.waitForIdle();
    expect(bamboo.requests.filter((r) => r.path.endsWith(`/employees/${id}/`))).toEqual([]);
    expect(sim.userByEmployeeId(id)).toEqual([]);
    expect(host.logs.some((l) => l.includes('rejected bamboohr notice for tenant default') && l.includes('more than 300 s from now'))).toBe(true);
  });

  it('when the API key is revoked, then the fetch is dead-lettered naming the app setting to fix — and no key, signature or value from a record (a phone number that every test employee has) is in the logs, the ledger or the dead letters', async () => {
    bamboo.setApiKey('a-new-key-the-app-does-not-have-00000000');
    const id = bamboo.seed(person('Locked', 'Out'));
    const notice = await bamboo.emit('employee.created', id);
    const [change] = answerOf(notice).events;
    const letter = await eventually(() => host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).find((m) => (m.body as { eventId?: string }).eventId === change!.eventId));
    expect(letter.deadLetterReason).toBe('hr-fetch: Unauthorized');
    expect(letter.deadLetterErrorDescription).toContain('app setting BAMBOOHR_API_KEY_TEST');

    const storage = process.env.TEST_STORAGE_CONNECTION_STRING as string;
    const rows = async (table: string) => {
      const client = TableClient.fromConnectionString(storage, table, { allowInsecureConnection: true });
      const found: unknown[] = [];
      for await (const row of client.listEntities()) found.push(row);
      return found;
    };
    const letters = host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).map((m) => ({ reason: m.deadLetterReason, description: m.deadLetterErrorDescription, body: m.body, properties: m.applicationProperties }));
    const everything = JSON.stringify({ logs: host.logs, letters, ledger: await rows(host.settings.LEDGER_TABLE_NAME), changes: await rows(`${host.settings.LEDGER_TABLE_NAME}Connectors`) });
    const basic = (key: string) => Buffer.from(`${key}:x`).toString('base64');
    for (const secret of [API_KEY, PRIVATE_KEY, basic(API_KEY), '+44 7700 900123']) expect(everything).not.toContain(secret);
    expect(everything).toContain(change!.eventId);
  }, 60_000);
});
