import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

/** One worker's events run in order, but offboarding never queues behind anything. */
const t = useTenantHost();

const worker = (employeeId: string) => ({ employeeId, givenName: 'Lane', surname: `Worker${employeeId}`, department: 'Sales', country: 'GB' });

async function ticket(requestId: string, body: Record<string, unknown>): Promise<void> {
  await t.host.bus.createSender(t.host.settings.TICKET_QUEUE_NAME).sendMessages({ messageId: requestId, body: { requestId, ...body } });
}

async function statusOf(eventId: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${t.host.url}/api/events/${encodeURIComponent(eventId)}`);
  return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : {};
}


describe("a worker's lane", () => {
  it('when a licence ticket keeps retrying for want of seats, then a later offboard does not wait behind it: it runs at once and the ticket ends superseded', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('LN1')));
    const [account] = t.sim.userByEmployeeId('LN1');
    await ticket('LANE-SEATS', { action: 'assign-licence', sku: 'EXCHANGESTANDARD', employee: { employeeId: 'LN1' } });
    await t.host.waitFor('ticket-LANE-SEATS', (s) => (s.error as { code?: string } | undefined)?.code === 'RetryScheduled');

    await ticket('LANE-OFF', { action: 'offboard', employee: { employeeId: 'LN1' } });
    const offboard = await t.host.waitFor('ticket-LANE-OFF', (s) => stepsOf({ steps: s.steps ?? [] })['disable-sign-in']?.outcome === 'done', 10_000);
    expect(stepsOf(offboard)['supersede-earlier-events']?.detail).toContain('ticket-LANE-SEATS');
    expect(t.sim.snapshot().users.find((u) => u.id === account!.id)).toMatchObject({ accountEnabled: false });

    const superseded = await t.host.waitFor('ticket-LANE-SEATS', (s) => s.status === 'skipped');
    expect(superseded.error).toMatchObject({ code: 'SupersededByLeaver', message: expect.stringContaining('ticket-LANE-OFF') });
  });

  it('when an event waits behind an earlier one, then its status says until when', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('LN2')));
    await ticket('LANE-WAIT1', { action: 'assign-licence', sku: 'EXCHANGESTANDARD', employee: { employeeId: 'LN2' } });
    await t.host.waitFor('ticket-LANE-WAIT1', (s) => (s.error as { code?: string } | undefined)?.code === 'RetryScheduled');
    const retrying = await statusOf('ticket-LANE-WAIT1');
    expect(Date.parse(String(retrying.nextAttemptAt))).toBeGreaterThan(Date.now() - 1_000);

    await ticket('LANE-WAIT2', { action: 'add-group', group: 'SG-Engineering', employee: { employeeId: 'LN2' } });
    const waiting = await t.host.waitFor('ticket-LANE-WAIT2', (s) => (s.error as { code?: string } | undefined)?.code === 'WaitingForEarlierEvent');
    expect(waiting.status).toBe('queued');
    const due = Date.parse(String(waiting.nextAttemptAt));
    expect(due).toBeGreaterThan(Date.now() - 1_000);
    // A waiter looks again on a bounded schedule, however far off the earlier event's retry is.
    expect(due).toBeLessThanOrEqual(Date.now() + 31_000);
  });

  it("when a manager's joiner is superseded by their leaver after it made the account, then the reports waiting for that account are still linked to it", async () => {
    await postAndWait(t.host, hrEvent('joiner', { ...worker('LN3R'), managerEmployeeId: 'LN3M' }));
    t.host.simulator!.setFaults([{ method: 'POST', path: /\/assignLicense$/, status: 500, times: 1 }]);
    try {
      const joined = await t.host.postHr(JSON.stringify(hrEvent('joiner', worker('LN3M'))));
      const joinerId = ((await joined.json()) as { events: { eventId: string }[] }).events[0]!.eventId;
      await t.host.waitFor(joinerId, (s) => (s.error as { code?: string } | undefined)?.code === 'RetryScheduled');
      expect(t.sim.userByEmployeeId('LN3M')).toHaveLength(1);
      const left = await t.host.postHr(JSON.stringify(hrEvent('leaver', worker('LN3M'))));
      const leaverId = ((await left.json()) as { events: { eventId: string }[] }).events[0]!.eventId;
      const status = await t.host.waitFor(leaverId, (s) => stepsOf({ steps: s.steps ?? [] })['link-waiting-reports'] !== undefined && s.status !== 'processing');
      expect(stepsOf(status)['link-waiting-reports']?.outcome).toBe('done');
    } finally {
      t.host.simulator!.setFaults([]);
    }
    const [manager] = t.sim.userByEmployeeId('LN3M');
    expect(t.sim.userByEmployeeId('LN3R')[0]?.managerId).toBe(manager!.id);
  });
});
