import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ObservedRequest } from '../../dev/graph-simulator';
import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

const REPLIES = 'PATCH /users/{id}/mailboxSettings';
const NEW_RULE = 'POST /users/{id}/mailFolders/inbox/messageRules';

const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'rules-order-')), 'rules.json');
writeFileSync(rulesFile, JSON.stringify({
  groupRules: [{ name: 'everyone', groups: ['SG-All-Staff'] }],
  licenceRules: [{ name: 'staff', licences: [{ sku: 'SPE_E3' }] }],
  leaver: {
    licenceGraceDays: 0,
    deleteAfterDays: null,
    mail: { automaticReplies: { internal: '<p>{displayName} has left; please contact {managerDisplayName} at {managerMail}.</p>' }, forwardToManager: true },
  },
}));

const seen: ObservedRequest[] = [];
const t = useTenantHost({ env: { OFFBOARD_MAIL: 'on', RULES_FILE: rulesFile }, observeGraph: (request) => seen.push(request) });

const worker = { employeeId: 'LO100', givenName: 'Order', surname: 'Leaver', department: 'Sales', country: 'GB', managerEmployeeId: 'M001' };

describe('licences in the right order', () => {
  it('when licences go on the leave day (licenceGraceDays 0), then the replies and the forwarding rule are set before the licence is removed', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker));
    const from = seen.length;
    const left = await postAndWait(t.host, hrEvent('leaver', worker));
    expect(left.status).toBe('succeeded');
    const routes = seen.slice(from).map((r) => (r.route === 'POST /users/{id}/assignLicense' && ((r.body as { removeLicenses?: unknown[] }).removeLicenses ?? []).length > 0 ? 'remove licence' : r.route));
    expect(routes).toContain('remove licence');
    expect(routes).toContain(REPLIES);
    expect(routes.indexOf(REPLIES)).toBeLessThan(routes.indexOf('remove licence'));
    expect(routes.indexOf(NEW_RULE)).toBeLessThan(routes.indexOf('remove licence'));
    const patch = seen.slice(from).find((r) => r.route === REPLIES)!.body as { automaticRepliesSetting: { internalReplyMessage: string } };
    expect(patch.automaticRepliesSetting.internalReplyMessage).toContain('Marie Curie at marie.curie@contoso.com');
    // Without its licence the mailbox stops, replies and rules with it: the ledger says how to keep them.
    expect(stepsOf(left)['mail-automatic-replies']?.detail).toMatch(/until the licence goes today.*licenceGraceDays.*shared mailbox/);
    expect(t.sim.skusOf(t.sim.userByEmployeeId('LO100')[0]!)).toEqual([]);
  });
});
