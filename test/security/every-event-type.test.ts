import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ObservedRequest } from '../../dev/graph-simulator';
import { GRAPH_ROUTE_PERMISSIONS } from '../../shared/graph/permissions';
import { provideServices } from '../../shared/runtime/services';
import type { Telemetry } from '../../shared/telemetry/telemetry';
import { startTestHost, TEST_HR_SECRET, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait } from '../support/tenant';

const CREDENTIAL_SECRET = 'credential-webhook-secret-for-scan-0123456789';
const observed: ObservedRequest[] = [];
const captured: unknown[] = [];
const passes: string[] = [];
let host: TestHost;
let receiver: Server;

const capturingTelemetry: Telemetry = {
  trackEvent: (name, properties) => void captured.push({ name, properties }),
  trackMetric: (name, value, properties) => void captured.push({ name, value, properties }),
  trackDependency: (dependency) => void captured.push(dependency),
  flush: async () => undefined,
};

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      passes.push((JSON.parse(body) as { temporaryAccessPass: string }).temporaryAccessPass);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  host = await startTestHost({
    observeGraph: (request) => observed.push(request),
    env: {
      CREDENTIAL_DELIVERY: 'webhook',
      CREDENTIAL_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/tap`,
      CREDENTIAL_WEBHOOK_SECRET: CREDENTIAL_SECRET,
    },
  });
  provideServices({ telemetry: () => capturingTelemetry });

  const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({ employeeId, givenName: 'Scan', surname: `Worker${employeeId}`, department: 'Engineering', country: 'UK', ...extra });
  await postAndWait(host, hrEvent('joiner', worker('X100', { managerEmployeeId: 'X101' })));
  await postAndWait(host, hrEvent('joiner', worker('X101')));
  await postAndWait(host, hrEvent('mover', worker('X100', { department: 'Sales' })));
  await postAndWait(host, hrEvent('joiner', worker('X102')));
  await postAndWait(host, hrEvent('leaver', worker('X102')), 'delete-account');
  await postAndWait(host, hrEvent('rehire', worker('X102')));
  await postAndWait(host, hrEvent('joiner', worker('X103', { country: 'Atlantis' })));
  await postAndWait(host, hrEvent('leaver', { employeeId: 'BG1', userPrincipalName: 'breakglass@contoso.com' }));
  const tickets = [
    { action: 'add-group', group: 'SG-Contractors' },
    { action: 'remove-group', group: 'SG-Contractors' },
    { action: 'assign-licence', sku: 'SPE_E5' },
    { action: 'remove-licence', sku: 'SPE_E5' },
    { action: 'reset-password' },
  ];
  const sender = host.bus.createSender(host.settings.TICKET_QUEUE_NAME);
  for (const [i, t] of tickets.entries()) {
    await sender.sendMessages({ messageId: `SCAN-${i}`, body: { requestId: `SCAN-${i}`, employee: { employeeId: 'X101' }, ...t } });
    await host.waitForStatus(`ticket-SCAN-${i}`);
  }
  await sender.sendMessages({ messageId: 'SCAN-BAD', body: { requestId: 'SCAN-BAD', action: 'onboard', employee: { employeeId: 'X199', givenName: 'x' }, password: 'hunter2-in-a-ticket' } });
  await host.bus.waitForIdle();
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await new Promise<void>((r) => receiver.close(() => r()));
});

describe('every event type, scanned', () => {
  it('drove joiner, mover, leaver, rehire and every ticket action, with passes issued and passwords set', () => {
    const passwords = observed.filter((r) => r.route === 'POST /users').map((r) => (r.body as { passwordProfile?: { password?: string } }).passwordProfile?.password);
    expect(passwords.length).toBeGreaterThanOrEqual(3);
    expect(passes.length).toBeGreaterThanOrEqual(4);
    expect(captured.some((c) => (c as { name?: string }).name === 'LifecycleEventSettled')).toBe(true);
    expect(captured.some((c) => (c as { name?: string }).name === 'LifecycleEventAccepted')).toBe(true);
    expect(captured.some((c) => (c as { route?: string }).route === '/users/{id}/assignLicense')).toBe(true);
  });

  it('no password, pass, HMAC secret or token appears in logs, telemetry, the ledger, dead letters or tenant state', async () => {
    const passwords = observed.filter((r) => r.route === 'POST /users').map((r) => (r.body as { passwordProfile: { password: string } }).passwordProfile.password);
    const statuses = await Promise.all(
      [...new Set(host.logs.map((l) => /"eventId":"([^"]+)"/.exec(l)?.[1]).filter((id): id is string => !!id))].map(async (id) => (await fetch(`${host.url}/api/events/${id}`)).text()),
    );
    expect(statuses.length).toBeGreaterThanOrEqual(10);
    const visible = [
      host.logs.join('\n'),
      JSON.stringify(captured),
      statuses.join('\n'),
      JSON.stringify(host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).map((m) => [m.deadLetterReason, m.deadLetterErrorDescription])),
      JSON.stringify(host.bus.peekDeadLetters(host.settings.TICKET_QUEUE_NAME).map((m) => [m.deadLetterReason, m.deadLetterErrorDescription])),
      JSON.stringify(host.simulator!.snapshot()),
    ].join('\n');
    const secrets = [...passwords, ...passes, TEST_HR_SECRET, CREDENTIAL_SECRET, 'local-simulator-token', 'hunter2-in-a-ticket'];
    for (const secret of secrets) expect({ secret, found: visible.includes(secret) }).toEqual({ secret, found: false });
  });

  it('every Graph route the app called is in the permissions list', () => {
    const routes = [...new Set(observed.map((r) => r.route))].sort();
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter((route) => !GRAPH_ROUTE_PERMISSIONS[route])).toEqual([]);
  });
});
