import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { hrEvent, postAndWait, useTenantHost } from '../support/tenant';

const t = useTenantHost();

const listDeadLetters = async (queue = 'processing') =>
  (await (await fetch(`${t.host.url}/api/manage/dead-letters?queue=${queue}`)).json()) as { deadLetters: { messageId: string; eventId?: string; reason: string; description: string; employeeId?: string }[] };
const replay = (body: unknown) => fetch(`${t.host.url}/api/manage/dead-letters/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('dead letters and replay', () => {
  it('when an event is dead-lettered, then the listing shows its reason and whose it is, without the personal data in its body', async () => {
    const status = await postAndWait(t.host, hrEvent('joiner', { employeeId: 'D100', givenName: 'Privatename', surname: 'Hidden', country: 'Atlantis' }));
    expect(status.status).toBe('dead-lettered');
    const listing = await listDeadLetters();
    const entry = listing.deadLetters.find((d) => d.employeeId === 'D100');
    expect(entry).toMatchObject({ eventId: status.eventId, reason: 'create-user: InvalidUsageLocation' });
    expect(JSON.stringify(listing)).not.toContain('Privatename');
  });

  it('when the cause is fixed and the event replayed, then it runs again from the ledger and succeeds', async () => {
    const status = await postAndWait(t.host, hrEvent('joiner', { employeeId: 'D200', givenName: 'Replay', surname: 'Me', department: 'Sales', country: 'GB' }, {}));
    expect(status.status).toBe('succeeded');
    // Break it: a permanent Graph refusal on group adds, then fix and replay.
    t.host.simulator!.setFaults([{ method: 'POST', path: /members\/\$ref$/, status: 403, times: 1 }]);
    const second = await postAndWait(t.host, hrEvent('joiner', { employeeId: 'D201', givenName: 'Replay', surname: 'Two', department: 'Sales', country: 'GB' }));
    expect(second.status).toBe('dead-lettered');
    t.host.simulator!.setFaults([]);
    const entry = (await listDeadLetters()).deadLetters.find((d) => d.employeeId === 'D201')!;
    const response = await replay({ messageId: entry.messageId });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ resubmitted: [entry.messageId] });
    const replayed = await t.host.waitForStatus(String(second.eventId), ['succeeded'], 20_000);
    const steps = replayed.steps as { name: string; outcome: string }[];
    expect(steps.find((s) => s.name === 'create-user')?.outcome).toBe('done'); // from the first run, not redone
    expect(replayed.attempts).toBe(2);
    const users = t.sim.userByEmployeeId('D201');
    expect(users).toHaveLength(1);
    expect(t.sim.groupsOf(users[0]!.id)).toEqual(['SG-All-Staff', 'SG-Sales']);
    expect((await listDeadLetters()).deadLetters.some((d) => d.employeeId === 'D201')).toBe(false);
  });

  it('when a replay names no dead letter, or is malformed, then 404 or 400 naming the field', async () => {
    expect((await replay({ messageId: 'no-such-message' })).status).toBe(404);
    const bad = await replay({ queue: 'elsewhere', all: true });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('queue');
    expect((await replay({ messageId: 'x', all: true })).status).toBe(400);
    expect((await fetch(`${t.host.url}/api/manage/dead-letters?queue=elsewhere`)).status).toBe(400);
  });

  it('when the CLI lists and resubmits everything, then each dead letter runs again and one whose cause remains is dead-lettered again with one more attempt', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, LOCAL_HOST_URL: t.host.url };
    const cli = ['--import', 'tsx', path.join(__dirname, '..', '..', 'dev', 'replay.ts')];
    const listed = await run(process.execPath, [...cli, 'list'], { env });
    expect(listed.stdout).toContain('InvalidUsageLocation');
    const resubmitted = await run(process.execPath, [...cli, 'resubmit', '--all'], { env });
    expect(resubmitted.stdout).toMatch(/^202/);
    await t.host.bus.waitForIdle();
    // D100's country is still not a country: replayed, it is dead-lettered again, one more attempt on record.
    const again = await t.host.waitForStatus((await listDeadLetters()).deadLetters.find((d) => d.employeeId === 'D100')?.eventId ?? 'missing');
    expect(again).toMatchObject({ status: 'dead-lettered', attempts: 2 });
  });
});
