import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

const t = useTenantHost();

describe('joiner', () => {
  it('when an engineer joins from the UK, then the account, rule groups and licence exist and the UK→GB correction is recorded', async () => {
    const status = await postAndWait(t.host, hrEvent('joiner', { employeeId: 'J100', givenName: 'José', surname: 'Müller', department: 'Engineering', country: 'UK' }));
    expect(status.status).toBe('succeeded');
    const steps = stepsOf(status);
    expect(steps['create-user']?.detail).toContain('usageLocation UK recorded as GB');
    const [user] = t.sim.userByEmployeeId('J100');
    expect(user).toMatchObject({ userPrincipalName: 'jose.muller@contoso.com', usageLocation: 'GB', accountEnabled: true });
    expect(t.sim.groupsOf(user!.id)).toEqual(['SG-All-Staff', 'SG-Engineering']);
    expect(t.sim.skusOf(user!)).toEqual(['SPE_E3']);
  });

  it("when a joiner's manager does not exist yet, then the user is created and the manager link is pending until the manager joins", async () => {
    const report = await postAndWait(t.host, hrEvent('joiner', { employeeId: 'J201', givenName: 'Ann', surname: 'Report', managerEmployeeId: 'J200', country: 'GB' }));
    expect(report.status).toBe('succeeded');
    expect(stepsOf(report)['set-manager']?.outcome).toBe('pending');
    const [reportUser] = t.sim.userByEmployeeId('J201');
    expect(reportUser?.managerId ?? null).toBeNull();

    const manager = await postAndWait(t.host, hrEvent('joiner', { employeeId: 'J200', givenName: 'Mia', surname: 'Boss', country: 'GB' }));
    expect(stepsOf(manager)['link-waiting-reports']?.outcome).toBe('done');
    const [managerUser] = t.sim.userByEmployeeId('J200');
    expect(t.sim.userByEmployeeId('J201')[0]?.managerId).toBe(managerUser!.id);
  });

  it("when the UPN is taken by someone else's account, then the joiner gets the next free suffix", async () => {
    const other = await t.sim.graph('POST', '/users', {
      accountEnabled: true,
      displayName: 'Grace Hopper (other)',
      mailNickname: 'grace.hopper',
      userPrincipalName: 'grace.hopper@contoso.com',
      passwordProfile: { password: 'Xy7!abcdEFGH', forceChangePasswordNextSignIn: true },
    });
    expect(other.status).toBe(201);
    const status = await postAndWait(t.host, hrEvent('joiner', { employeeId: 'J300', givenName: 'Grace', surname: 'Hopper', country: 'US' }));
    expect(status.status).toBe('succeeded');
    expect(t.sim.userByEmployeeId('J300')[0]?.userPrincipalName).toBe('grace.hopper2@contoso.com');
  });

  it('when the same worker joins again with new data, then the existing account is updated, not duplicated', async () => {
    await postAndWait(t.host, hrEvent('joiner', { employeeId: 'J400', givenName: 'Alan', surname: 'Turing', department: 'Engineering', country: 'GB' }));
    const again = await postAndWait(t.host, hrEvent('joiner', { employeeId: 'J400', givenName: 'Alan', surname: 'Turing', department: 'Sales', country: 'GB' }));
    expect(again.status).toBe('succeeded');
    const users = t.sim.userByEmployeeId('J400');
    expect(users).toHaveLength(1);
    expect(users[0]?.department).toBe('Sales');
    expect(t.sim.groupsOf(users[0]!.id)).toEqual(['SG-All-Staff', 'SG-Sales']);
  });

  it('when the country is not a country, then the event is dead-lettered naming the field and no account is created', async () => {
    const status = await postAndWait(t.host, hrEvent('joiner', { employeeId: 'J500', givenName: 'No', surname: 'Where', country: 'Atlantis' }));
    expect(status.status).toBe('dead-lettered');
    expect(JSON.stringify(status.error)).toContain('usageLocation/country');
    expect(t.sim.userByEmployeeId('J500')).toHaveLength(0);
    const dead = t.host.bus.peekDeadLetters(t.host.settings.PROCESSING_QUEUE_NAME);
    const letter = dead.find((m) => (m.body as { employee?: { employeeId?: string } }).employee?.employeeId === 'J500');
    expect(letter?.deadLetterReason).toBe('create-user: InvalidUsageLocation');
    expect(letter?.deadLetterErrorDescription).toContain('Correct the worker');
  });

  it('when a dry run is asked for, then the plan is returned and the tenant is unchanged', async () => {
    const body = JSON.stringify(hrEvent('joiner', { employeeId: 'J600', givenName: 'Dry', surname: 'Run', department: 'Sales', country: 'GB' }));
    const response = await t.host.postHr(body, { query: '?dryRun=true' });
    expect(response.status).toBe(200);
    const plan = (await response.json()) as { dryRun: boolean; events: { steps: { name: string; outcome: string; detail: string }[] }[] };
    expect(plan.dryRun).toBe(true);
    const create = plan.events[0]?.steps.find((s) => s.name === 'create-user');
    expect(create).toMatchObject({ outcome: 'planned' });
    expect(create?.detail).toContain('dry.run@contoso.com');
    expect(t.sim.userByEmployeeId('J600')).toHaveLength(0);
  });

  it("when one feed lists a report before their manager, then both are created and the report ends up linked to the manager", async () => {
    const response = await t.host.postHr(
      JSON.stringify([
        hrEvent('joiner', { employeeId: 'J701', givenName: 'Seán', surname: "O'Brien", managerEmployeeId: 'J700', country: 'IE' }),
        hrEvent('joiner', { employeeId: 'J700', givenName: 'Boss', surname: 'Later', country: 'IE' }),
      ]),
    );
    expect(response.status).toBe(202);
    const { events } = (await response.json()) as { events: { eventId: string }[] };
    await Promise.all(events.map((e) => t.host.waitForStatus(e.eventId)));
    const [report] = t.sim.userByEmployeeId('J701');
    const [manager] = t.sim.userByEmployeeId('J700');
    expect(report?.userPrincipalName).toBe('sean.obrien@contoso.com');
    expect(report?.managerId).toBe(manager?.id);
  });

  it('when a worker is listed as their own manager, then the account is created and the step says the manager was not linked', async () => {
    const status = await postAndWait(t.host, hrEvent('joiner', { employeeId: 'J800', givenName: 'Self', surname: 'Managed', managerEmployeeId: 'J800', country: 'GB' }));
    expect(status.status).toBe('succeeded');
    expect(stepsOf(status)['set-manager']).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('own manager') });
    expect(t.sim.userByEmployeeId('J800')[0]?.managerId ?? null).toBeNull();
  });

  it("when a feed has two records for one worker, then the later record wins", async () => {
    const response = await t.host.postHr(
      JSON.stringify([
        hrEvent('joiner', { employeeId: 'J900', givenName: 'Dup', surname: 'Worker', department: 'Sales', country: 'GB' }),
        hrEvent('joiner', { employeeId: 'J900', givenName: 'Dup', surname: 'Worker', department: 'Engineering', country: 'GB' }),
      ]),
    );
    const { events } = (await response.json()) as { events: { eventId: string }[] };
    for (const e of events) await t.host.waitForStatus(e.eventId);
    const users = t.sim.userByEmployeeId('J900');
    expect(users).toHaveLength(1);
    expect(users[0]?.department).toBe('Engineering');
    expect(t.sim.groupsOf(users[0]!.id)).toEqual(['SG-All-Staff', 'SG-Engineering']);
  });

  it("when an employeeId carries an OData injection, then it matches no other account", async () => {
    const status = await postAndWait(t.host, hrEvent('mover', { employeeId: "M001' or 'a'='a", department: 'Sales' }));
    expect(status).toMatchObject({ status: 'dead-lettered', error: { code: 'find-user: UserNotFound' } });
    expect(t.sim.userByEmployeeId('M001')[0]?.department).not.toBe('Sales');
  });
});
