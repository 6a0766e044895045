import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ObservedRequest } from '../../dev/graph-simulator';
import { GRAPH_ROUTE_PERMISSIONS } from '../../shared/graph/permissions';
import { FORWARD_RULE_NAME } from '../../shared/processing/offboarding/mail';
import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

const MARIE = { id: '3b9f6c1e-2d4a-4e8b-9c7d-5a1b2c3d4e5f', name: 'Marie Curie', mail: 'marie.curie@contoso.com' };
const REPLIES = 'PATCH /users/{id}/mailboxSettings';
const NEW_RULE = 'POST /users/{id}/mailFolders/inbox/messageRules';

const MAIL_OPTIONS = {
  automaticReplies: {
    internal: '<p>{displayName} left on {leaveDate}. Please contact {managerDisplayName} at {managerMail}.</p>',
    external: '<p>{displayName} no longer works here; please write to {managerMail}.</p>',
    externalAudience: 'all',
  },
  forwardToManager: true,
};

function rulesFile(leaver: Record<string, unknown>): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'rules-mail-')), 'rules.json');
  writeFileSync(file, JSON.stringify({
    groupRules: [{ name: 'everyone', groups: ['SG-All-Staff'] }],
    licenceRules: [{ name: 'staff', unless: { employeeType: 'Contractor' }, licences: [{ sku: 'SPE_E3' }] }],
    leaver: { deleteAfterDays: null, ...leaver },
  }));
  return file;
}

const observed: ObservedRequest[] = [];
const t = useTenantHost({
  env: {
    OFFBOARD_MAIL: 'on',
    // A week with the licence: the replies and the rule work while the mailbox is licensed.
    RULES_FILE: rulesFile({ licenceGraceDays: 7, mail: MAIL_OPTIONS }),
  },
  observeGraph: (request) => observed.push(request),
});
afterEach(() => t.host.simulator!.setFaults([]));

const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({ employeeId, givenName: 'Mail', surname: `Leaver${employeeId}`, department: 'Sales', country: 'GB', managerEmployeeId: 'M001', ...extra });
const calls = (route: string) => t.host.simulator!.stats().byRoute[route] ?? 0;

async function joined(employeeId: string, extra: Record<string, unknown> = {}): Promise<string> {
  await postAndWait(t.host, hrEvent('joiner', worker(employeeId, extra)));
  return t.sim.userByEmployeeId(employeeId)[0]!.id;
}

/** A leaver's immediate stage is done once the licence removal is scheduled (a week later). */
const leave = (employeeId: string, extra: Record<string, unknown> = {}, event: Record<string, unknown> = {}) =>
  postAndWait(t.host, hrEvent('leaver', worker(employeeId, extra), event), 'remove-licences');

async function waitForStep(eventId: string, step: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let record: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    record = (await (await fetch(`${t.host.url}/api/events/${eventId}`)).json()) as Record<string, unknown>;
    if ((stepsOf(record)[step] && record.status !== 'processing') || record.status === 'dead-lettered') return record;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`event ${eventId} never recorded ${step}: ${JSON.stringify(record)}`);
}

async function repliesOf(userId: string): Promise<Record<string, string>> {
  return (await t.sim.graph('GET', `/users/${userId}/mailboxSettings/automaticRepliesSetting`)).json as Record<string, string>;
}

async function rulesOf(userId: string): Promise<{ displayName: string; actions: { forwardTo: { emailAddress: { address: string } }[] } }[]> {
  return ((await t.sim.graph('GET', `/users/${userId}/mailFolders/inbox/messageRules`)).json as { value: never[] }).value;
}

