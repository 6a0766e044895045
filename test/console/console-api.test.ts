import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hrEvent, postAndWait, useTenantHost } from '../support/tenant';

/** The app's rules with a mass-leaver threshold of two: the third and fourth leaver of the hour are held. */
function rulesWithThresholdTwo(): string {
  const rules = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'config', 'rules.json'), 'utf8')) as Record<string, unknown>;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'console-api-rules-')), 'rules.json');
  writeFileSync(file, JSON.stringify({ ...rules, massLeaver: { threshold: 2, windowMinutes: 60 } }));
  return file;
}

const t = useTenantHost({ env: { RULES_FILE: rulesWithThresholdTwo(), AUDIT_CONTAINER_NAME: `console-api-${Date.now()}` } });
const worker = (employeeId: string) => ({ employeeId, givenName: 'Api', surname: `Worker${employeeId}`, department: 'Engineering', country: 'GB' });

async function get<T = Record<string, unknown>>(route: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${t.host.url}/api/console/${route}`);
  return { status: response.status, body: (await response.json()) as T };
}

async function post(route: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${t.host.url}/api/console/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls until `check` gives something (the queue runs on its own schedule). */
async function until<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await check();
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not there after ${timeoutMs} ms`);
}

interface Summary { eventId: string; employeeId: string; type: string; status: string; updatedAt: string }
interface EventsBody { events: Summary[]; counts: Record<string, number>; next?: string; latest?: string }
interface StuckBody { deadLetters: { reason: string; remedy: string; count: number; releasable: boolean; items: { messageId: string; eventId?: string; employeeId?: string }[] }[] }

