import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stepsOf, useTenantHost } from '../support/tenant';

const t = useTenantHost();

const sample = (name: string) => readFileSync(path.resolve(__dirname, '../../reference/hr-samples', name), 'utf8');

async function accepted(response: Response): Promise<string[]> {
  expect(response.status).toBe(202);
  return ((await response.json()) as { events: { eventId: string }[] }).events.map((e) => e.eventId);
}

describe('HR formats end to end', () => {
  it("when Microsoft's SCIM bulk sample is posted, then each operation is one event: named workers are provisioned, one named only by displayName gets its names from it and, with no country and no DEFAULT_USAGE_LOCATION, stops at its licence", async () => {
    const ids = await accepted(await t.host.postHr(sample('Extended-SCIM-bulk-request-Core+Enterprise.json'), { contentType: 'application/scim+json' }));
    expect(ids).toHaveLength(3);
    const [barbara, jane] = await Promise.all(ids.map((id) => t.host.waitForStatus(id)));
    expect(barbara).toMatchObject({ status: 'succeeded' });
    expect(stepsOf(barbara!)['set-manager']?.outcome).toBe('pending');
    expect(t.sim.userByEmployeeId('701984')[0]).toMatchObject({ userPrincipalName: 'barbara.jensen@contoso.com', usageLocation: 'US' });
    expect(jane).toMatchObject({ status: 'dead-lettered' });
    expect(stepsOf(jane!)['create-user']?.detail).toContain('jane.doe@contoso.com');
    expect(JSON.stringify(jane!.error)).toContain('licences: UsageLocationMissing');
  });

  it("when Microsoft's CSV-to-SCIM sample is posted, then its custom extension's hire date and usage location reach the account", async () => {
    const ids = await accepted(await t.host.postHr(sample('Sample-CSV-2-SCIM-payload.json'), { contentType: 'application/scim+json' }));
    const statuses = await Promise.all(ids.map((id) => t.host.waitForStatus(id)));
    expect(statuses.map((s) => s.status)).toEqual(['succeeded', 'dead-lettered', 'dead-lettered']);
    const [barbara] = t.sim.userByEmployeeId('701984') as unknown as { employeeHireDate?: string; usageLocation?: string }[];
    expect(barbara?.employeeHireDate).toBeTruthy();
    expect(barbara?.usageLocation).toMatch(/^[A-Z]{2}$/);
  });

  it('when the CSV sample is posted, then the active worker joins with UK recorded as GB and the inactive one is a leaver with nothing to do', async () => {
    const ids = await accepted(await t.host.postHr(sample('csv-with-2-records.csv'), { contentType: 'text/csv' }));
    const [talya, ginnie] = await Promise.all(ids.map((id) => t.host.waitForStatus(id)));
    expect(talya).toMatchObject({ type: 'leaver', status: 'succeeded' });
    expect(stepsOf(talya!)['already-gone']?.outcome).toBe('already-done');
    expect(ginnie).toMatchObject({ type: 'joiner', status: 'succeeded' });
    expect(t.sim.userByEmployeeId('1513')[0]).toMatchObject({ userPrincipalName: 'ginnie.fadiman@contoso.com', usageLocation: 'GB', department: 'Product Engineering' });
  });

  it('when a CSV row lacks its WorkerID, then 400 names the row and the column and nothing is queued', async () => {
    const csv = 'WorkerID,WorkerStatus,FirstName,LastName\nT900,Active,Ok,Row\n,Active,No,Id\n';
    const response = await t.host.postHr(csv, { contentType: 'text/csv' });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { issues: { record?: number; field: string }[] };
    expect(problem.issues).toEqual([expect.objectContaining({ record: 1, field: 'WorkerID' })]);
    await t.host.bus.waitForIdle();
    expect(t.sim.userByEmployeeId('T900')).toHaveLength(0);
  });

  it('when a ticketing tool drops an onboard request on the ticket queue, then the worker is provisioned under the ticket id', async () => {
    const sender = t.host.bus.createSender(t.host.settings.TICKET_QUEUE_NAME);
    await sender.sendMessages({
      messageId: 'INC0012345',
      contentType: 'application/json',
      body: { requestId: 'INC0012345', action: 'onboard', employee: { employeeId: 'T100', givenName: 'Tick', surname: 'Et', department: 'Sales', country: 'DE' } },
    });
    const status = await t.host.waitForStatus('ticket-INC0012345');
    expect(status).toMatchObject({ type: 'joiner', status: 'succeeded' });
    expect(t.sim.userByEmployeeId('T100')[0]).toMatchObject({ userPrincipalName: 'tick.et@contoso.com', usageLocation: 'DE' });
  });

  it('when a ticket request is invalid, then it is dead-lettered on the ticket queue naming the fields', async () => {
    await t.host.bus.createSender(t.host.settings.TICKET_QUEUE_NAME).sendMessages({ messageId: 'BAD-1', body: { requestId: 'BAD-1', action: 'onboard', employee: {} } });
    await t.host.bus.waitForIdle();
    const letter = t.host.bus.peekDeadLetters(t.host.settings.TICKET_QUEUE_NAME).find((m) => m.messageId === 'BAD-1');
    expect(letter?.deadLetterReason).toBe('InvalidTicketRequest');
    expect(letter?.deadLetterErrorDescription).toContain('employee.employeeId');
  });
});
