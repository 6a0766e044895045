import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait, stepsOf, tenant } from '../support/tenant';

let host: TestHost;
let sim: ReturnType<typeof tenant>;

beforeAll(async () => {
  const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'rules-')), 'rules.json');
  writeFileSync(rulesFile, JSON.stringify({ groupRules: [{ groups: ['SG-All-Staff'] }], massLeaver: { threshold: 2, windowMinutes: 60 } }));
  host = await startTestHost({ env: { RULES_FILE: rulesFile } });
  sim = tenant(host);
}, 60_000);
afterAll(() => host?.stop());

const worker = (employeeId: string) => ({ employeeId, givenName: 'Mass', surname: `Leaver${employeeId}`, country: 'GB' });

describe('mass-leaver guard', () => {
  it('when more leavers arrive in the window than the threshold, then the excess are held untouched until an operator releases them', async () => {
    for (const id of ['ML1', 'ML2', 'ML3']) await postAndWait(host, hrEvent('joiner', worker(id)));
    const first = await postAndWait(host, hrEvent('leaver', worker('ML1')));
    const second = await postAndWait(host, hrEvent('leaver', worker('ML2')));
    expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);

    const third = await postAndWait(host, hrEvent('leaver', worker('ML3')));
    expect(third.status).toBe('dead-lettered');
    expect(stepsOf(third)['disable-sign-in']).toBeUndefined();
    expect(sim.userByEmployeeId('ML3')[0]?.accountEnabled).toBe(true);
    const letter = host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).find((m) => (m.body as { employee: { employeeId: string } }).employee.employeeId === 'ML3');
    expect(letter?.deadLetterReason).toBe('mass-leaver-guard: MassLeaverHold');
    expect(letter?.deadLetterErrorDescription).toContain('release');

    // The operator's release: the same event resubmitted with replay + releaseHold.
    await host.bus.createSender(host.settings.PROCESSING_QUEUE_NAME).sendMessages({
      body: letter!.body,
      messageId: `${String(letter!.messageId)}~replay-1`,
      sessionId: letter!.sessionId!,
      applicationProperties: { ...letter!.applicationProperties, replay: true, releaseHold: 'mass-leaver' },
    });
    const released = await host.waitForStatus(String(letter!.messageId), ['succeeded'], 20_000);
    expect(stepsOf(released)['mass-leaver-guard']?.detail).toBe('released by an operator');
    expect(sim.userByEmployeeId('ML3')[0]?.accountEnabled).toBe(false);
  });

  it('when a dead-lettered event is resubmitted without a release, then it is held again', async () => {
    await postAndWait(host, hrEvent('joiner', worker('ML4')));
    const held = await postAndWait(host, hrEvent('leaver', worker('ML4')));
    expect(held.status).toBe('dead-lettered');
    const letter = host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).find((m) => (m.body as { employee: { employeeId: string } }).employee.employeeId === 'ML4');
    await host.bus.createSender(host.settings.PROCESSING_QUEUE_NAME).sendMessages({
      body: letter!.body,
      messageId: `${String(letter!.messageId)}~replay-1`,
      sessionId: letter!.sessionId!,
      applicationProperties: { ...letter!.applicationProperties, replay: true },
    });
    await host.bus.waitForIdle();
    const again = await host.waitForStatus(String(letter!.messageId));
    expect(again).toMatchObject({ status: 'dead-lettered', attempts: 2 });
    expect(sim.userByEmployeeId('ML4')[0]?.accountEnabled).toBe(true);
  });
});
