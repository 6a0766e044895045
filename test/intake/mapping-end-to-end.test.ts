import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { stepsOf, useTenantHost } from '../support/tenant';

const SAMPLES = path.resolve(__dirname, '../../reference/hr-samples');
// Two of Microsoft's sample workers have no country, and the rules give everyone a licence, which needs a usage location.
const t = useTenantHost({ env: { DEFAULT_USAGE_LOCATION: 'US' } });
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const scim = (...data: Record<string, unknown>[]) =>
  JSON.stringify({ schemas: [BULK], Operations: data.map((d, i) => ({ method: 'POST', bulkId: `e2e-${i}`, path: '/Users', data: d })) });

async function postAndWaitAll(body: string, contentType: string, query?: string): Promise<Record<string, unknown>[]> {
  const response = await t.host.postHr(body, { contentType, ...(query ? { query } : {}) });
  expect(response.status).toBe(202);
  const { events } = (await response.json()) as { events: { eventId: string }[] };
  return Promise.all(events.map((e) => t.host.waitForStatus(e.eventId)));
}

describe("Microsoft's inbound-provisioning samples through the local host", () => {
  const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.json') || f.endsWith('.csv'));

  it.each(files)('when %s is posted, then every event it makes ends succeeded', async (file) => {
    const body = readFileSync(path.join(SAMPLES, file), 'utf8');
    const statuses = await postAndWaitAll(body, file.endsWith('.csv') ? 'text/csv' : 'application/scim+json');
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.map((s) => [s.eventId, s.status])).toEqual(statuses.map((s) => [s.eventId, 'succeeded']));
  });

  it("when the records with only displayName 'Doe, Jane' and 'Duck, Donald' are provisioned, then their accounts carry the names taken from it", () => {
    expect(t.sim.userByEmployeeId('807609')[0]).toMatchObject({ userPrincipalName: 'jane.doe@contoso.com', givenName: 'Jane', surname: 'Doe' });
    expect(t.sim.userByEmployeeId('807600')[0]).toMatchObject({ userPrincipalName: 'donald.duck@contoso.com' });
  });
});

describe('Entra /bulkUpload semantics', () => {
  it('when SCIM sends active: true for a worker whose account is disabled, then the joiner enables it (Entra maps active to accountEnabled)', async () => {
    const worker = { externalId: 'BU1', name: { givenName: 'Abe', familyName: 'Active' }, active: true };
    await postAndWaitAll(scim(worker), 'application/scim+json');
    const [account] = t.sim.userByEmployeeId('BU1');
    await t.sim.graph('PATCH', `/users/${account!.id}`, { accountEnabled: false });
    const [status] = await postAndWaitAll(scim({ ...worker, title: 'Back' }), 'application/scim+json');
    expect(status).toMatchObject({ type: 'joiner', status: 'succeeded' });
    expect(stepsOf(status!)['enable-sign-in']).toMatchObject({ outcome: 'done' });
    expect(t.sim.userByEmployeeId('BU1')[0]).toMatchObject({ accountEnabled: true });
  });

  it('when the joiner for a disabled account does not say active, then the account stays disabled, as before', async () => {
    const worker = { externalId: 'BU2', name: { givenName: 'Nell', familyName: 'Neutral' } };
    await postAndWaitAll(scim(worker), 'application/scim+json');
    const [account] = t.sim.userByEmployeeId('BU2');
    await t.sim.graph('PATCH', `/users/${account!.id}`, { accountEnabled: false });
    const [status] = await postAndWaitAll(scim({ ...worker, title: 'Still away' }), 'application/scim+json');
    expect(status).toMatchObject({ status: 'succeeded' });
    expect(stepsOf(status!)['enable-sign-in']).toBeUndefined();
    expect(t.sim.userByEmployeeId('BU2')[0]).toMatchObject({ accountEnabled: false });
  });

  it('when SCIM sends an attribute as null, then it is cleared in Entra; attributes not sent are kept', async () => {
    const worker = { externalId: 'BU3', name: { givenName: 'Cleo', familyName: 'Clear' }, title: 'Engineer', userType: 'Employee', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D' } };
    await postAndWaitAll(scim(worker), 'application/scim+json');
    const [status] = await postAndWaitAll(scim({ externalId: 'BU3', name: { givenName: 'Cleo', familyName: 'Clear' }, title: null }), 'application/scim+json');
    expect(stepsOf(status!)['update-attributes']?.detail).toContain('jobTitle');
    const account = t.sim.userByEmployeeId('BU3')[0] as unknown as Record<string, unknown>;
    expect(account.jobTitle ?? null).toBeNull();
    expect(account).toMatchObject({ employeeType: 'Employee', department: 'R&D' });
  });

  it('when a nameless SCIM joiner cannot be given a UPN, then the dead letter names name.givenName, not our field', async () => {
    const [status] = await postAndWaitAll(scim({ externalId: 'BU4', title: 'Ghost' }), 'application/scim+json');
    expect(status).toMatchObject({ status: 'dead-lettered' });
    expect(JSON.stringify(status!.error)).toContain('name.givenName (employee.givenName)');
  });

  it('when a dry run is asked for, then each planned event shows the values the mapping made from its record', async () => {
    const response = await t.host.postHr(scim({ externalId: 'BU5', displayName: 'Lovelace, Ada', active: true }), { contentType: 'application/scim+json', query: '?dryRun=true' });
    expect(response.status).toBe(200);
    const { events } = (await response.json()) as { events: { mapped: Record<string, unknown> }[] };
    expect(events[0]!.mapped).toEqual({ employeeId: 'BU5', displayName: 'Lovelace, Ada', givenName: 'Ada', surname: 'Lovelace', accountEnabled: true });
    expect(t.sim.userByEmployeeId('BU5')).toHaveLength(0);
  });
});
