import { hrEvent, stepsOf, useTenantHost } from '../support/tenant';

/**
 * Identifiers are data, not syntax: an employeeId or UPN full of URL and OData metacharacters
 * must neither hide other workers from a lookup nor let one worker's record change another's account.
 */
const t = useTenantHost();

const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({
  employeeId,
  givenName: 'Hostile',
  surname: `Id${employeeId.replace(/[^A-Za-z0-9]/g, '')}`,
  department: 'Engineering',
  country: 'GB',
  ...extra,
});

/** An account made straight in the simulated tenant (as if created before the app ran). */
async function existingAccount(employeeId: string | null, upn: string): Promise<string> {
  const created = await t.sim.graph('POST', '/users', {
    accountEnabled: true,
    displayName: upn,
    mailNickname: upn.split('@')[0],
    userPrincipalName: upn,
    ...(employeeId === null ? {} : { employeeId }),
    passwordProfile: { password: 'Existing-Account-9', forceChangePasswordNextSignIn: true },
  });
  expect(created.status).toBe(201);
  return (created.json as { id: string }).id;
}

async function postAll(events: unknown[]): Promise<string[]> {
  const response = await t.host.postHr(JSON.stringify(events));
  expect(response.status).toBe(202);
  return ((await response.json()) as { events: { eventId: string }[] }).events.map((e) => e.eventId);
}

const account = (id: string) => t.sim.snapshot().users.find((u) => u.id === id);

/** A leaver is done for now once it is terminal or waits only for its scheduled deletion. */
async function leaverSettled(eventId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    const response = await fetch(`${t.host.url}/api/events/${encodeURIComponent(eventId)}`);
    if (response.status === 200) {
      last = (await response.json()) as Record<string, unknown>;
      const terminal = ['succeeded', 'dead-lettered', 'skipped'].includes(String(last.status));
      if (terminal || (last.status === 'queued' && stepsOf(last)['delete-account']?.outcome === 'pending')) return last;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`leaver ${eventId} did not settle; last: ${JSON.stringify(last)}`);
}

describe('employeeIds with URL and OData metacharacters', () => {
  it("when one request carries leavers for 14 existing workers and one whose employeeId is p%27)#, then every one of the 14 accounts ends disabled", async () => {
    const ids = Array.from({ length: 14 }, (_, i) => `HX${String(i + 1).padStart(2, '0')}`);
    const accounts = await Promise.all(ids.map((id) => existingAccount(id, `${id.toLowerCase()}@contoso.com`)));
    // The odd one first: a cut-off `in (...)` lookup would then still parse, and match nothing.
    const eventIds = await postAll([hrEvent('leaver', worker('p%27)#')), ...ids.map((id) => hrEvent('leaver', worker(id)))]);
    const statuses = await Promise.all(eventIds.map(leaverSettled));

    for (const id of accounts) expect(account(id)).toMatchObject({ accountEnabled: false });
    for (const status of statuses.slice(1)) expect(stepsOf(status)['disable-sign-in']?.outcome).toBe('done');
    expect(statuses[0]).toMatchObject({ status: 'succeeded' });
    expect(stepsOf(statuses[0]!)['already-gone']?.detail).toMatch(/no account for this worker/);
  }, 60_000);

  it.each(['PL+1', 'PC%41', 'AMP&ER', 'HASH#1', "Q'UOTE", 'SP ACE'])('when a worker\'s employeeId is %s, then the joiner creates the account and the leaver finds it and disables it', async (employeeId) => {
    const [joined] = await postAll([hrEvent('joiner', worker(employeeId))]);
    expect(await t.host.waitForStatus(joined!)).toMatchObject({ status: 'succeeded' });
    const users = t.sim.userByEmployeeId(employeeId);
    expect(users).toHaveLength(1);

    const [left] = await postAll([hrEvent('leaver', worker(employeeId))]);
    const status = await leaverSettled(left!);
    expect(stepsOf(status)['find-user']?.detail).toMatch(/by employeeId/);
    expect(account(users[0]!.id)).toMatchObject({ accountEnabled: false });
  });
});

