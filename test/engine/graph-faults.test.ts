import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

const t = useTenantHost();
afterEach(() => {
  t.host.simulator!.setFaults([]);
  t.host.simulator!.setReplicationDelay(0);
});

const worker = (employeeId: string) => ({ employeeId, givenName: 'Fault', surname: `Case${employeeId}`, department: 'Engineering', country: 'GB' });

describe('Graph faults', () => {
  it("when adding a member keeps failing past the SDK's own retries, then the event is retried later with backoff and ends with exactly one account and membership", async () => {
    // The joiner's two adds run at once, each with four tries (one + the SDK's three): eight
    // faults leave at least one of them failed after its last try.
    t.host.simulator!.setFaults([{ method: 'POST', path: /^\/groups\/[^/]+\/members\/\$ref$/, status: 503, times: 8, retryAfterSeconds: 0 }]);
    const status = await postAndWait(t.host, hrEvent('joiner', worker('F100')));
    expect(status).toMatchObject({ status: 'succeeded' });
    expect(status.attempts).toBeGreaterThanOrEqual(2);
    const users = t.sim.userByEmployeeId('F100');
    expect(users).toHaveLength(1);
    expect(t.sim.groupsOf(users[0]!.id)).toEqual(['SG-All-Staff', 'SG-Engineering']);
    expect(stepsOf(status)['create-user']?.outcome).toBe('done');
  }, 30_000);

  it('when Graph refuses for lack of permission, then the event is dead-lettered with the step, the Graph code and what to do — and no stack trace or token', async () => {
    t.host.simulator!.setFaults([{ method: 'POST', path: '/users', status: 403, times: 1 }]);
    const status = await postAndWait(t.host, hrEvent('joiner', worker('F200')));
    expect(status.status).toBe('dead-lettered');
    const letter = t.host.bus.peekDeadLetters(t.host.settings.PROCESSING_QUEUE_NAME).find((m) => (m.body as { employee: { employeeId: string } }).employee.employeeId === 'F200');
    expect(letter?.deadLetterReason).toBe('create-user: Authorization_RequestDenied');
    const description = String(letter?.deadLetterErrorDescription);
    expect(description).toContain('Grant the managed identity');
    expect(description).not.toMatch(/\n\s+at |Bearer|local-simulator-token|password/i);
    expect(t.sim.userByEmployeeId('F200')).toHaveLength(0);
  });

  it('when there are no free units of a licence, then the event is retried and the failure names the SKU', async () => {
    // Every SPE_E3 unit in use, as Graph reports it: the next joiner finds none free.
    const e3 = [...t.host.simulator!.state.skus.values()].find((s) => s.skuPartNumber === 'SPE_E3')!;
    expect(e3.enabled).toBeGreaterThan(0);
    const consumedBefore = e3.consumedUnits;
    e3.consumedUnits = e3.enabled;
    const response = await t.host.postHr(JSON.stringify(hrEvent('joiner', worker('F300'))));
    const { events } = (await response.json()) as { events: { eventId: string }[] };
    const deadline = Date.now() + 15_000;
    let record: Record<string, unknown> = {};
    while (Date.now() < deadline) {
      record = (await (await fetch(`${t.host.url}/api/events/${events[0]!.eventId}`)).json()) as Record<string, unknown>;
      if ((record.error as { code?: string } | undefined)?.code === 'RetryScheduled') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(record).toMatchObject({ status: 'queued', error: { step: 'licences', code: 'RetryScheduled' } });
    expect(JSON.stringify(record.error)).toContain('SPE_E3');
    e3.consumedUnits = consumedBefore; // units bought: the retry will succeed; later tests see free units
  });

  it('when a joiner is waiting for a retry, then a mover for the same worker posted meanwhile waits behind it and the mover wins', async () => {
    t.host.simulator!.setFaults([{ method: 'POST', path: /^\/groups\/[^/]+\/members\/\$ref$/, status: 503, times: 8, retryAfterSeconds: 0 }]);
    const joinerResponse = await t.host.postHr(JSON.stringify(hrEvent('joiner', worker('F400'))));
    const joinerId = ((await joinerResponse.json()) as { events: { eventId: string }[] }).events[0]!.eventId;
    // Wait until the joiner is parked for its retry, then send the mover.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const record = (await (await fetch(`${t.host.url}/api/events/${joinerId}`)).json()) as { error?: { code?: string } };
      if (record.error?.code === 'RetryScheduled') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const mover = await postAndWait(t.host, hrEvent('mover', { ...worker('F400'), department: 'Sales' }));
    const joiner = await t.host.waitForStatus(joinerId);
    expect(joiner.status).toBe('succeeded');
    expect(mover.status).toBe('succeeded');
    expect(new Date(String(mover.updatedAt)).getTime()).toBeGreaterThanOrEqual(new Date(String(joiner.updatedAt)).getTime());
    const [user] = t.sim.userByEmployeeId('F400');
    expect(user?.department).toBe('Sales');
    expect(t.sim.groupsOf(user!.id)).toEqual(['SG-All-Staff', 'SG-Sales']);
  }, 30_000);

  it('when a just-created user is not yet visible to other endpoints (replication delay), then the next steps are retried and the joiner completes with one account', async () => {
    t.host.simulator!.setReplicationDelay(1_500);
    const status = await postAndWait(t.host, hrEvent('joiner', worker('F500')));
    expect(status.status).toBe('succeeded');
    expect(status.attempts).toBeGreaterThanOrEqual(2);
    const users = t.sim.userByEmployeeId('F500');
    expect(users).toHaveLength(1);
    expect(t.sim.groupsOf(users[0]!.id)).toEqual(['SG-All-Staff', 'SG-Engineering']);
    expect(t.sim.skusOf(users[0]!)).toEqual(['SPE_E3']);
  }, 30_000);

  it('when a message on the processing queue is not a lifecycle event, then it is dead-lettered as InvalidMessage naming the fields, never retried', async () => {
    await t.host.bus.createSender(t.host.settings.PROCESSING_QUEUE_NAME).sendMessages({ messageId: 'garbage-1', sessionId: 'default:X', body: { type: 'promotion' } });
    await t.host.bus.waitForIdle();
    const letter = t.host.bus.peekDeadLetters(t.host.settings.PROCESSING_QUEUE_NAME).find((m) => m.messageId === 'garbage-1');
    expect(letter).toMatchObject({ deadLetterReason: 'InvalidMessage', deliveryCount: 1 });
    expect(letter?.deadLetterErrorDescription).toContain('employee');
  });
});
