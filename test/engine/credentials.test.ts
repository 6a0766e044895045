import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait, stepsOf, tenant } from '../support/tenant';

interface Delivery {
  userPrincipalName: string;
  temporaryAccessPass: string;
  reason: string;
  expiresAt: string;
}

let host: TestHost;
let sim: ReturnType<typeof tenant>;
let receiver: Server;
const deliveries: Delivery[] = [];
let failNext = 0;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
        return;
      }
      deliveries.push(JSON.parse(body) as Delivery);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/credentials`;
  host = await startTestHost({
    env: { CREDENTIAL_DELIVERY: 'webhook', CREDENTIAL_WEBHOOK_URL: url, CREDENTIAL_WEBHOOK_SECRET: 'credential-webhook-secret-0123456789abcdef' },
  });
  sim = tenant(host);
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await new Promise<void>((r) => receiver.close(() => r()));
});

/** Everything an operator or a log pipeline could see of an event. */
async function everythingVisible(eventId: string): Promise<string> {
  const status = await (await fetch(`${host.url}/api/events/${eventId}`)).text();
  return [status, host.logs.join('\n'), JSON.stringify(host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME)), JSON.stringify(sim.snapshot())].join('\n');
}

describe('initial credentials', () => {
  it('when a joiner is created, then a one-use Temporary Access Pass goes to the webhook and nowhere else', async () => {
    const status = await postAndWait(host, hrEvent('joiner', { employeeId: 'C100', givenName: 'Tap', surname: 'Joiner', country: 'GB' }));
    expect(status.status).toBe('succeeded');
    expect(stepsOf(status)['issue-temporary-access-pass']?.outcome).toBe('done');
    const delivery = deliveries.find((d) => d.userPrincipalName === 'tap.joiner@contoso.com');
    expect(delivery).toMatchObject({ reason: 'joiner' });
    expect(delivery!.temporaryAccessPass.length).toBeGreaterThanOrEqual(8);
    expect(await everythingVisible(String(status.eventId))).not.toContain(delivery!.temporaryAccessPass);
  });

  it('when a joiner is re-posted for the existing account, then no new pass is issued', async () => {
    const before = deliveries.length;
    const status = await postAndWait(host, hrEvent('joiner', { employeeId: 'C100', givenName: 'Tap', surname: 'Joiner', country: 'GB', department: 'Sales' }));
    expect(status.status).toBe('succeeded');
    expect(stepsOf(status)['issue-temporary-access-pass']).toBeUndefined();
    expect(deliveries.length).toBe(before);
  });

  it('when a password reset ticket arrives, then the old pass is replaced and the new one delivered', async () => {
    const [user] = sim.userByEmployeeId('C100');
    const before = host.simulator!.stats().byRoute;
    await host.bus.createSender(host.settings.TICKET_QUEUE_NAME).sendMessages({ messageId: 'RESET-1', body: { requestId: 'RESET-1', action: 'reset-password', employee: { employeeId: 'C100' } } });
    const status = await host.waitForStatus('ticket-RESET-1');
    expect(status.status).toBe('succeeded');
    // A reset reads only what the protection check needs: no groups, licences or manager, so no $batch.
    const after = host.simulator!.stats().byRoute;
    const made = (route: string) => (after[route] ?? 0) - (before[route] ?? 0);
    expect(made('GET /users/{id}/memberOf')).toBe(1);
    expect(made('POST /$batch')).toBe(0);
    const resets = deliveries.filter((d) => d.reason === 'reset');
    expect(resets).toHaveLength(1);
    const methods = await sim.graph('GET', `/users/${user!.id}/authentication/temporaryAccessPassMethods`);
    expect((methods.json as { value: unknown[] }).value).toHaveLength(1);
    expect(await everythingVisible('ticket-RESET-1')).not.toContain(resets[0]!.temporaryAccessPass);
  });

  it('when the webhook is down, then the step is retried and exactly one pass ends up issued and delivered', async () => {
    failNext = 1; // the first attempt fails; the retry (seconds later) gets through
    const status = await postAndWait(host, hrEvent('joiner', { employeeId: 'C200', givenName: 'Tap', surname: 'Retry', country: 'GB' }));
    expect(status.status).toBe('succeeded');
    expect(status.attempts).toBeGreaterThanOrEqual(2);
    expect(deliveries.filter((d) => d.userPrincipalName === 'tap.retry@contoso.com')).toHaveLength(1);
    const [user] = sim.userByEmployeeId('C200');
    const methods = await sim.graph('GET', `/users/${user!.id}/authentication/temporaryAccessPassMethods`);
    expect((methods.json as { value: unknown[] }).value).toHaveLength(1);
  }, 30_000);

  it('when a rehire of an account with sign-in off is planned, then the plan enables sign-in and then would issue a pass; run, it issues one', async () => {
    await postAndWait(host, hrEvent('joiner', { employeeId: 'C300', givenName: 'Tap', surname: 'Back', country: 'GB' }));
    const [user] = sim.userByEmployeeId('C300');
    expect((await sim.graph('PATCH', `/users/${user!.id}`, { accountEnabled: false })).status).toBe(204);
    const plan = await host.postHr(JSON.stringify(hrEvent('rehire', { employeeId: 'C300', givenName: 'Tap', surname: 'Back', country: 'GB' })), { query: '?dryRun=true' });
    const [planned] = ((await plan.json()) as { events: { steps: { name: string; outcome: string }[] }[] }).events;
    const outcomes = Object.fromEntries(planned!.steps.map((s) => [s.name, s.outcome]));
    expect({ enable: outcomes['enable-sign-in'], pass: outcomes['issue-temporary-access-pass'] }).toEqual({ enable: 'planned', pass: 'planned' });

    const before = deliveries.filter((d) => d.userPrincipalName === 'tap.back@contoso.com').length;
    const rehired = await postAndWait(host, hrEvent('rehire', { employeeId: 'C300', givenName: 'Tap', surname: 'Back', country: 'GB' }));
    expect(stepsOf(rehired)['issue-temporary-access-pass']?.outcome).toBe('done');
    expect(deliveries.filter((d) => d.userPrincipalName === 'tap.back@contoso.com')).toHaveLength(before + 1);
  }, 30_000);

  it('when a password reset is asked for an account whose sign-in is off, then no pass is issued to it', async () => {
    await postAndWait(host, hrEvent('joiner', { employeeId: 'C400', givenName: 'Tap', surname: 'Off', country: 'GB' }));
    const [user] = sim.userByEmployeeId('C400');
    expect((await sim.graph('PATCH', `/users/${user!.id}`, { accountEnabled: false })).status).toBe(204);
    const before = deliveries.length;
    await host.bus.createSender(host.settings.TICKET_QUEUE_NAME).sendMessages({ messageId: 'RESET-OFF', body: { requestId: 'RESET-OFF', action: 'reset-password', employee: { employeeId: 'C400' } } });
    const status = await host.waitForStatus('ticket-RESET-OFF');
    expect(stepsOf(status)['issue-temporary-access-pass']).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('sign-in is off') });
    expect(deliveries.length).toBe(before);
    const methods = await sim.graph('GET', `/users/${user!.id}/authentication/temporaryAccessPassMethods`);
    expect((methods.json as { value: unknown[] }).value).toHaveLength(1);
  }, 30_000);
});
