import { hrEvent, stepsOf, useTenantHost } from '../support/tenant';

const t = useTenantHost();
afterEach(() => t.host.simulator!.setReplicationDelay(0));

/** The event's record, polled until `done` says so. */
async function pollEvent(eventId: string, done: (record: Record<string, unknown>) => boolean, timeoutMs = 15_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let record: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    record = (await (await fetch(`${t.host.url}/api/events/${encodeURIComponent(eventId)}`)).json()) as Record<string, unknown>;
    if (done(record)) return record;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`event ${eventId} never reached the expected state; last: ${JSON.stringify(record)}`);
}

describe('replication delay as Graph answers it', () => {
  it("when a joiner without a manager is added to its groups before its account has replicated, then Graph's 400 is retried with backoff and the joiner succeeds with its memberships", async () => {
    // Nothing runs between creating the account and adding it to groups (no manager to link),
    // so the adds meet the simulator's replication answer: 400 "…objects being referenced don't exist."
    t.host.simulator!.setReplicationDelay(1_000);
    const response = await t.host.postHr(JSON.stringify(hrEvent('joiner', { employeeId: 'Q100', givenName: 'Rita', surname: 'Levi', department: 'Engineering', country: 'IT' })));
    expect(response.status).toBe(202);
    const eventId = ((await response.json()) as { events: { eventId: string }[] }).events[0]!.eventId;

    const waiting = await pollEvent(eventId, (r) => (r.error as { code?: string } | undefined)?.code === 'RetryScheduled' || ['succeeded', 'dead-lettered'].includes(String(r.status)));
    expect(waiting).toMatchObject({ status: 'queued', error: { step: 'groups', code: 'RetryScheduled' } });
    expect(String((waiting.error as { message: string }).message)).toContain("Graph 400 Request_BadRequest: The source resource object or one of the objects being referenced don't exist.");

    const status = await t.host.waitForStatus(eventId);
    expect(status.status).toBe('succeeded');
    expect(status.attempts).toBeGreaterThanOrEqual(2);
    const steps = stepsOf(status);
    expect(steps['set-manager']?.outcome).toBe('skipped');
    expect(steps.groups?.outcome).toBe('done');
    const users = t.sim.userByEmployeeId('Q100');
    expect(users).toHaveLength(1);
    expect(t.sim.groupsOf(users[0]!.id)).toEqual(['SG-All-Staff', 'SG-Engineering']);
    expect(t.sim.skusOf(users[0]!)).toEqual(['SPE_E3']);
  }, 30_000);
});
