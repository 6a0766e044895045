import { functionDeclarations } from '../../functions/declarations';
import { startInstances, type SimulatedInstance } from '../../bench/instances';
import { noTelemetry, type Telemetry } from '../../shared/telemetry/telemetry';
import { hrEvent } from '../support/tenant';
import { startTestHost, TEST_HR_SECRET, type TestHost } from '../support/test-host';

/**
 * Several Function App instances of one deployment, as `npm run bench:scale` runs them: each
 * built from its own service container, all taking one queue's messages.
 */
describe('simulated instances sharing one queue', () => {
  let host: TestHost;
  let instances: SimulatedInstance[] = [];
  afterEach(async () => {
    await Promise.all(instances.map((i) => i.close()));
    instances = [];
    await host?.stop();
  });

  it('when two instances with their own services take one queue, then every joiner is processed once, both take part, and each has its own tenant runtime and app budget', async () => {
    // The intake only: the instances below are the queue's receivers.
    host = await startTestHost({ declarations: functionDeclarations.filter((d) => d.kind !== 'serviceBusQueue') });
    const settledBy = new Map<string, number[]>();
    const telemetry = (instance: number): Telemetry => ({
      ...noTelemetry,
      trackEvent: (name, properties) => {
        if (name !== 'LifecycleEventSettled' || properties.outcome !== 'succeeded') return;
        const id = String(properties.eventId);
        settledBy.set(id, [...(settledBy.get(id) ?? []), instance]);
      },
    });
    instances = startInstances(2, {
      bus: host.bus,
      env: {
        ...process.env,
        AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION_STRING,
        LEDGER_TABLE_NAME: host.settings.LEDGER_TABLE_NAME,
        GRAPH_BASE_URL: host.settings.GRAPH_BASE_URL,
        GRAPH_CREDENTIAL: 'local',
        HR_WEBHOOK_SECRET: TEST_HR_SECRET,
        // Two sessions each, so neither instance can take the whole batch at once.
        AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentSessions: '2',
      },
      telemetry,
    });

    const workers = Array.from({ length: 12 }, (_, i) => hrEvent('joiner', { employeeId: `SC${i}`, givenName: 'Scale', surname: `Instance${i}`, department: 'Sales', country: 'GB' }));
    const response = await host.postHr(JSON.stringify(workers));
    expect(response.status).toBe(202);
    const ids = ((await response.json()) as { events: { eventId: string }[] }).events.map((e) => e.eventId);
    for (const id of ids) expect((await host.waitForStatus(id)).status).toBe('succeeded');

    expect(ids.map((id) => settledBy.get(id)?.length)).toEqual(ids.map(() => 1));
    const byInstance = [0, 1].map((i) => ids.filter((id) => settledBy.get(id)?.[0] === i).length);
    expect(byInstance.every((n) => n > 0)).toBe(true);
    const [a, b] = instances.map((i) => i.container.services.tenantRuntimes);
    expect(a).not.toBe(b);
    expect(a!.appBudget).not.toBe(b!.appBudget);
    expect(a!.activity().map((t) => t.key)).toEqual(['default']);
    expect(b!.activity().map((t) => t.key)).toEqual(['default']);
    expect(host.simulator!.snapshot().users.filter((u) => String(u.employeeId).startsWith('SC'))).toHaveLength(12);
  }, 60_000);
});
