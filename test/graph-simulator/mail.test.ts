import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import { DEFAULT_APP_ROLES } from '../../dev/graph-simulator';
import { graph, IDS, startSimulator } from './harness';

let sim: RunningGraphSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim?.close());
afterEach(() => sim.setAppRoles(DEFAULT_APP_ROLES));

const replies = (userId: string) => `/users/${userId}/mailboxSettings/automaticRepliesSetting`;
const rules = (userId: string) => `/users/${userId}/mailFolders/inbox/messageRules`;
const forwardRule = (address: string) => ({ displayName: 'Forward', sequence: 1, isEnabled: true, actions: { forwardTo: [{ emailAddress: { address, name: 'Marie Curie' } }], stopProcessingRules: false } });

describe('mailbox settings (automatic replies)', () => {
  it('when a licensed user has never set replies, then they read as disabled', async () => {
    const read = await graph(sim, 'GET', replies(IDS.hedy));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ status: 'disabled', externalAudience: 'all', internalReplyMessage: '', externalReplyMessage: '' });
  });

  it('when replies are set in any case, then 200 answers the change, enums come back camelCase and a fragment comes back as an HTML document', async () => {
    const patched = await graph(sim, 'PATCH', `/users/${IDS.hedy}/mailboxSettings`, {
      automaticRepliesSetting: { status: 'AlwaysEnabled', externalAudience: 'ContactsOnly', internalReplyMessage: '<p>Gone</p>', externalReplyMessage: '<p>Left</p>' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.automaticRepliesSetting).toMatchObject({ status: 'alwaysEnabled', externalAudience: 'contactsOnly' });
    const read = await graph(sim, 'GET', replies(IDS.hedy));
    expect(read.body.internalReplyMessage).toBe('<html>\n<body>\n<p>Gone</p>\n</body>\n</html>\n');
    expect((await graph(sim, 'GET', `/users/${IDS.hedy}/mailboxSettings`)).body).toMatchObject({ automaticRepliesSetting: { status: 'alwaysEnabled' }, timeZone: 'UTC' });
  });

  it('when the body names a property the CSDL does not have, or an enum value it does not know, then 400 and nothing changes', async () => {
    const unknown = await graph(sim, 'PATCH', `/users/${IDS.katherine}/mailboxSettings`, { automaticRepliesSetting: { status: 'alwaysEnabled', replyTo: 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("'replyTo' does not exist on type 'microsoft.graph.automaticRepliesSetting'");
    const top = await graph(sim, 'PATCH', `/users/${IDS.katherine}/mailboxSettings`, { autoReplies: {} });
    expect(top.body.error.message).toContain("'autoReplies' does not exist on type 'microsoft.graph.mailboxSettings'");
    const badEnum = await graph(sim, 'PATCH', `/users/${IDS.katherine}/mailboxSettings`, { automaticRepliesSetting: { status: 'always' } });
    expect(badEnum).toMatchObject({ status: 400, body: { error: { code: 'InvalidArguments', message: "Requested value 'always' was not found." } } });
    expect((await graph(sim, 'GET', replies(IDS.katherine))).body.status).toBe('disabled');
  });

  it('when the user holds no licence with Exchange Online, then every mail call answers 404 MailboxNotEnabledForRESTAPI', async () => {
    for (const [method, path, body] of [['GET', replies(IDS.breakglass)], ['PATCH', `/users/${IDS.breakglass}/mailboxSettings`, { automaticRepliesSetting: { status: 'disabled' } }], ['GET', rules(IDS.breakglass)], ['POST', `/users/${IDS.breakglass}/sendMail`, { message: { subject: 'x', toRecipients: [{ emailAddress: { address: 'a@contoso.com' } }] } }]] as const) {
      const answer = await graph(sim, method, path, body);
      expect({ path, status: answer.status, code: answer.body.error.code, message: answer.body.error.message }).toEqual({ path, status: 404, code: 'MailboxNotEnabledForRESTAPI', message: 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.' });
    }
  });

  it('when a licensed user is seeded without a mailbox, or with Exchange still provisioning, then the same 404', async () => {
    sim.state.users.get(IDS.katherine)!.mailbox = false;
    expect((await graph(sim, 'GET', rules(IDS.katherine))).body.error.code).toBe('MailboxNotEnabledForRESTAPI');
    delete sim.state.users.get(IDS.katherine)!.mailbox;
    sim.state.users.get(IDS.katherine)!.provisionedPlans = [{ capabilityStatus: 'Enabled', provisioningStatus: 'PendingInput', service: 'exchange' }];
    expect((await graph(sim, 'GET', rules(IDS.katherine))).status).toBe(404);
    expect((await graph(sim, 'GET', `/users/${IDS.katherine}?$select=provisionedPlans`)).body.provisionedPlans).toEqual([expect.objectContaining({ service: 'exchange', provisioningStatus: 'PendingInput' })]);
    delete sim.state.users.get(IDS.katherine)!.provisionedPlans;
    expect((await graph(sim, 'GET', rules(IDS.katherine))).status).toBe(200);
  });

  it('when the app holds no MailboxSettings permission, then 403 ErrorAccessDenied', async () => {
    sim.setAppRoles(DEFAULT_APP_ROLES.filter((r) => !r.startsWith('MailboxSettings')));
    const answer = await graph(sim, 'GET', replies(IDS.hedy));
    expect(answer).toMatchObject({ status: 403, body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } } });
  });
});

describe('inbox rules', () => {
  it('when a rule is created, then 201 with its id, and listing shows it; a second POST of the same name makes a second rule', async () => {
    const created = await graph(sim, 'POST', rules(IDS.marie), forwardRule('katherine.johnson@contoso.com'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), displayName: 'Forward', hasError: false, isReadOnly: false, actions: { forwardTo: [{ emailAddress: { address: 'katherine.johnson@contoso.com' } }] } });
    expect((await graph(sim, 'POST', rules(IDS.marie), forwardRule('katherine.johnson@contoso.com'))).status).toBe(201);
    const listed = await graph(sim, 'GET', rules(IDS.marie));
    expect(listed.body.value.map((r: { displayName: string }) => r.displayName)).toEqual(['Forward', 'Forward']);
  });

  it('when a required property is missing or the body is not a messageRule, then 400', async () => {
    const { displayName: _name, ...nameless } = forwardRule('a@contoso.com');
    expect((await graph(sim, 'POST', rules(IDS.hedy), nameless)).status).toBe(400);
    const { sequence: _sequence, ...unordered } = forwardRule('a@contoso.com');
    expect((await graph(sim, 'POST', rules(IDS.hedy), unordered)).status).toBe(400);
    const wrongAction = await graph(sim, 'POST', rules(IDS.hedy), { ...forwardRule('a@contoso.com'), actions: { forward: [] } });
    expect(wrongAction.body.error.message).toContain("'forward' does not exist on type 'microsoft.graph.messageRuleActions'");
    const badAddress = await graph(sim, 'POST', rules(IDS.hedy), forwardRule('not an address'));
    expect(badAddress).toMatchObject({ status: 400, body: { error: { code: 'ErrorInvalidRecipients' } } });
    expect((await graph(sim, 'GET', rules(IDS.hedy))).body.value).toEqual([]);
  });
});

describe('sendMail', () => {
  const mail = { message: { subject: 'Hello', body: { contentType: 'HTML', content: '<p>Hi</p>' }, toRecipients: [{ emailAddress: { address: 'marie.curie@contoso.com' } }] }, saveToSentItems: false };

  it('when a message is sent, then 202 with no body, and the outbox holds it', async () => {
    const before = sim.outbox().length;
    const sent = await graph(sim, 'POST', `/users/${IDS.hedy}/sendMail`, mail);
    expect(sent).toMatchObject({ status: 202, body: undefined });
    expect(sent.headers.get('content-type')).toBeNull();
    expect(sim.outbox().slice(before)).toEqual([expect.objectContaining({ from: IDS.hedy, saveToSentItems: false, message: expect.objectContaining({ subject: 'Hello' }) })]);
  });

  it('when the message has no recipient, an unknown property, or the app no Mail.Send, then it is refused and nothing is sent', async () => {
    const before = sim.outbox().length;
    expect((await graph(sim, 'POST', `/users/${IDS.hedy}/sendMail`, { message: { subject: 'x' } })).body.error.code).toBe('ErrorInvalidRecipients');
    expect((await graph(sim, 'POST', `/users/${IDS.hedy}/sendMail`, { message: { ...mail.message, importance2: 'high' } })).status).toBe(400);
    expect((await graph(sim, 'POST', `/users/${IDS.hedy}/sendMail`, { ...mail, replyTo: 'x' })).status).toBe(400);
    sim.setAppRoles(DEFAULT_APP_ROLES.filter((r) => r !== 'Mail.Send'));
    expect((await graph(sim, 'POST', `/users/${IDS.hedy}/sendMail`, mail)).body.error.code).toBe('ErrorAccessDenied');
    expect(sim.outbox().length).toBe(before);
  });

  it('when the sender is not a user, then 404 ErrorInvalidUser', async () => {
    const answer = await graph(sim, 'POST', '/users/nobody@contoso.com/sendMail', mail);
    expect(answer).toMatchObject({ status: 404, body: { error: { code: 'ErrorInvalidUser' } } });
  });
});