describe("another worker's userPrincipalName", () => {
  it("when a joiner with an unknown employeeId names another worker's userPrincipalName, then that account is not changed and the event is dead-lettered naming both employee ids", async () => {
    const victim = await existingAccount('VICTIM01', 'victim.one@contoso.com');
    const before = account(victim);
    const [eventId] = await postAll([hrEvent('joiner', worker('INTRUDER1', { userPrincipalName: 'victim.one@contoso.com', department: 'Sales', jobTitle: 'Owner' }))]);
    const status = await t.host.waitForStatus(eventId!);

    expect(status).toMatchObject({ status: 'dead-lettered', error: { code: 'find-user: UpnBelongsToAnotherWorker' } });
    const message = JSON.stringify(status.error);
    expect(message).toContain('VICTIM01');
    expect(message).toContain('INTRUDER1');
    expect(message).not.toContain('Sales');
    expect(account(victim)).toEqual(before);
  });

  it("when a leaver with an unknown employeeId names another worker's userPrincipalName, then that account stays enabled", async () => {
    const victim = await existingAccount('VICTIM02', 'victim.two@contoso.com');
    const [eventId] = await postAll([hrEvent('leaver', worker('INTRUDER2', { userPrincipalName: 'victim.two@contoso.com' }))]);
    const status = await t.host.waitForStatus(eventId!);

    expect(status).toMatchObject({ status: 'dead-lettered', error: { code: 'find-user: UpnBelongsToAnotherWorker' } });
    expect(account(victim)).toMatchObject({ accountEnabled: true });
  });

  it('when a reset-password ticket with a new employeeId names an existing account\'s userPrincipalName, then no pass is issued for that account', async () => {
    const victim = await existingAccount('VICTIM03', 'victim.three@contoso.com');
    const requestId = 'TAKEOVER-1';
    await t.host.bus.createSender(t.host.settings.TICKET_QUEUE_NAME).sendMessages({
      messageId: requestId,
      body: { requestId, action: 'reset-password', employee: { employeeId: 'INTRUDER3', userPrincipalName: 'victim.three@contoso.com' } },
    });
    const status = await t.host.waitForStatus(`ticket-${requestId}`);

    expect(status).toMatchObject({ status: 'dead-lettered', error: { code: 'find-user: UpnBelongsToAnotherWorker' } });
    const passes = await t.sim.graph('GET', `/users/${victim}/authentication/temporaryAccessPassMethods`);
    expect((passes.json as { value: unknown[] }).value).toEqual([]);
  });

  it('when a joiner names the userPrincipalName of an account that has no employeeId, then the joiner claims it and records its employeeId', async () => {
    const unclaimed = await existingAccount(null, 'legacy.account@contoso.com');
    const [eventId] = await postAll([hrEvent('joiner', worker('CLAIM01', { userPrincipalName: 'legacy.account@contoso.com' }))]);
    const status = await t.host.waitForStatus(eventId!);

    expect(status).toMatchObject({ status: 'succeeded', userId: unclaimed });
    expect(stepsOf(status)['find-user']?.detail).toMatch(/had no employeeId/);
    expect(account(unclaimed)).toMatchObject({ employeeId: 'CLAIM01' });
  });

  it('when a mover names the userPrincipalName of an account that has no employeeId, then it is not changed: only a joiner may claim it', async () => {
    const unclaimed = await existingAccount(null, 'legacy.other@contoso.com');
    const before = account(unclaimed);
    const [eventId] = await postAll([hrEvent('mover', worker('CLAIM02', { userPrincipalName: 'legacy.other@contoso.com', department: 'Sales' }))]);
    const status = await t.host.waitForStatus(eventId!);

    expect(status).toMatchObject({ status: 'dead-lettered', error: { code: 'find-user: UpnAccountUnclaimed' } });
    expect(account(unclaimed)).toEqual(before);
  });
});
