import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

const t = useTenantHost();

const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({
  employeeId,
  givenName: 'Test',
  surname: `Worker${employeeId}`,
  department: 'Engineering',
  country: 'GB',
  ...extra,
});

async function groupId(name: string): Promise<string> {
  return t.sim.snapshot().groups.find((g) => g.displayName === name)!.id;
}

describe('mover', () => {
  it('when an engineer moves to Sales, then rule groups follow and a manual membership stays', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('M100')));
    const [user] = t.sim.userByEmployeeId('M100');
    const manual = await t.sim.graph('POST', `/groups/${await groupId('SG-Contractors')}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user!.id}`,
    });
    expect(manual.status).toBe(204);
    // SG-Contractors is rule-managed, so use a group no rule names for the manual membership.
    const unmanaged = await t.sim.graph('POST', '/groups', { displayName: 'Project X', mailEnabled: false, mailNickname: 'projectx', securityEnabled: true });
    expect(unmanaged.status).toBe(201);
    await t.sim.graph('POST', `/groups/${(unmanaged.json as { id: string }).id}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user!.id}` });

    const moved = await postAndWait(t.host, hrEvent('mover', worker('M100', { department: 'Sales', jobTitle: 'Account Executive' })));
    expect(moved.status).toBe('succeeded');
    expect(t.sim.groupsOf(user!.id)).toEqual(['Project X', 'SG-All-Staff', 'SG-Sales']);
    expect(t.sim.userByEmployeeId('M100')[0]).toMatchObject({ department: 'Sales' });
  });

  it('when a mover has no account, then the event is dead-lettered saying a joiner is needed, and no account is created', async () => {
    const status = await postAndWait(t.host, hrEvent('mover', worker('M999')));
    expect(status.status).toBe('dead-lettered');
    expect(status.error).toMatchObject({ code: 'find-user: UserNotFound' });
    expect(t.sim.userByEmployeeId('M999')).toHaveLength(0);
  });
});

describe('leaver and rehire', () => {
  it('when a worker leaves, then sign-in is off, sessions revoked, leave date set, rule groups and licences removed, deletion scheduled', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('L100')));
    const [before] = t.sim.userByEmployeeId('L100');
    expect(t.sim.skusOf(before!)).toEqual(['SPE_E3']);

    const left = await postAndWait(t.host, hrEvent('leaver', worker('L100')), 'delete-account');
    const steps = stepsOf(left);
    expect(steps['disable-sign-in']?.outcome).toBe('done');
    expect(steps['revoke-sessions']?.outcome).toBe('done');
    expect(steps['remove-groups']?.outcome).toBe('done');
    expect(steps['remove-licences']?.outcome).toBe('done');
    expect(steps['delete-account']?.outcome).toBe('pending');
    const [after] = t.sim.userByEmployeeId('L100');
    expect(after).toMatchObject({ accountEnabled: false });
    expect(after?.employeeLeaveDateTime).toBeTruthy();
    expect(t.sim.groupsOf(after!.id)).toEqual([]);
    expect(t.sim.skusOf(after!)).toEqual([]);
    // The deletion is a scheduled copy of the event, sent just after the step is recorded.
    const deadline = Date.now() + 5_000;
    while (t.host.bus.counts(t.host.settings.PROCESSING_QUEUE_NAME).scheduled < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(t.host.bus.counts(t.host.settings.PROCESSING_QUEUE_NAME).scheduled).toBeGreaterThanOrEqual(1);
  });

  it('when a leaver is dated in the future, then nothing changes yet and the event waits for its date', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('L200')));
    const future = new Date(Date.now() + 7 * 24 * 3600_000).toISOString();
    const status = await postAndWait(t.host, hrEvent('leaver', worker('L200'), { effectiveAt: future }), 'wait-until-effective');
    expect(stepsOf(status)['wait-until-effective']?.outcome).toBe('pending');
    expect(t.sim.userByEmployeeId('L200')[0]?.accountEnabled).toBe(true);
  });

  it('when a leaver is rehired, then the same account is enabled again with its leave date cleared and rules reapplied', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('R100')));
    const [original] = t.sim.userByEmployeeId('R100');
    await postAndWait(t.host, hrEvent('leaver', worker('R100')), 'delete-account');
    const rehired = await postAndWait(t.host, hrEvent('rehire', worker('R100', { department: 'Sales' })));
    expect(rehired.status).toBe('succeeded');
    const users = t.sim.userByEmployeeId('R100');
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ id: original!.id, accountEnabled: true, employeeLeaveDateTime: null, department: 'Sales' });
    expect(t.sim.groupsOf(original!.id)).toEqual(['SG-All-Staff', 'SG-Sales']);
    expect(t.sim.skusOf(users[0]!)).toEqual(['SPE_E3']);
  });

  it('when a soft-deleted worker is rehired, then the account is restored from deleted items, not created again', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('R200')));
    const [original] = t.sim.userByEmployeeId('R200');
    const deleted = await t.sim.graph('DELETE', `/users/${original!.id}`);
    expect(deleted.status).toBe(204);
    const plan = await t.host.postHr(JSON.stringify(hrEvent('rehire', worker('R200'))), { query: '?dryRun=true' });
    const [planned] = ((await plan.json()) as { events: { steps: { name: string; outcome: string }[] }[] }).events;
    expect(planned!.steps.map((s) => [s.name, s.outcome])).toEqual([['find-user', 'done'], ['restore-user', 'planned']]);
    const rehired = await postAndWait(t.host, hrEvent('rehire', worker('R200')));
    expect(stepsOf(rehired)['restore-user']?.outcome).toBe('done');
    expect(t.sim.userByEmployeeId('R200').map((u) => u.id)).toEqual([original!.id]);
  });

  it('when HR sends a leaver naming the break-glass UPN for a worker it does not belong to, then nothing is changed', async () => {
    const status = await postAndWait(t.host, hrEvent('leaver', { employeeId: 'BG0', userPrincipalName: 'breakglass@contoso.com' }));
    expect(status).toMatchObject({ status: 'dead-lettered', error: { code: 'find-user: UpnAccountUnclaimed' } });
    expect(t.sim.snapshot().users.find((u) => u.userPrincipalName === 'breakglass@contoso.com')?.accountEnabled).toBe(true);
  });

  it('when HR sends a leaver for the break-glass account, then nothing is changed and the dead letter says why', async () => {
    const breakglassId = t.sim.snapshot().users.find((u) => u.userPrincipalName === 'breakglass@contoso.com')!.id;
    expect((await t.sim.graph('PATCH', `/users/${breakglassId}`, { employeeId: 'BG1' })).status).toBe(204);
    const status = await postAndWait(t.host, hrEvent('leaver', { employeeId: 'BG1', userPrincipalName: 'breakglass@contoso.com' }));
    expect(status.status).toBe('dead-lettered');
    const breakglass = t.sim.snapshot().users.find((u) => u.userPrincipalName === 'breakglass@contoso.com');
    expect(breakglass?.accountEnabled).toBe(true);
    const letter = t.host.bus.peekDeadLetters(t.host.settings.PROCESSING_QUEUE_NAME).find((m) => (m.body as { employee: { employeeId: string } }).employee.employeeId === 'BG1');
    expect(letter?.deadLetterReason).toBe('check-protection: ProtectedAccount');
  });
});