describe('a leaver\'s mail is handed to the manager', () => {
  it('when a licensed worker with a manager leaves, then automatic replies name the manager and their address, with HR\'s values escaped into the HTML', async () => {
    const id = await joined('MA100', { displayName: 'Ada <b>Lovelace</b> & Co' });
    const left = await leave('MA100', {}, { effectiveAt: '2026-11-30T17:00:00Z' });
    expect(stepsOf(left)['remove-licences']?.outcome).toBe('pending');
    expect(stepsOf(left)['mail-automatic-replies']).toMatchObject({ outcome: 'done', detail: expect.stringContaining(`naming ${MARIE.name} <${MARIE.mail}>`) });
    const replies = await repliesOf(id);
    expect(replies).toMatchObject({ status: 'alwaysEnabled', externalAudience: 'all' });
    expect(replies.internalReplyMessage).toContain(`Ada &lt;b&gt;Lovelace&lt;/b&gt; &amp; Co left on 2026-11-30. Please contact ${MARIE.name} at ${MARIE.mail}.`);
    expect(replies.internalReplyMessage).not.toContain('<b>');
    expect(replies.externalReplyMessage).toContain(`please write to ${MARIE.mail}`);
  });

  it('when the event is delivered again after a later step failed, then the forwarding rule exists once and the replies are not written again', async () => {
    const id = await joined('MA200');
    const before = { replies: calls(REPLIES), rules: calls(NEW_RULE) };
    // Removing the groups (after the hand-over) fails past the SDK's retries: the event runs again.
    t.host.simulator!.setFaults([{ method: 'DELETE', path: /^\/groups\/[^/]+\/members\/[^/]+\/\$ref$/, status: 503, times: 4, retryAfterSeconds: 0 }]);
    const left = await leave('MA200');
    expect(left).toMatchObject({ status: 'queued', attempts: 2 });
    expect(stepsOf(left)['mail-forward-to-manager']).toMatchObject({ outcome: 'done', detail: expect.stringContaining(MARIE.mail) });
    const rules = await rulesOf(id);
    expect(rules.filter((r) => r.displayName === FORWARD_RULE_NAME)).toHaveLength(1);
    expect(rules[0]!.actions.forwardTo[0]!.emailAddress.address).toBe(MARIE.mail);
    expect({ replies: calls(REPLIES) - before.replies, rules: calls(NEW_RULE) - before.rules }).toEqual({ replies: 1, rules: 1 });
  }, 30_000);

  it('when a second leaver event for the same worker arrives, then it finds the rule and the replies in place and writes neither', async () => {
    const id = await joined('MA300');
    await leave('MA300', {}, { eventId: 'mail-leaver-MA300-1' });
    const before = { replies: calls(REPLIES), rules: calls(NEW_RULE) };
    const again = await leave('MA300', {}, { eventId: 'mail-leaver-MA300-2' });
    expect(again.status).toBe('queued');
    expect(stepsOf(again)['mail-automatic-replies']?.outcome).toBe('already-done');
    expect(stepsOf(again)['mail-forward-to-manager']?.outcome).toBe('already-done');
    expect({ replies: calls(REPLIES) - before.replies, rules: calls(NEW_RULE) - before.rules }).toEqual({ replies: 0, rules: 0 });
    expect(await rulesOf(id)).toHaveLength(1);
  });

  it('when the leaver has no mailbox (no Exchange licence), then both mail steps are skipped saying so, and the leaver succeeds', async () => {
    const id = await joined('MA500', { employeeType: 'Contractor' });
    const before = { replies: calls(REPLIES), rules: calls(NEW_RULE) };
    const left = await leave('MA500', { employeeType: 'Contractor' });
    for (const step of ['mail-automatic-replies', 'mail-forward-to-manager']) {
      expect(stepsOf(left)[step]).toMatchObject({ outcome: 'skipped', detail: expect.stringMatching(/has no Exchange Online mailbox \(Graph 404 MailboxNotEnabledForRESTAPI\): no mail to hand over/) });
    }
    expect({ replies: calls(REPLIES) - before.replies, rules: calls(NEW_RULE) - before.rules }).toEqual({ replies: 0, rules: 0 });
    expect(t.sim.userByEmployeeId('MA500')[0]?.id).toBe(id);
  });

  it('when Exchange is still provisioning the mailbox, then the step is retried until it is there, and the replies are set then', async () => {
    const id = await joined('MA600');
    const user = t.host.simulator!.state.users.get(id)!;
    user.provisionedPlans = [{ capabilityStatus: 'Enabled', provisioningStatus: 'PendingInput', service: 'exchange' }];
    const response = await t.host.postHr(JSON.stringify(hrEvent('leaver', worker('MA600'))));
    const { events } = (await response.json()) as { events: { eventId: string }[] };
    const eventId = events[0]!.eventId;
    const deadline = Date.now() + 15_000;
    let record: Record<string, unknown> = {};
    while (Date.now() < deadline) {
      record = (await (await fetch(`${t.host.url}/api/events/${eventId}`)).json()) as Record<string, unknown>;
      if ((record.error as { code?: string } | undefined)?.code === 'RetryScheduled') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(record).toMatchObject({ status: 'queued', error: { step: 'mail-automatic-replies', code: 'RetryScheduled' } });
    expect(JSON.stringify(record.error)).toContain('still provisioning the mailbox');
    user.provisionedPlans = [{ capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'exchange' }];
    const done = await waitForStep(eventId, 'remove-licences', 30_000);
    expect(done.status).toBe('queued');
    expect(stepsOf(done)['mail-automatic-replies']?.outcome).toBe('done');
    expect((await repliesOf(id)).status).toBe('alwaysEnabled');
  }, 40_000);

  it('when the leaver has no manager, then forwarding is skipped and replies that name the manager are not set', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('MA700', { managerEmployeeId: undefined })));
    const left = await leave('MA700', { managerEmployeeId: undefined });
    expect(stepsOf(left)['mail-forward-to-manager']).toMatchObject({ outcome: 'skipped', detail: 'the leaver has no manager to forward mail to' });
    expect(stepsOf(left)['mail-automatic-replies']).toMatchObject({ outcome: 'skipped', detail: 'the replies name the manager, and the leaver has none' });
  });

  it('when a leaver is dry-run, then both mail steps are planned with what they would do and nothing is written', async () => {
    const id = await joined('MA800');
    const before = { replies: calls(REPLIES), rules: calls(NEW_RULE) };
    const response = await t.host.postHr(JSON.stringify(hrEvent('leaver', worker('MA800'))), { query: '?dryRun=true' });
    expect(response.status).toBe(200);
    const plan = (await response.json()) as { events: { steps: { name: string; outcome: string; detail?: string }[] }[] };
    const steps = Object.fromEntries(plan.events[0]!.steps.map((s) => [s.name, s]));
    expect(steps['mail-automatic-replies']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining(`would turn automatic replies on for internal senders and all external senders, naming ${MARIE.name}`) });
    expect(steps['mail-forward-to-manager']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining(`would forward new mail to ${MARIE.name} <${MARIE.mail}>`) });
    expect({ replies: calls(REPLIES) - before.replies, rules: calls(NEW_RULE) - before.rules }).toEqual({ replies: 0, rules: 0 });
    expect((await repliesOf(id)).status).toBe('disabled');
    expect(await rulesOf(id)).toEqual([]);
  });

  it('every Graph route these leavers called is in the permissions list, the mailbox ones under MailboxSettings.ReadWrite alone', () => {
    const routes = [...new Set(observed.map((r) => r.route))];
    expect(routes.filter((route) => !GRAPH_ROUTE_PERMISSIONS[route])).toEqual([]);
    const mailbox = routes.filter((r) => /mailboxSettings|mailFolders/.test(r)).sort();
    expect(mailbox).toEqual(['GET /users/{id}/mailFolders/inbox/messageRules', 'GET /users/{id}/mailboxSettings/automaticRepliesSetting', NEW_RULE, REPLIES].sort());
    for (const route of mailbox) expect(GRAPH_ROUTE_PERMISSIONS[route]!.roles).toEqual(['MailboxSettings.ReadWrite']);
  });
});
