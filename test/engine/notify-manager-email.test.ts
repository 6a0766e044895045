import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GRAPH_ROUTE_PERMISSIONS, graphAppRolesFor } from '../../shared/graph/permissions';
import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'rules-email-')), 'rules.json');
writeFileSync(rulesFile, JSON.stringify({ leaver: { deleteAfterDays: 30, notifyManager: { channel: 'email', fromMailbox: 'hedy.lamarr@contoso.com' } } }));
const t = useTenantHost({ env: { RULES_FILE: rulesFile, NOTIFY_MANAGER: 'email' } });
afterEach(() => t.host.simulator!.setAppRoles(graphAppRolesFor({ NOTIFY_MANAGER: 'email' })));

const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({ employeeId, givenName: 'Told', surname: `ByMail${employeeId}`, country: 'GB', managerEmployeeId: 'M001', ...extra });

describe('the manager is told, by e-mail', () => {
  it('when a leaver completes, then one message goes from the configured mailbox to the manager, HR\'s values escaped in its HTML', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('NE100', { displayName: 'Told <i>ByMail</i>' })));
    const before = t.host.simulator!.outbox().length;
    const left = await postAndWait(t.host, hrEvent('leaver', worker('NE100')), 'delete-account');
    expect(stepsOf(left)['notify-manager']).toMatchObject({ outcome: 'done', detail: 'told Marie Curie <marie.curie@contoso.com> by e-mail from hedy.lamarr@contoso.com' });
    const sent = t.host.simulator!.outbox().slice(before);
    expect(sent).toHaveLength(1);
    const [mail] = sent as unknown as [{ from: string; saveToSentItems: boolean; message: { subject: string; body: { contentType: string; content: string }; toRecipients: { emailAddress: { address: string } }[] } }];
    expect(mail).toMatchObject({ from: 'hedy.lamarr@contoso.com', saveToSentItems: false });
    expect(mail.message.subject).toBe('Told <i>ByMail</i> has left: offboarding summary');
    expect(mail.message.toRecipients).toEqual([{ emailAddress: { address: 'marie.curie@contoso.com', name: 'Marie Curie' } }]);
    expect(mail.message.body.contentType).toBe('HTML');
    expect(mail.message.body.content).toContain('Told &lt;i&gt;ByMail&lt;/i&gt; has left.');
    expect(mail.message.body.content).not.toContain('<i>');
    expect(mail.message.body.content).toMatch(/Account deleted<\/th><td>\d{4}-\d{2}-\d{2} \(restorable for 30 days after\)/);
    expect(GRAPH_ROUTE_PERMISSIONS['POST /users/{id}/sendMail']!.roles).toEqual(['Mail.Send']);
    expect(t.host.simulator!.stats().byRoute['POST /users/{id}/sendMail']).toBe(1);
  });

  it('when the app may not send from that mailbox (no Mail.Send, in Entra or Exchange), then the event is dead-lettered at notify-manager with what to grant', async () => {
    t.host.simulator!.setAppRoles(graphAppRolesFor({}));
    await postAndWait(t.host, hrEvent('joiner', worker('NE200')));
    const left = await postAndWait(t.host, hrEvent('leaver', worker('NE200')), 'notify-manager');
    expect(left.status).toBe('dead-lettered');
    const letter = t.host.bus.peekDeadLetters(t.host.settings.PROCESSING_QUEUE_NAME).find((m) => (m.body as { employee: { employeeId: string } }).employee.employeeId === 'NE200');
    expect(letter?.deadLetterReason).toBe('notify-manager: ErrorAccessDenied');
    expect(letter?.deadLetterErrorDescription).toContain('Grant the managed identity');
  });
});
