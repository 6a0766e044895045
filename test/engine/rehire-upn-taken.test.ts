import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

const t = useTenantHost();

const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({
  employeeId,
  givenName: 'Rehire',
  surname: `Taken${employeeId}`,
  department: 'Engineering',
  country: 'GB',
  ...extra,
});

/** Another person's account, made by hand in the 30 days, holding this UPN. */
async function someoneElseTakes(userPrincipalName: string): Promise<string> {
  const created = await t.sim.graph('POST', '/users', {
    accountEnabled: true, displayName: 'Someone Else', mailNickname: `other-${Date.now()}`, userPrincipalName, employeeId: 'OTHER1',
    passwordProfile: { password: 'Correct-Horse-9-battery', forceChangePasswordNextSignIn: true },
  });
  expect(created.status).toBe(201);
  return (created.json as { id: string }).id;
}

async function softDelete(employeeId: string): Promise<{ id: string; userPrincipalName: string }> {
  const [user] = t.sim.userByEmployeeId(employeeId);
  expect((await t.sim.graph('DELETE', `/users/${user!.id}`)).status).toBe(204);
  return user!;
}

const creates = () => t.host.simulator!.stats().byRoute['POST /users'] ?? 0;

describe('rehire whose old UPN was taken while the account was deleted', () => {
  it('when the template UPN is now another account, then the old account is restored under the next free UPN: one account, nothing duplicated', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('RT100')));
    const original = await softDelete('RT100');
    expect(original.userPrincipalName).toBe('rehire.takenrt100@contoso.com');
    const otherId = await someoneElseTakes(original.userPrincipalName);
    const createsBefore = creates();

    const rehired = await postAndWait(t.host, hrEvent('rehire', worker('RT100')));
    expect(rehired.status).toBe('succeeded');
    const restore = stepsOf(rehired)['restore-user'];
    expect(restore?.outcome).toBe('done');
    expect(restore?.detail).toBe(
      'restored rehire.takenrt100@contoso.com from deleted items as rehire.takenrt1002@contoso.com: rehire.takenrt100@contoso.com now belongs to another account',
    );
    expect(stepsOf(rehired)['create-user']).toBeUndefined();
    expect(creates()).toBe(createsBefore);
    const accounts = t.sim.userByEmployeeId('RT100');
    expect(accounts).toEqual([expect.objectContaining({ id: original.id, userPrincipalName: 'rehire.takenrt1002@contoso.com', accountEnabled: true })]);
    expect(t.sim.snapshot().deletedUsers.map((u) => u.id)).not.toContain(original.id);
    expect(t.sim.snapshot().users.find((u) => u.id === otherId)).toMatchObject({ userPrincipalName: original.userPrincipalName, employeeId: 'OTHER1' });
  });

  it('when the next UPNs are taken too, then the first free one is used', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('RT200')));
    const original = await softDelete('RT200');
    await someoneElseTakes(original.userPrincipalName);
    await someoneElseTakes('rehire.takenrt2002@contoso.com');
    const rehired = await postAndWait(t.host, hrEvent('rehire', worker('RT200')));
    expect(rehired.status).toBe('succeeded');
    expect(t.sim.userByEmployeeId('RT200')).toEqual([expect.objectContaining({ id: original.id, userPrincipalName: 'rehire.takenrt2003@contoso.com' })]);
  });

  it('when HR names the UPN and another account holds it, then nothing is restored or created and the dead letter names the conflict', async () => {
    const upn = 'rt300.named@contoso.com';
    await postAndWait(t.host, hrEvent('joiner', worker('RT300', { userPrincipalName: upn })));
    const original = await softDelete('RT300');
    await someoneElseTakes(upn);
    const createsBefore = creates();
    const rehired = await postAndWait(t.host, hrEvent('rehire', worker('RT300', { userPrincipalName: upn })));
    expect(rehired.status).toBe('dead-lettered');
    expect(rehired.error).toMatchObject({ code: 'find-user: UpnBelongsToAnotherWorker' });
    expect(creates()).toBe(createsBefore);
    expect(t.sim.userByEmployeeId('RT300')).toEqual([]);
    expect(t.sim.snapshot().deletedUsers.map((u) => u.id)).toContain(original.id);
  });

  it('when HR names a new UPN and the old one is taken, then the account is restored under the one HR named', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('RT500', { userPrincipalName: 'rt500.old@contoso.com' })));
    const original = await softDelete('RT500');
    await someoneElseTakes('rt500.old@contoso.com');
    const rehired = await postAndWait(t.host, hrEvent('rehire', worker('RT500', { userPrincipalName: 'rt500.new@contoso.com' })));
    expect(rehired.status).toBe('succeeded');
    expect(t.sim.userByEmployeeId('RT500')).toEqual([expect.objectContaining({ id: original.id, userPrincipalName: 'rt500.new@contoso.com' })]);
  });

  it('when Graph refuses the restore for another reason (an address conflict), then nothing is restored or created and the dead letter says what to do', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('RT600')));
    const original = await softDelete('RT600');
    const createsBefore = creates();
    t.host.simulator!.setFaults([{ method: 'POST', path: /\/directory\/deletedItems\/[^/]+\/restore$/, status: 400, code: 'Request_BadRequest', message: 'A conflicting object with one or more of the specified property values is present in the directory.', times: 1 }]);
    const rehired = await postAndWait(t.host, hrEvent('rehire', worker('RT600')));
    t.host.simulator!.setFaults([]);
    expect(rehired.status).toBe('dead-lettered');
    expect(rehired.error).toMatchObject({ code: 'restore-user: RestoreRefused' });
    expect(creates()).toBe(createsBefore);
    expect(t.sim.snapshot().deletedUsers.map((u) => u.id)).toContain(original.id);
    const letter = t.host.bus.peekDeadLetters(t.host.settings.PROCESSING_QUEUE_NAME).find((m) => m.deadLetterReason === 'restore-user: RestoreRefused');
    expect(letter?.deadLetterErrorDescription).toMatch(/restore the account by hand in the Entra admin center/);
  });

  it('when the account was restored under a new UPN and HR sends the rehire again, then it is found and not restored or created twice', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('RT400')));
    const original = await softDelete('RT400');
    await someoneElseTakes(original.userPrincipalName);
    await postAndWait(t.host, hrEvent('rehire', worker('RT400')));
    const createsBefore = creates();
    const again = await postAndWait(t.host, hrEvent('rehire', worker('RT400', { department: 'Sales' })));
    expect(again.status).toBe('succeeded');
    expect(stepsOf(again)['restore-user']).toBeUndefined();
    expect(creates()).toBe(createsBefore);
    expect(t.sim.userByEmployeeId('RT400')).toEqual([expect.objectContaining({ id: original.id, userPrincipalName: 'rehire.takenrt4002@contoso.com', department: 'Sales' })]);
  });
});
