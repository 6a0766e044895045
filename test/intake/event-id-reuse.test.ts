import { parseHrRequest } from '../../shared/intake';
import { hrEvent, useTenantHost } from '../support/tenant';
import { eventsOf, issuesOf, options } from './support';

const worker = (employeeId: string) => ({ employeeId, givenName: 'Same', surname: `Id${employeeId}`, department: 'Sales', country: 'GB' });
const withId = (eventId: string, employeeId: string) => ({ ...hrEvent('joiner', worker(employeeId)), occurredAt: '2026-11-22T09:00:00Z', eventId });

describe('an eventId names one event', () => {
  it('when one request gives different workers the same eventId, then it is refused naming the records, instead of dropping all but one', () => {
    const issues = issuesOf(parseHrRequest(JSON.stringify([withId('dup-1', 'S1'), withId('dup-1', 'S2'), withId('dup-1', 'S3')]), 'application/json', options));
    expect(issues).toEqual([
      expect.objectContaining({ record: 1, field: 'eventId', message: expect.stringMatching(/record 0/) }),
      expect.objectContaining({ record: 2, field: 'eventId', message: expect.stringMatching(/record 0/) }),
    ]);
  });

  it('when one request repeats the same record under its eventId, then it is one event', () => {
    expect(eventsOf(parseHrRequest(JSON.stringify([withId('dup-2', 'S4'), withId('dup-2', 'S4')]), 'application/json', options))).toHaveLength(1);
  });

  it.each(['.', '..', 'a/b', 'p%41', 'x?y', 'x#y'])('when an eventId is %s, which cannot travel in a URL path as itself, then it is refused', (eventId) => {
    expect(issuesOf(parseHrRequest(JSON.stringify(withId(eventId, 'S5')), 'application/json', options))).toEqual([expect.objectContaining({ field: 'eventId' })]);
  });

  it("when the home tenant's HR sends an eventId shaped like a customer tenant's (acme:X), then it is refused: it would be that tenant's event", () => {
    expect(issuesOf(parseHrRequest(JSON.stringify(withId('acme:X1', 'S6')), 'application/json', options))).toEqual([expect.objectContaining({ field: 'eventId' })]);
  });
});

describe('an eventId across requests', () => {
  const t = useTenantHost();

  async function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await t.host.postHr(JSON.stringify(body));
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  it('when a later request reuses an accepted eventId for different content, then it answers 409 naming the eventId, and nothing of it is queued', async () => {
    expect((await post(withId('reuse-1', 'X1'))).status).toBe(202);
    const again = await post([withId('reuse-1b', 'X3'), withId('reuse-1', 'X2')]);
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.json)).toContain('reuse-1');
    expect(JSON.stringify(again.json)).not.toContain('Idx2');
    await new Promise((r) => setTimeout(r, 500));
    expect(t.sim.userByEmployeeId('X2')).toHaveLength(0);
    expect(t.sim.userByEmployeeId('X3')).toHaveLength(0);
  });

  it('when a ticket reuses an earlier ticket\'s requestId for a different request, then it is dead-lettered saying so, and nothing is done', async () => {
    const send = (body: Record<string, unknown>) => t.host.bus.createSender(t.host.settings.TICKET_QUEUE_NAME).sendMessages({ body });
    await send({ requestId: 'RITM-REUSE', action: 'onboard', employee: worker('X5') });
    await t.host.waitForStatus('ticket-RITM-REUSE');
    await send({ requestId: 'RITM-REUSE', action: 'onboard', employee: worker('X6') });
    await t.host.bus.waitForIdle();
    const letter = t.host.bus.peekDeadLetters(t.host.settings.TICKET_QUEUE_NAME).find((m) => (m.body as { employee?: { employeeId?: string } }).employee?.employeeId === 'X6');
    expect(letter?.deadLetterReason).toBe('EventIdConflict');
    expect(t.sim.userByEmployeeId('X6')).toHaveLength(0);
  });

  it('when the same request is posted again (a retry), then it is accepted again as the same events', async () => {
    const first = await post(withId('reuse-2', 'X4'));
    const again = await post(withId('reuse-2', 'X4'));
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.json.events).toEqual(first.json.events);
  });
});
