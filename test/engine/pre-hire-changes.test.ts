import { MINUTE, usePreHireHost } from '../support/pre-hire-host';
import { stepsOf } from '../support/tenant';

/**
 * A future-dated hire whose date HR moves, or that HR cancels, before the start. The copies the
 * joiner scheduled are already on the queue for the old times; each reads the worker's pending hire
 * when it comes, so the latest date is followed and a leaver before the start wins.
 */
const { context: t, post, hireDay, startOf, at, statusOf, accountOf, passesFor, joiner, hrEventNow: hrEvent } = usePreHireHost();

const mover = (employeeId: string, employee: Record<string, unknown>, eventId: string) => hrEvent('mover', { employeeId, ...employee }, { eventId });

describe('a hire date moved before the start', () => {
  it('when HR moves the hire later, before and after the account exists, then nothing is made or enabled at the old times and each step comes at the new ones', async () => {
    const first = startOf(hireDay(10));
    const later = hireDay(20);
    const laterTimes = startOf(later);
    await post(joiner('PH-600', hireDay(10)));
    await post(mover('PH-600', { hireDate: later }, 'prehire-move-PH-600-a'));
    const moved = await statusOf('prehire-move-PH-600-a');
    expect(moved.status).toBe('succeeded');
    expect(stepsOf(moved)['follow-pending-hire']).toMatchObject({ outcome: 'done', detail: expect.stringContaining(`${later} 09:00`) });

    // The copy scheduled for the old pre-hire comes, finds the new date, and makes nothing.
    await at(new Date(first.preHire.getTime() + MINUTE));
    expect(accountOf('PH-600')).toBeUndefined();
    expect(await statusOf('prehire-PH-600')).toMatchObject({ status: 'queued', nextAttemptAt: laterTimes.preHire.toISOString() });

    await at(new Date(laterTimes.preHire.getTime() + MINUTE));
    expect(accountOf('PH-600')?.accountEnabled).toBe(false);

    // Moved again once the account exists: the account's hire date follows, and the old start enables nothing.
    const latest = hireDay(12);
    const latestTimes = startOf(latest);
    await post(mover('PH-600', { hireDate: latest }, 'prehire-move-PH-600-b'));
    expect(new Date(String(accountOf('PH-600')?.employeeHireDate)).toISOString().slice(0, 10)).toBe(latest);
    await at(new Date(laterTimes.start.getTime() + MINUTE));
    expect(accountOf('PH-600')?.accountEnabled).toBe(false);
    expect(passesFor(accountOf('PH-600')?.userPrincipalName)).toEqual([]);
    expect(await statusOf('prehire-PH-600')).toMatchObject({ status: 'queued', nextAttemptAt: latestTimes.start.toISOString() });

    await at(new Date(latestTimes.start.getTime() + MINUTE));
    expect(accountOf('PH-600')?.accountEnabled).toBe(true);
    expect(passesFor(accountOf('PH-600')?.userPrincipalName)).toHaveLength(1);
  }, 90_000);

  it('when HR moves the hire sooner, then the account is made at once (the new pre-hire has passed), and moved to today it is enabled at once; the old copies then change nothing', async () => {
    const original = startOf(hireDay(20));
    await post(joiner('PH-700', hireDay(20)));
    const sooner = hireDay(4);
    await post(mover('PH-700', { hireDate: sooner }, 'prehire-move-PH-700-a'));
    expect(accountOf('PH-700')?.accountEnabled).toBe(false);
    expect(await statusOf('prehire-PH-700')).toMatchObject({ status: 'queued', nextAttemptAt: startOf(sooner).start.toISOString() });

    await post(mover('PH-700', { hireDate: hireDay(-1) }, 'prehire-move-PH-700-b'));
    expect(accountOf('PH-700')?.accountEnabled).toBe(true);
    expect(passesFor(accountOf('PH-700')?.userPrincipalName)).toHaveLength(1);
    expect((await statusOf('prehire-PH-700')).status).toBe('succeeded');

    // The copies scheduled for the first dates still come: they find the hire started.
    await at(new Date(original.preHire.getTime() + MINUTE));
    await at(new Date(original.start.getTime() + MINUTE));
    expect(passesFor(accountOf('PH-700')?.userPrincipalName)).toHaveLength(1);
    expect(t.sim.userByEmployeeId('PH-700')).toHaveLength(1);
  }, 90_000);

  it('when HR sends the joiner again with a new hire date and department before the account exists, then the account is made with them at the new pre-hire', async () => {
    await post(joiner('PH-800', hireDay(10)));
    const moved = hireDay(12);
    await post({ ...joiner('PH-800', moved, { department: 'Sales' }), eventId: 'prehire-PH-800-again' });
    expect((await statusOf('prehire-PH-800-again')).status).toBe('succeeded');
    await at(new Date(startOf(hireDay(10)).preHire.getTime() + MINUTE));
    expect(accountOf('PH-800')).toBeUndefined();
    await at(new Date(startOf(moved).preHire.getTime() + MINUTE));
    expect(accountOf('PH-800')).toMatchObject({ accountEnabled: false, department: 'Sales' });
    expect(t.sim.userByEmployeeId('PH-800')).toHaveLength(1);
  }, 90_000);
});

