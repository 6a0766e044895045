import { startTestHost, type TestHost } from '../support/test-host';

let host: TestHost;

beforeAll(async () => {
  host = await startTestHost();
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

function joiner(employeeId: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'joiner',
    occurredAt: '2026-11-20T09:00:00Z',
    employee: { employeeId, givenName: 'Ada', surname: 'Lovelace', department: 'Engineering', country: 'GB', ...overrides },
  };
}

describe('thin end-to-end: HR joiner to a user in the simulated tenant', () => {
  it('when a signed joiner is posted, then it is queued, processed, the user exists and its status reads succeeded with its steps', async () => {
    const response = await host.postHr(JSON.stringify(joiner('E2E001')));
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { events: { eventId: string; statusUrl: string }[] };
    expect(accepted.events).toHaveLength(1);
    const [event] = accepted.events;
    expect(event?.statusUrl).toMatch(new RegExp(`^${host.url}/api/hr/events/${event?.eventId}\\?sig=[0-9a-f]{64}$`));

    const status = await host.waitForStatus(event!.eventId);
    expect(status).toMatchObject({ eventId: event!.eventId, type: 'joiner', status: 'succeeded' });
    // The HR system's own link reads the same event.
    expect(await (await fetch(event!.statusUrl)).json()).toMatchObject({ eventId: event!.eventId, status: 'succeeded' });
    const steps = status.steps as { name: string; outcome: string }[];
    expect(steps.map((s) => s.name)).toEqual(expect.arrayContaining(['find-user', 'create-user']));
    expect(steps.find((s) => s.name === 'create-user')?.outcome).toBe('done');

    const users = host.simulator!.snapshot().users.filter((u: { employeeId?: string | null }) => u.employeeId === 'E2E001');
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ userPrincipalName: 'ada.lovelace@contoso.com', department: 'Engineering', usageLocation: 'GB', accountEnabled: true });
  });

  it('when the same joiner is posted twice, then there is still exactly one account', async () => {
    const body = JSON.stringify(joiner('E2E002', { givenName: 'Grace', surname: 'Hopper' }));
    const first = (await (await host.postHr(body)).json()) as { events: { eventId: string }[] };
    await host.waitForStatus(first.events[0]!.eventId);
    const second = (await (await host.postHr(body)).json()) as { events: { eventId: string }[] };
    expect(second.events[0]!.eventId).toBe(first.events[0]!.eventId);
    await host.bus.waitForIdle();
    const users = host.simulator!.snapshot().users.filter((u: { employeeId?: string | null }) => u.employeeId === 'E2E002');
    expect(users).toHaveLength(1);
  });

  it('when the signature is made with the wrong secret, then 401 without detail and nothing is queued', async () => {
    const before = host.bus.counts(host.settings.PROCESSING_QUEUE_NAME);
    const response = await host.postHr(JSON.stringify(joiner('E2E003')), { secret: 'not-the-secret-but-long-enough-0000000000' });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('');
    expect(host.bus.counts(host.settings.PROCESSING_QUEUE_NAME)).toEqual(before);
  });

  it('when the signature timestamp is older than five minutes, then 401', async () => {
    const response = await host.postHr(JSON.stringify(joiner('E2E004')), { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(response.status).toBe(401);
  });

  it('when one record of a request is invalid, then 400 names its field and record and nothing from the request is queued', async () => {
    const body = JSON.stringify([joiner('E2E005'), { ...joiner('E2E006'), type: 'promotion' }]);
    const response = await host.postHr(body);
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { issues: { record?: number; field: string }[] };
    expect(problem.issues).toEqual(expect.arrayContaining([expect.objectContaining({ record: 1, field: 'type' })]));
    await host.bus.waitForIdle();
    expect(host.simulator!.snapshot().users.some((u: { employeeId?: string | null }) => u.employeeId === 'E2E005')).toBe(false);
    expect((await fetch(`${host.url}/api/events/unknown-event`)).status).toBe(404);
  });

  it('when the body is larger than the limit, then 413 before anything is parsed', async () => {
    const response = await host.postHr('x'.repeat(host.settings.HR_MAX_BODY_BYTES + 1));
    expect(response.status).toBe(413);
  });
});
