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

const POLICY_ROUTE = 'GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}';
let host: TestHost;
let sim: ReturnType<typeof tenant>;
let receiver: Server;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      deliveries.push(JSON.parse(body) as Delivery);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  host = await startTestHost({
    env: {
      CREDENTIAL_DELIVERY: 'webhook',
      CREDENTIAL_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/credentials`,
      CREDENTIAL_WEBHOOK_SECRET: 'credential-webhook-secret-0123456789abcdef',
      TAP_LIFETIME_MINUTES: '480',
    },
  });
  sim = tenant(host);
  // The tenant allows passes of 60–240 minutes only (Entra's default maximum is 480).
  host.simulator!.setTemporaryAccessPassPolicy({ minimumLifetimeInMinutes: 60, defaultLifetimeInMinutes: 60, maximumLifetimeInMinutes: 240 });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await new Promise<void>((r) => receiver.close(() => r()));
});

const worker = (employeeId: string) => ({ employeeId, givenName: 'Tap', surname: `Policy${employeeId}`, country: 'GB' });

async function passesOf(employeeId: string): Promise<{ id: string; lifetimeInMinutes: number; isUsableOnce: boolean }[]> {
  const [user] = sim.userByEmployeeId(employeeId);
  return ((await sim.graph('GET', `/users/${user!.id}/authentication/temporaryAccessPassMethods`)).json as { value: { id: string; lifetimeInMinutes: number; isUsableOnce: boolean }[] }).value;
}

const policyReads = () => host.simulator!.stats().byRoute[POLICY_ROUTE] ?? 0;

describe("the tenant's Temporary Access Pass policy", () => {
  it('when TAP_LIFETIME_MINUTES is above the policy maximum, then the pass lasts the maximum and the step says it was shortened', async () => {
    const status = await postAndWait(host, hrEvent('joiner', worker('TP100')));
    expect(status.status).toBe('succeeded');
    const step = stepsOf(status)['issue-temporary-access-pass'];
    expect(step?.outcome).toBe('done');
    expect(step?.detail).toMatch(/TAP_LIFETIME_MINUTES \(480\) is above the tenant's Temporary Access Pass policy maximum of 240 minutes: issued for 240/);
    expect(await passesOf('TP100')).toEqual([expect.objectContaining({ lifetimeInMinutes: 240, isUsableOnce: true })]);
    const delivery = deliveries.find((d) => d.userPrincipalName === 'tap.policytp100@contoso.com');
    const hours = (Date.parse(delivery!.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(3.9);
    expect(hours).toBeLessThanOrEqual(4);
  });

  it('when several passes are issued within minutes, then the policy is read once, not per pass', async () => {
    const before = policyReads();
    await postAndWait(host, hrEvent('joiner', worker('TP110')));
    await postAndWait(host, hrEvent('joiner', worker('TP111')));
    expect(policyReads()).toBe(before);
    expect(await passesOf('TP111')).toEqual([expect.objectContaining({ lifetimeInMinutes: 240 })]);
  });

  it('when the policy changed since it was read (now at least 600 minutes), then the pass is fitted to the new bounds instead of failing', async () => {
    host.simulator!.setTemporaryAccessPassPolicy({ maximumLifetimeInMinutes: 720, defaultLifetimeInMinutes: 600, minimumLifetimeInMinutes: 600 });
    const status = await postAndWait(host, hrEvent('joiner', worker('TP120')));
    expect(status.status).toBe('succeeded');
    expect(stepsOf(status)['issue-temporary-access-pass']?.detail).toMatch(/below the tenant's Temporary Access Pass policy minimum of 600 minutes: issued for 600/);
    expect(await passesOf('TP120')).toEqual([expect.objectContaining({ lifetimeInMinutes: 600 })]);
  });

  it('when the policy forces one-time use, then the pass is one-time and the step says the policy requires it', async () => {
    host.simulator!.setTemporaryAccessPassPolicy({ isUsableOnce: true, minimumLifetimeInMinutes: 60, defaultLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480 });
    await host.bus.createSender(host.settings.TICKET_QUEUE_NAME).sendMessages({ messageId: 'TP-RESET-1', body: { requestId: 'TP-RESET-1', action: 'reset-password', employee: { employeeId: 'TP100' } } });
    const status = await host.waitForStatus('ticket-TP-RESET-1');
    expect(status.status).toBe('succeeded');
    expect(stepsOf(status)['issue-temporary-access-pass']?.detail).toMatch(/one-time use, as the tenant's policy requires/);
    expect(await passesOf('TP100')).toEqual([expect.objectContaining({ isUsableOnce: true })]);
  });

  it('when Temporary Access Pass is disabled in the tenant, then the event is dead-lettered with the remedy, and the existing pass is left alone', async () => {
    const before = await passesOf('TP100');
    host.simulator!.setTemporaryAccessPassPolicy({ state: 'disabled' });
    await host.bus.createSender(host.settings.TICKET_QUEUE_NAME).sendMessages({ messageId: 'TP-RESET-2', body: { requestId: 'TP-RESET-2', action: 'reset-password', employee: { employeeId: 'TP100' } } });
    const status = await host.waitForStatus('ticket-TP-RESET-2');
    expect(status.status).toBe('dead-lettered');
    expect(status.error).toMatchObject({ code: 'issue-temporary-access-pass: TemporaryAccessPassDisabled' });
    const letter = host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).find((m) => m.deadLetterReason === 'issue-temporary-access-pass: TemporaryAccessPassDisabled');
    expect(letter?.deadLetterErrorDescription).toMatch(/Enable Temporary Access Pass in the tenant's authentication methods policy/);
    expect(letter?.deadLetterErrorDescription).not.toMatch(/Graph 400/);
    expect(await passesOf('TP100')).toEqual(before);
  });

  it('when a joiner arrives while it is disabled, then the account is made and only the pass step fails, with nothing issued', async () => {
    const status = await postAndWait(host, hrEvent('joiner', worker('TP130')));
    expect(status.status).toBe('dead-lettered');
    expect(status.error).toMatchObject({ code: 'issue-temporary-access-pass: TemporaryAccessPassDisabled' });
    expect(stepsOf(status)['create-user']?.outcome).toBe('done');
    expect(stepsOf(status)['issue-temporary-access-pass']?.outcome).toBe('failed');
    expect(await passesOf('TP130')).toEqual([]);
  });
});
