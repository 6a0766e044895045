import { hrEvent, postAndWait, useTenantHost } from '../support/tenant';

/**
 * An eventId may have 128 characters, Service Bus's longest messageId
 * (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas); the copies the app
 * sends of such an event (a retry, a replay) must still be sendable.
 */
const t = useTenantHost();
afterEach(() => t.host.simulator!.setFaults([]));

const longId = (tag: string) => `workday-${tag}-${'0123456789'.repeat(13)}`.slice(0, 128);
const worker = (employeeId: string) => ({ employeeId, givenName: 'Long', surname: `Id${employeeId}`, department: 'Engineering', country: 'GB' });

describe('events whose ids are as long as a messageId may be', () => {
  it('when a joiner with a 128-character eventId fails transiently, then its retry copy is scheduled on the queue (not redelivered at once) and the joiner succeeds', async () => {
    t.host.simulator!.setFaults([{ method: 'POST', path: /^\/groups\/[^/]+\/members\/\$ref$/, status: 503, times: 8, retryAfterSeconds: 0 }]);
    let scheduled = 0;
    const watch = setInterval(() => (scheduled = Math.max(scheduled, t.host.bus.counts(t.host.settings.PROCESSING_QUEUE_NAME).scheduled)), 10);

    // Two backoffs of up to 5 and 10 s: on a loaded machine that can pass postAndWait's 20 s, so this waits longer.
    const posted = await t.host.postHr(JSON.stringify(hrEvent('joiner', worker('L100'), { eventId: longId('retry') })));
    expect(posted.status).toBe(202);
    const status = await t.host.waitForStatus(longId('retry'), undefined, 45_000).finally(() => clearInterval(watch));

    expect(status).toMatchObject({ eventId: longId('retry'), status: 'succeeded' });
    expect(status.attempts).toBeGreaterThanOrEqual(2);
    expect(scheduled).toBeGreaterThanOrEqual(1);
    expect(t.host.bus.peekDeadLetters(t.host.settings.PROCESSING_QUEUE_NAME).filter((m) => String(m.messageId).startsWith('workday-retry'))).toEqual([]);
  }, 60_000);

  it('when a dead-lettered event with a 128-character eventId is replayed, then the replay is queued and the event runs again', async () => {
    t.host.simulator!.setFaults([{ method: 'POST', path: /members\/\$ref$/, status: 403, times: 1 }]);
    const first = await postAndWait(t.host, hrEvent('joiner', worker('L200'), { eventId: longId('replay') }));
    expect(first.status).toBe('dead-lettered');
    t.host.simulator!.setFaults([]);

    const response = await fetch(`${t.host.url}/api/manage/dead-letters/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messageId: longId('replay') }),
    });

    expect(response.status).toBe(202);
    await expect(t.host.waitForStatus(longId('replay'), ['succeeded'], 20_000)).resolves.toMatchObject({ status: 'succeeded' });
  }, 30_000);
});
