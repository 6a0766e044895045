import { startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait, stepsOf, tenant } from '../support/tenant';

let host: TestHost;
let sim: ReturnType<typeof tenant>;

beforeAll(async () => {
  host = await startTestHost();
  sim = tenant(host);
  await postAndWait(host, hrEvent('joiner', { employeeId: 'A100', givenName: 'Access', surname: 'Ticket', department: 'Sales', country: 'GB' }));
}, 60_000);
afterAll(() => host?.stop());

async function ticket(requestId: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  await host.bus.createSender(host.settings.TICKET_QUEUE_NAME).sendMessages({ messageId: requestId, body: { requestId, employee: { employeeId: 'A100' }, ...body } });
  return host.waitForStatus(`ticket-${requestId}`);
}

describe('access tickets', () => {
  it('when a ticket adds a group, then the worker becomes a member; the same ticket again changes nothing', async () => {
    const [user] = sim.userByEmployeeId('A100');
    const added = await ticket('RITM001', { action: 'add-group', group: 'SG-Engineering' });
    expect(added).toMatchObject({ type: 'access', status: 'succeeded' });
    expect(sim.groupsOf(user!.id)).toEqual(['SG-All-Staff', 'SG-Engineering', 'SG-Sales']);

    const again = await ticket('RITM001b', { action: 'add-group', group: 'SG-Engineering' });
    expect(stepsOf(again)['groups']?.outcome).toBe('already-done');
  });

  it('when a ticket removes a group the worker is not in, then it counts as done', async () => {
    const removed = await ticket('RITM002', { action: 'remove-group', group: 'SG-Contractors' });
    expect(removed.status).toBe('succeeded');
    expect(stepsOf(removed)['groups']?.outcome).toBe('already-done');
  });

  it('when a ticket assigns and then removes a licence, then the worker holds it and then does not', async () => {
    await ticket('RITM003', { action: 'assign-licence', sku: 'SPE_E5' });
    expect(sim.skusOf(sim.userByEmployeeId('A100')[0]!)).toEqual(['SPE_E3', 'SPE_E5']);
    await ticket('RITM004', { action: 'remove-licence', sku: 'SPE_E3' });
    expect(sim.skusOf(sim.userByEmployeeId('A100')[0]!)).toEqual(['SPE_E5']);
  });

  it('when a ticket names a group that does not exist, then it is dead-lettered saying which', async () => {
    const status = await ticket('RITM005', { action: 'add-group', group: 'SG-Nope' });
    expect(status).toMatchObject({ status: 'dead-lettered', error: { code: 'groups: GroupNotFound' } });
    expect(JSON.stringify(status.error)).toContain('SG-Nope');
  });

  it('when a password reset is asked for and no credential channel is configured, then it is dead-lettered saying how to configure one', async () => {
    const status = await ticket('RITM006', { action: 'reset-password' });
    expect(status).toMatchObject({ status: 'dead-lettered', error: { code: 'issue-temporary-access-pass: NoCredentialChannel' } });
  });

  it('when a ticket is for a worker without an account, then it is dead-lettered asking for a joiner first', async () => {
    await host.bus.createSender(host.settings.TICKET_QUEUE_NAME).sendMessages({
      messageId: 'RITM007',
      body: { requestId: 'RITM007', action: 'add-group', group: 'SG-Sales', employee: { employeeId: 'A999' } },
    });
    expect(await host.waitForStatus('ticket-RITM007')).toMatchObject({ status: 'dead-lettered', error: { code: 'find-user: UserNotFound' } });
  });
});