describe('a rehire for a worker whose hire waits', () => {
  it('when HR sends a rehire before and after the account exists, then it goes into the hire: nothing is enabled and no pass issued before the start, and the start enables it once', async () => {
    const day = hireDay(10);
    const { preHire, start } = startOf(day);
    await post(joiner('PH-650', day));
    await post(hrEvent('rehire', { employeeId: 'PH-650', givenName: 'Pre', surname: 'HirePH-650', country: 'GB', department: 'Finance', hireDate: day }, { eventId: 'prehire-rehire-PH-650-a' }));
    const first = await statusOf('prehire-rehire-PH-650-a');
    expect(first.status).toBe('succeeded');
    expect(stepsOf(first)['follow-pending-hire']).toMatchObject({ outcome: 'done' });
    expect(accountOf('PH-650')).toBeUndefined();

    await at(new Date(preHire.getTime() + MINUTE));
    expect(accountOf('PH-650')).toMatchObject({ accountEnabled: false, department: 'Finance' });
    await post(hrEvent('rehire', { employeeId: 'PH-650', givenName: 'Pre', surname: 'HirePH-650', country: 'GB', department: 'Legal', hireDate: day }, { eventId: 'prehire-rehire-PH-650-b' }));
    expect((await statusOf('prehire-rehire-PH-650-b')).status).toBe('succeeded');
    expect(accountOf('PH-650')).toMatchObject({ accountEnabled: false, department: 'Legal' });
    expect(passesFor(accountOf('PH-650')?.userPrincipalName)).toEqual([]);

    await at(new Date(start.getTime() + MINUTE));
    expect(accountOf('PH-650')?.accountEnabled).toBe(true);
    expect(passesFor(accountOf('PH-650')?.userPrincipalName)).toHaveLength(1);
    expect(t.sim.userByEmployeeId('PH-650')).toHaveLength(1);
  }, 90_000);
});

describe('a hire cancelled before the start', () => {
  it('when a leaver comes after the account was made and before the start, then the joiner ends skipped, the account stays off and is offboarded, and the start enables nothing', async () => {
    const times = startOf(hireDay(10));
    await post(joiner('PH-900', hireDay(10)));
    await at(new Date(times.preHire.getTime() + MINUTE));
    const made = accountOf('PH-900');
    expect(made?.accountEnabled).toBe(false);

    await post(hrEvent('leaver', { employeeId: 'PH-900' }, { eventId: 'prehire-withdrawn-PH-900' }));
    const left = await statusOf('prehire-withdrawn-PH-900');
    expect(stepsOf(left)['cancel-pending-hire']).toMatchObject({ outcome: 'done', detail: expect.stringContaining('prehire-PH-900') });
    expect(await statusOf('prehire-PH-900')).toMatchObject({ status: 'skipped', error: { code: 'HireCancelled' } });
    expect(t.sim.groupsOf(made!.id)).toEqual([]);

    await at(new Date(times.start.getTime() + MINUTE));
    expect(accountOf('PH-900')?.accountEnabled).toBe(false);
    expect(passesFor(made!.userPrincipalName)).toEqual([]);
    expect((await statusOf('prehire-PH-900')).status).toBe('skipped');
  }, 90_000);

  it('when a leaver comes before the account was made, then no account is ever made', async () => {
    const times = startOf(hireDay(10));
    await post(joiner('PH-950', hireDay(10)));
    await post(hrEvent('leaver', { employeeId: 'PH-950' }, { eventId: 'prehire-withdrawn-PH-950' }));
    expect((await statusOf('prehire-withdrawn-PH-950')).status).toBe('succeeded');
    await at(new Date(times.preHire.getTime() + MINUTE));
    await at(new Date(times.start.getTime() + MINUTE));
    expect(t.sim.userByEmployeeId('PH-950')).toHaveLength(0);
    expect((await statusOf('prehire-PH-950')).status).toBe('skipped');
  }, 90_000);

  it('when a leaver is dated after the start (a fixed-term hire sent at once), then the hire still starts and the leaver comes at its date', async () => {
    const day = hireDay(10);
    const times = startOf(day);
    await post(joiner('PH-990', day));
    await post(hrEvent('leaver', { employeeId: 'PH-990' }, { eventId: 'prehire-fixed-term-PH-990', effectiveAt: new Date(times.start.getTime() + 30 * 24 * 3600_000).toISOString() }));
    expect(stepsOf(await statusOf('prehire-fixed-term-PH-990'))['cancel-pending-hire']).toBeUndefined();
    expect(accountOf('PH-990')).toBeUndefined();
    await at(new Date(times.preHire.getTime() + MINUTE));
    expect(accountOf('PH-990')?.accountEnabled).toBe(false);
    await at(new Date(times.start.getTime() + MINUTE));
    expect(accountOf('PH-990')?.accountEnabled).toBe(true);
    expect((await statusOf('prehire-PH-990')).status).toBe('succeeded');
    expect(await statusOf('prehire-fixed-term-PH-990')).toMatchObject({ status: 'queued', nextAttemptAt: new Date(times.start.getTime() + 30 * 24 * 3600_000).toISOString() });
  }, 90_000);
});
