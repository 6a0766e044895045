import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { functionDeclarations } from '../../functions/declarations';
import { processEventFunction } from '../../functions/process-event';
import type { ServiceBusQueueFunctionDeclaration } from '../../shared/hosting/function-declarations';
import { fromEventMessage, toEventMessage } from '../../shared/messaging/event-messages';
import { processForTenant } from '../../shared/processing/tenant-dispatch';
import { processOptionsOf, settleOutcome } from '../../shared/processing/settle';
import { services } from '../../shared/runtime/services';
import { callBack, freePort, heldBy, leaverAccount, startReceiver, type Receiver } from '../support/custom-steps';
import { startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait, stepsOf, tenant } from '../support/tenant';

/**
 * Deadlines without waiting for them: processing here reads a clock the test moves forward (the
 * queue trigger is the app's own processing and settlement, given that clock instead of the wall
 * clock), and the copy that would come at the deadline is sent by the test once the clock has
 * passed it. Everything else — the host, the queue, the simulator, the receiver — is as in Azure.
 */
const SECRET = 'mailbox-step-secret-0123456789abcdef-002';
const clock = { aheadMs: 0 };
const now = () => new Date(Date.now() + clock.aheadMs);
const MINUTE = 60_000;

const processWithClock: ServiceBusQueueFunctionDeclaration = {
  ...processEventFunction,
  handler: async (input) => {
    const { tenants, tenantRuntimes, ledger, pendingLinks, processingQueue } = services();
    for (const message of Array.isArray(input.messages) ? input.messages : [input.messages]) {
      const event = fromEventMessage(message);
      const outcome = await processForTenant(event, processOptionsOf(message), { tenants, runtimes: tenantRuntimes, ledger, pendingLinks, now });
      await settleOutcome(message, event, outcome, input.actions, { processingQueue, ledger, now });
    }
  },
};

let host: TestHost;
let sim: ReturnType<typeof tenant>;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver({ '/mailbox': SECRET });
  const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'rules-')), 'rules.json');
  writeFileSync(
    rulesFile,
    JSON.stringify({
      groupRules: [{ name: 'everyone', groups: ['SG-All-Staff'] }],
      licenceRules: [{ name: 'staff', licences: [{ sku: 'SPE_E3' }] }],
      leaver: { customSteps: [{ name: 'convert-mailbox', at: 'before-licences', url: `${receiver.url}/mailbox`, secretSetting: 'CUSTOM_MAILBOX_SECRET', wait: { timeoutMinutes: 5 } }] },
      massLeaver: { threshold: 1, windowMinutes: 1 },
    }),
  );
  const port = await freePort();
  host = await startTestHost({
    port,
    declarations: functionDeclarations.map((d) => (d === processEventFunction ? processWithClock : d)),
    env: { RULES_FILE: rulesFile, CALLBACK_BASE_URL: `http://localhost:${port}`, CUSTOM_MAILBOX_SECRET: SECRET },
  });
  sim = tenant(host);
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await receiver?.close();
});

/** Each test starts well past the last one's mass-leaver window. */
beforeEach(() => {
  clock.aheadMs += 30 * MINUTE;
});

async function pausedLeaver(employeeId: string): Promise<{ eventId: string; userId: string; callbackUrl: string }> {
  const userId = await leaverAccount(sim, employeeId);
  const eventId = `leaver-${employeeId}`;
  const status = await postAndWait(host, hrEvent('leaver', { employeeId }, { eventId }), 'custom:convert-mailbox');
  expect(stepsOf(status)['custom:convert-mailbox']?.outcome).toBe('pending');
  await host.bus.waitForIdle();
  const call = receiver.callsTo('/mailbox').find((c) => c.body.eventId === eventId);
  return { eventId, userId, callbackUrl: String(call?.body.callbackUrl) };
}

/** What the copy scheduled for the deadline does when it comes: run the event again. */
async function deliverAgain(eventId: string, tag: string): Promise<void> {
  const wait = (await services().ledger.get(eventId))?.customStepWait;
  await host.bus.createSender(host.settings.PROCESSING_QUEUE_NAME).sendMessages({ ...toEventMessage(wait!.event!), messageId: `${eventId}~${tag}` });
}

describe('a custom step past its deadline', () => {
  it('when no callback comes by the deadline, then the event is dead-lettered CallbackTimedOut, nothing after the step runs, and a late callback is refused', async () => {
    const { eventId, userId, callbackUrl } = await pausedLeaver('DL100');
    // Before the deadline, another delivery leaves it waiting.
    clock.aheadMs += 4 * MINUTE;
    await deliverAgain(eventId, 'early');
    await host.bus.waitForIdle();
    const early = await host.waitForStatus(eventId, ['queued']);
    expect({ attempts: early.attempts, step: stepsOf(early)['custom:convert-mailbox']?.outcome }).toEqual({ attempts: 2, step: 'pending' });

    clock.aheadMs += 2 * MINUTE;
    await deliverAgain(eventId, 'deadline');
    const status = await host.waitForStatus(eventId);
    expect(status).toMatchObject({ status: 'dead-lettered', error: { code: 'custom:convert-mailbox: CallbackTimedOut' } });
    const letter = host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).find((m) => (m.body as { eventId: string }).eventId === eventId);
    expect(letter?.deadLetterReason).toBe('custom:convert-mailbox: CallbackTimedOut');
    expect(letter?.deadLetterErrorDescription).toMatch(/no callback from localhost:\d+ by /);
    expect(stepsOf(status)['remove-groups']).toBeUndefined();
    expect(heldBy(sim, userId)).toEqual({ groups: ['SG-All-Staff'], licences: ['SPE_E3'] });
    expect(receiver.callsTo('/mailbox').filter((c) => c.body.eventId === eventId)).toHaveLength(1);

    const late = await callBack(callbackUrl, SECRET, { outcome: 'succeeded' });
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: string }).error).toContain('CallbackTimedOut (replay the event to call it again)');
  });

  it('when other leavers pass the mass-leaver guard while a leaver waits, then the resumed leaver is not held half-way: it passed the guard before its first change', async () => {
    const first = await pausedLeaver('DL200');
    // Two minutes on, the first is out of the one-minute window: a second leaver passes and waits too.
    clock.aheadMs += 2 * MINUTE;
    await pausedLeaver('DL201');
    clock.aheadMs += MINUTE / 2;

    expect((await callBack(first.callbackUrl, SECRET, { outcome: 'succeeded' })).status).toBe(204);
    const status = await host.waitForStatus(first.eventId);
    expect(status.status).toBe('succeeded');
    expect(stepsOf(status)['mass-leaver-guard']).toMatchObject({ outcome: 'already-done' });
    expect(heldBy(sim, first.userId)).toEqual({ groups: [], licences: [] });
  });
});