describe('console API over the local host', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // A mover before its worker's joiner: dead-lettered (no such account), a dead letter that is not a hold.
    ids.mover = String((await postAndWait(t.host, hrEvent('mover', { employeeId: 'CA-M1', department: 'Sales' }))).eventId);
    for (const id of ['CA-1', 'CA-2', 'CA-3', 'CA-4']) ids[`joiner-${id}`] = String((await postAndWait(t.host, hrEvent('joiner', worker(id)))).eventId);
    // A leaver stays queued for its deletion after the retention: waited for until its licence step.
    for (const id of ['CA-1', 'CA-2', 'CA-3', 'CA-4']) ids[`leaver-${id}`] = String((await postAndWait(t.host, hrEvent('leaver', worker(id)), 'remove-licences')).eventId);
    await t.host.bus.waitForIdle();
  }, 120_000);

  it('when events were processed, then the list shows them newest first with counts per status', async () => {
    const { status, body } = await get<EventsBody>('events');
    expect(status).toBe(200);
    const listed = body.events.map((e) => e.eventId);
    expect(listed).toEqual(expect.arrayContaining(Object.values(ids)));
    expect(listed.indexOf(ids['leaver-CA-4']!)).toBeLessThan(listed.indexOf(ids['joiner-CA-1']!));
    expect(body.counts).toMatchObject({ succeeded: 4, queued: 2, 'dead-lettered': 3 });
  });

  it('when filtered by type, status and employeeId, then only the matching events come, and the counts keep every status', async () => {
    const { body } = await get<EventsBody>('events?type=leaver&status=dead-lettered');
    expect(body.events.map((e) => e.employeeId).sort()).toEqual(['CA-3', 'CA-4']);
    expect(body.counts).toMatchObject({ queued: 2, 'dead-lettered': 2 });
    const one = await get<EventsBody>('events?employeeId=CA-2');
    expect(one.body.events.map((e) => e.type).sort()).toEqual(['joiner', 'leaver']);
  });

  it('when a page is smaller than the list, then next continues where it stopped, without repeats', async () => {
    const first = await get<EventsBody>('events?limit=4');
    expect(first.body.events).toHaveLength(4);
    expect(first.body.next).toBeDefined();
    const second = await get<EventsBody>(`events?limit=4&after=${encodeURIComponent(first.body.next!)}`);
    const overlap = second.body.events.filter((e) => first.body.events.some((f) => f.eventId === e.eventId));
    expect(second.body.events.length).toBeGreaterThan(0);
    expect(overlap).toEqual([]);
  });

  it('when polled with since=latest, then only events changed after it come (the live list)', async () => {
    const { body } = await get<EventsBody>('events');
    const quiet = await get<EventsBody>(`events?since=${encodeURIComponent(body.latest!)}`);
    expect(quiet.body.events).toEqual([]);
    const fresh = String((await postAndWait(t.host, hrEvent('joiner', worker('CA-5')))).eventId);
    const live = await get<EventsBody>(`events?since=${encodeURIComponent(body.latest!)}`);
    expect(live.body.events.map((e) => e.eventId)).toContain(fresh);
  });

  it('when a query is not one the route reads, then 400 names the field', async () => {
    expect((await get('events?status=stuck')).status).toBe(400);
    expect((await get('events?from=2026-12-02&to=2026-11-01')).status).toBe(400);
    expect((await get('events?after=forged')).status).toBe(400);
    expect((await get('events?unknown=1')).status).toBe(400);
  });

  it("when a worker's timeline is asked, then each event comes oldest first with its steps, and the leaver snapshot", async () => {
    const { status, body } = await get<{ events: { eventId: string; steps: { name: string; outcome: string; durationMs: number; detail?: string }[] }[]; snapshot?: { summary: { leaverEventId: string } } }>('workers/CA-1');
    expect(status).toBe(200);
    expect(body.events.map((e) => e.eventId)).toEqual([ids['joiner-CA-1'], ids['leaver-CA-1']]);
    const joinerSteps = body.events[0]!.steps;
    expect(joinerSteps.map((s) => s.name)).toEqual(expect.arrayContaining(['create-user', 'groups', 'licences']));
    expect(joinerSteps.every((s) => typeof s.durationMs === 'number')).toBe(true);
    expect(body.events[1]!.steps.map((s) => s.name)).toEqual(expect.arrayContaining(['disable-sign-in', 'revoke-sessions']));
    expect(body.snapshot?.summary.leaverEventId).toBe(ids['leaver-CA-1']);
    expect((await get('workers/NOBODY')).status).toBe(404);
  });

  it('when dead letters exist, then they are grouped by reason with the remedy, the mass-leaver hold releasable', async () => {
    const { body } = await get<StuckBody>('stuck');
    const hold = body.deadLetters.find((g) => g.reason === 'mass-leaver-guard: MassLeaverHold');
    expect(hold).toMatchObject({ count: 2, releasable: true });
    expect(hold!.remedy).toMatch(/Release/);
    expect(hold!.items.map((i) => i.employeeId).sort()).toEqual(['CA-3', 'CA-4']);
    const other = body.deadLetters.find((g) => g.items.some((i) => i.eventId === ids.mover));
    expect(other).toMatchObject({ releasable: false });
    expect(other!.remedy.length).toBeGreaterThan(10);
  });

  it('when a release names the held leavers and an unrelated dead letter, then only the held leavers are released', async () => {
    const stuck = (await get<StuckBody>('stuck')).body;
    const all = stuck.deadLetters.flatMap((g) => g.items.map((i) => i.messageId));
    expect((await post('dead-letters/release', { messageIds: all, reason: 'find-user: UserNotFound' })).status).toBe(400);
    const released = await post('dead-letters/release', { messageIds: all, comment: 'The CA leavers are genuine.' });
    expect(released.status).toBe(202);
    expect(released.body.released).toBe(2);
    // Locally the approver is the machine's operator: the release is in each event's ledger record as an approval.
    for (const id of [ids['leaver-CA-3']!, ids['leaver-CA-4']!]) {
      const record = (await (await fetch(`${t.host.url}/api/events/${id}`)).json()) as { approvals?: unknown[] };
      expect(record.approvals).toEqual([expect.objectContaining({ decision: 'approve', by: { name: 'local operator' }, comment: 'The CA leavers are genuine.' })]);
    }
    // Released, each goes on to wait for its deletion like any leaver.
    expect((await t.host.waitForStatus(ids['leaver-CA-3']!, ['queued'])).steps).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'revoke-sessions', outcome: 'done' })]));
    expect((await t.host.waitForStatus(ids['leaver-CA-4']!, ['queued'])).steps).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'revoke-sessions', outcome: 'done' })]));
    const after = (await get<StuckBody>('stuck')).body;
    expect(after.deadLetters.flatMap((g) => g.items.map((i) => i.eventId))).toContain(ids.mover);
  });

  it('when a replay names a reason, then only dead letters with that reason go back, and one without a selection is refused', async () => {
    expect((await post('dead-letters/replay', {})).status).toBe(400);
    expect((await post('dead-letters/replay', { reason: 'no-such: Reason' })).body).toMatchObject({ replayed: 0 });
    const group = (await get<StuckBody>('stuck')).body.deadLetters.find((g) => g.items.some((i) => i.eventId === ids.mover))!;
    const replayed = await post('dead-letters/replay', { reason: group.reason });
    expect(replayed.body).toMatchObject({ replayed: 1 });
  });

  it('when an event waits behind an earlier event of its worker, then stuck lists it with what it waits for and until when', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('CA-W')));
    const ticket = (requestId: string, body: Record<string, unknown>) =>
      t.host.bus.createSender(t.host.settings.TICKET_QUEUE_NAME).sendMessages({ messageId: requestId, body: { requestId, ...body } });
    // No free EXCHANGESTANDARD seats in the simulated tenant: the ticket retries, and holds the worker's lane.
    await ticket('CA-SEATS', { action: 'assign-licence', sku: 'EXCHANGESTANDARD', employee: { employeeId: 'CA-W' } });
    await until(async () => ((await (await fetch(`${t.host.url}/api/events/ticket-CA-SEATS`)).json()) as { error?: { code?: string } }).error?.code === 'RetryScheduled');
    await ticket('CA-BEHIND', { action: 'add-group', group: 'SG-Engineering', employee: { employeeId: 'CA-W' } });
    const waiting = await until(async () => {
      const { body } = await get<{ waiting: { eventId: string; waitsFor?: string; until?: string; employeeId: string }[] }>('stuck');
      return body.waiting.find((w) => w.eventId === 'ticket-CA-BEHIND');
    });
    expect(waiting).toMatchObject({ waitsFor: 'ticket-CA-SEATS', employeeId: 'CA-W' });
    expect(Number.isNaN(Date.parse(String(waiting.until)))).toBe(false);
  });

  it('when joiners and leavers finished, then service levels give p50/p95 per day and tenant', async () => {
    const { status, body } = await get<{ days: { day: string; tenantId: string; timeToProductive: { p50: number; p95: number; n: number }; timeToDeprovisioned: { n: number } }[] }>('service-levels?days=2');
    expect(status).toBe(200);
    const today = body.days.find((d) => d.tenantId === 'default' && d.day === new Date().toISOString().slice(0, 10));
    expect(today?.timeToProductive.n).toBeGreaterThanOrEqual(4);
    expect(today!.timeToProductive.p95).toBeGreaterThanOrEqual(today!.timeToProductive.p50);
    expect(today?.timeToDeprovisioned.n).toBeGreaterThanOrEqual(4);
  });

  it('when tenants are listed, then the home tenant is ready, with its Graph budget and dead letters', async () => {
    const { body } = await get<{ tenants: { key: string; state: string; deadLetters: number; budget?: unknown; problems: string[] }[] }>('tenants');
    const home = body.tenants.find((x) => x.key === 'default');
    expect(home).toMatchObject({ state: 'ready' });
    expect(home!.budget).toBeDefined();
    expect(typeof home!.deadLetters).toBe('number');
  });

  it('when no audit has run, then licences says so; after one, it is the audit report', async () => {
    expect((await get('licences')).status).toBe(404);
    const run = await fetch(`${t.host.url}/api/licence-audit/run`, { method: 'POST' });
    expect(run.status).toBe(200);
    const { status, body } = await get<{ skus: unknown[]; generatedAt: string }>('licences');
    expect(status).toBe(200);
    expect(Array.isArray(body.skus)).toBe(true);
    expect((await get('tenants')).body).toMatchObject({ tenants: expect.arrayContaining([expect.objectContaining({ key: 'default', lastAudit: expect.objectContaining({ generatedAt: body.generatedAt }) })]) });
  });
});
