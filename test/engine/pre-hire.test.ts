import { DateTime } from 'luxon';
import { DAY, MINUTE, WRITES, ZONE, usePreHireHost } from '../support/pre-hire-host';
import { serviceDurations } from '../../shared/ledger/service-durations';
import type { EventRecord } from '../../shared/ledger/types';
import { hrEvent, stepsOf } from '../support/tenant';

/**
 * Future-dated hires against the simulated tenant, days passing on a clock the test moves: the
 * account made, sign-in off, PRE_HIRE_DAYS (7) before the start; enabled, with its Temporary Access
 * Pass and the `onboarded` custom step, at 09:00 of the hire date in the tenant's zone (Auckland).
 */
const { context: t, post, hireDay, startOf, at, statusOf, accountOf, passesFor, callsAt, joiner, hrEventNow } = usePreHireHost();

describe('a joiner hired days ahead', () => {
  it('when the hire is ten days out, then nothing exists now, the account is made sign-in off with its groups, licence and manager seven days before, and it is enabled with a pass at 09:00 of the hire date in the tenant zone', async () => {
    const day = hireDay(10);
    const { start, preHire } = startOf(day);
    await post(joiner('PH-100', day));

    const waiting = await statusOf('prehire-PH-100');
    expect(waiting).toMatchObject({ status: 'queued', nextAttemptAt: preHire.toISOString() });
    expect(stepsOf(waiting)['wait-until-pre-hire']).toMatchObject({ outcome: 'pending', detail: expect.stringContaining(preHire.toISOString()) });
    expect(stepsOf(waiting)['enable-at-start']).toMatchObject({ outcome: 'pending', detail: expect.stringContaining(`${day} 09:00 ${ZONE}`) });
    expect(accountOf('PH-100')).toBeUndefined();

    await at(new Date(preHire.getTime() - DAY));
    expect(accountOf('PH-100')).toBeUndefined();

    await at(new Date(preHire.getTime() + MINUTE));
    const made = accountOf('PH-100');
    expect(made).toMatchObject({ accountEnabled: false, managerId: accountOf('PH-BOSS')?.id });
    expect(t.sim.groupsOf(made!.id)).toEqual(['SG-All-Staff']);
    expect(t.sim.skusOf(made!)).toEqual(['SPE_E3']);
    expect(passesFor(made!.userPrincipalName)).toEqual([]);
    expect({ created: callsAt('account-created', 'PH-100').length, onboarded: callsAt('onboarded', 'PH-100').length }).toEqual({ created: 1, onboarded: 0 });
    const prepared = await statusOf('prehire-PH-100');
    expect(prepared).toMatchObject({ status: 'queued', nextAttemptAt: start.toISOString() });
    // The start is 09:00 in Auckland, not at a UTC midnight.
    expect(DateTime.fromISO(String(prepared.nextAttemptAt)).setZone(ZONE).toFormat('yyyy-MM-dd HH:mm')).toBe(`${day} 09:00`);

    await at(new Date(start.getTime() + MINUTE));
    expect(accountOf('PH-100')?.accountEnabled).toBe(true);
    expect(passesFor(made!.userPrincipalName)).toEqual([expect.objectContaining({ reason: 'joiner' })]);
    expect(callsAt('onboarded', 'PH-100')).toHaveLength(1);
    const started = await statusOf('prehire-PH-100');
    expect(started.status).toBe('succeeded');
    expect(stepsOf(started)['enable-sign-in']).toMatchObject({ outcome: 'done' });
    expect(stepsOf(started)['issue-temporary-access-pass']).toMatchObject({ outcome: 'done' });
    // Its service level counts from the start HR gave, not from its acceptance ten days before.
    expect(stepsOf(started)['enable-at-start']).toMatchObject({ outcome: 'done', dueAt: start.toISOString() });
    expect(serviceDurations(started as unknown as EventRecord).productiveSeconds).toBeLessThanOrEqual(MINUTE / 1000 + 60);
  }, 60_000);

  it('when the hire date is within PRE_HIRE_DAYS, then the account is made at once, sign-in off and no pass, and enabled at the start', async () => {
    const day = hireDay(3);
    const { start } = startOf(day);
    await post(joiner('PH-200', day));
    const made = accountOf('PH-200');
    expect(made?.accountEnabled).toBe(false);
    expect(t.sim.groupsOf(made!.id)).toEqual(['SG-All-Staff']);
    expect(passesFor(made!.userPrincipalName)).toEqual([]);
    expect(await statusOf('prehire-PH-200')).toMatchObject({ status: 'queued', nextAttemptAt: start.toISOString() });

    await at(new Date(start.getTime() + MINUTE));
    expect(accountOf('PH-200')?.accountEnabled).toBe(true);
    expect(passesFor(made!.userPrincipalName)).toHaveLength(1);
  }, 60_000);

  it('when the hire date has passed, then the account is made and enabled at once with its pass, as any joiner', async () => {
    await post(joiner('PH-300', hireDay(-2)));
    const made = accountOf('PH-300');
    expect(made?.accountEnabled).toBe(true);
    expect(passesFor(made!.userPrincipalName)).toHaveLength(1);
    expect((await statusOf('prehire-PH-300')).status).toBe('succeeded');
  });

  it('when a copy is delivered twice (pre-hire and start), then the second writes nothing to the tenant and one pass is issued', async () => {
    const day = hireDay(10);
    const { start, preHire } = startOf(day);
    await post(joiner('PH-400', day));
    t.time.advanceTo(new Date(preHire.getTime() + MINUTE));
    const preHireCopy = t.time.heldFor('prehire-PH-400')[0]!;
    await t.time.deliverDue(t.host);
    const sender = t.host.bus.createSender(t.host.settings.PROCESSING_QUEUE_NAME);
    const from = t.observed.length;
    await sender.sendMessages({ ...preHireCopy.message, messageId: `${String(preHireCopy.message.messageId)}-again` });
    await t.host.bus.waitForIdle(30_000);
    expect(t.observed.length).toBeGreaterThan(from);
    expect(t.observed.slice(from).filter((r) => WRITES.test(r.route) && r.route !== 'POST /$batch')).toEqual([]);
    expect(t.sim.userByEmployeeId('PH-400')).toHaveLength(1);

    t.time.advanceTo(new Date(start.getTime() + MINUTE));
    const startCopy = t.time.heldFor('prehire-PH-400')[0]!;
    await t.time.deliverDue(t.host);
    await sender.sendMessages({ ...startCopy.message, messageId: `${String(startCopy.message.messageId)}-again` });
    await t.host.bus.waitForIdle(30_000);
    expect(accountOf('PH-400')?.accountEnabled).toBe(true);
    expect(passesFor(accountOf('PH-400')?.userPrincipalName)).toHaveLength(1);
    expect(callsAt('onboarded', 'PH-400')).toHaveLength(1);
  }, 60_000);
});

