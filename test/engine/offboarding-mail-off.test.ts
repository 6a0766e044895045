import { graphAppRolesFor } from '../../shared/graph/permissions';
import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

const t = useTenantHost();

describe('mail hand-over and the manager\'s summary are off by default', () => {
  it('when the leaver policy sets neither, then a leaver with a mailbox and a manager touches no mailbox, tells nobody, records no such step — and the app holds no mail permission', async () => {
    const worker = { employeeId: 'OFF100', givenName: 'Quiet', surname: 'Leaver', department: 'Engineering', country: 'GB', managerEmployeeId: 'M001' };
    await postAndWait(t.host, hrEvent('joiner', worker));
    const outboxBefore = t.host.simulator!.outbox().length;
    // The default rules keep a leaver 30 days before deleting: the immediate stage ends there.
    const left = await postAndWait(t.host, hrEvent('leaver', worker), 'delete-account');
    expect(stepsOf(left)['delete-account']?.outcome).toBe('pending');
    const names = Object.keys(stepsOf(left));
    expect(names.filter((n) => n.startsWith('mail-') || n === 'notify-manager')).toEqual([]);
    const mailRoutes = Object.keys(t.host.simulator!.stats().byRoute).filter((r) => /mailboxSettings|mailFolders|sendMail/.test(r));
    expect(mailRoutes).toEqual([]);
    expect(t.host.simulator!.outbox().length).toBe(outboxBefore);
    expect(graphAppRolesFor({})).not.toContain('MailboxSettings.ReadWrite');
    expect(graphAppRolesFor({})).not.toContain('Mail.Send');
  });
});