describe('a dry run of a future-dated joiner', () => {
  it('when a joiner hired ten days out is planned, then the plan says when the account is made and when it is enabled, and nothing is made', async () => {
    const day = hireDay(10);
    const { start, preHire } = startOf(day);
    const response = await t.host.postHr(JSON.stringify(joiner('PH-500', day)), { query: '?dryRun=true' });
    expect(response.status).toBe(200);
    const { events: plans } = (await response.json()) as { events: { verdict: string; steps: { name: string; outcome: string; detail?: string }[] }[] };
    const planned = Object.fromEntries(plans[0]!.steps.map((s) => [s.name, s]));
    expect(plans[0]!.verdict).toBe('later');
    expect(planned['wait-until-pre-hire']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining(preHire.toISOString()) });
    expect(planned['enable-at-start']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining(start.toISOString()) });
    // The account the pre-hire day would make, in order between the two dates; no pass before the start.
    expect(planned['create-user']).toMatchObject({ outcome: 'planned', detail: expect.stringMatching(/^would create future\.ph500@.*sign-in off until the start/) });
    const names = plans[0]!.steps.map((s) => s.name);
    expect(names.indexOf('wait-until-pre-hire')).toBeLessThan(names.indexOf('create-user'));
    expect(names.indexOf('create-user')).toBeLessThan(names.indexOf('enable-at-start'));
    expect(planned['issue-temporary-access-pass']).toBeUndefined();
    await t.host.bus.waitForIdle();
    expect(accountOf('PH-500')).toBeUndefined();
    expect(t.time.heldFor('prehire-PH-500')).toEqual([]);
  });

  it('when a mover moving a waiting hire, and a leaver before its start, are planned, then each plan says what it would do to the hire, and the hire keeps its dates', async () => {
    const day = hireDay(10);
    const { preHire } = startOf(day);
    await post(joiner('PH-510', day));
    const later = hireDay(15);
    const plan = async (event: unknown) => {
      const response = await t.host.postHr(JSON.stringify(event), { query: '?dryRun=true' });
      expect(response.status).toBe(200);
      const { events } = (await response.json()) as { events: { steps: { name: string; outcome: string; detail?: string }[] }[] };
      return Object.fromEntries(events[0]!.steps.map((s) => [s.name, s]));
    };
    const moved = await plan(hrEventNow('mover', { employeeId: 'PH-510', hireDate: later }, { eventId: 'prehire-plan-move-PH-510' }));
    expect(moved['follow-pending-hire']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining(`${later} 09:00 ${ZONE}`) });
    // A dry run reads the real clock (only processing reads the test's, which earlier specs moved on): a leaver effective now by it.
    const left = await plan(hrEvent('leaver', { employeeId: 'PH-510' }, { eventId: 'prehire-plan-leave-PH-510' }));
    expect(left['cancel-pending-hire']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining('no account had been made yet') });

    expect(await statusOf('prehire-PH-510')).toMatchObject({ status: 'queued', nextAttemptAt: preHire.toISOString() });
    await at(new Date(preHire.getTime() + MINUTE));
    expect(accountOf('PH-510')?.accountEnabled).toBe(false);
  }, 60_000);
});
