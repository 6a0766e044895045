import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

/**
 * A leaver whose account has no manager in Entra although HR names one — the joiner made the
 * account and was superseded by this leaver before it linked the manager (as the soak found), or
 * the account was made by hand. The org chart follows HR, so the leaver links the manager first,
 * and the hand-over goes to them; an account that has a manager keeps it.
 */
const MARIE = { id: '3b9f6c1e-2d4a-4e8b-9c7d-5a1b2c3d4e5f', mail: 'marie.curie@contoso.com' };

function rulesFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'rules-leaver-manager-')), 'rules.json');
  writeFileSync(file, JSON.stringify({ groupRules: [{ name: 'everyone', groups: ['SG-All-Staff'] }], leaver: { mail: { forwardToManager: true } } }));
  return file;
}

const t = useTenantHost({ env: { RULES_FILE: rulesFile(), OFFBOARD_MAIL: 'on' } });
const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({ employeeId, givenName: 'Unlinked', surname: `Leaver${employeeId}`, department: 'Sales', country: 'GB', managerEmployeeId: 'M001', ...extra });

async function accountWithoutManager(employeeId: string): Promise<string> {
  const created = await t.sim.graph('POST', '/users', {
    accountEnabled: true, displayName: `Unlinked ${employeeId}`, mailNickname: `unlinked.${employeeId.toLowerCase()}`, userPrincipalName: `unlinked.${employeeId.toLowerCase()}@contoso.com`, employeeId, usageLocation: 'GB',
    passwordProfile: { password: 'Unlinked-Leaver-2026', forceChangePasswordNextSignIn: true },
  });
  expect(created.status).toBe(201);
  const id = (created.json as { id: string }).id;
  // A mailbox comes with an Exchange plan: the hand-made account gets E3 as a joiner's would.
  const skus = (await t.sim.graph('GET', '/subscribedSkus')).json as { value: { skuId: string; skuPartNumber: string }[] };
  const e3 = skus.value.find((s) => s.skuPartNumber === 'SPE_E3')!.skuId;
  expect((await t.sim.graph('POST', `/users/${id}/assignLicense`, { addLicenses: [{ skuId: e3, disabledPlans: [] }], removeLicenses: [] })).status).toBe(200);
  return id;
}

const managerOf = (employeeId: string) => t.sim.userByEmployeeId(employeeId)[0]?.managerId ?? undefined;

describe("a leaver whose account lacks the manager HR names", () => {
  it('when the account has no manager, then the leaver links HR\'s manager before the hand-over, and mail goes to them', async () => {
    await accountWithoutManager('LM100');
    expect(managerOf('LM100')).toBeUndefined();
    const left = await postAndWait(t.host, hrEvent('leaver', worker('LM100')));
    expect(left.status).toBe('succeeded');
    expect(stepsOf(left)['set-manager']).toMatchObject({ outcome: 'done', detail: expect.stringContaining('marie.curie@contoso.com') });
    expect(managerOf('LM100')).toBe(MARIE.id);
    expect(stepsOf(left)['mail-forward-to-manager']).toMatchObject({ outcome: 'done', detail: expect.stringContaining(MARIE.mail) });
  });

  it('when the account has a manager, then the leaver leaves the link as it is and records no manager step', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('LM200', { managerEmployeeId: undefined })));
    const boss = await postAndWait(t.host, hrEvent('joiner', { employeeId: 'LM-BOSS', givenName: 'Other', surname: 'Boss', department: 'Sales', country: 'GB' }));
    expect(boss.status).toBe('succeeded');
    await postAndWait(t.host, hrEvent('mover', worker('LM200', { managerEmployeeId: 'LM-BOSS' })));
    const bossId = t.sim.userByEmployeeId('LM-BOSS')[0]?.id;
    expect(managerOf('LM200')).toBe(bossId);
    const left = await postAndWait(t.host, hrEvent('leaver', worker('LM200')));
    expect(left.status).toBe('succeeded');
    expect(stepsOf(left)['set-manager']).toBeUndefined();
    expect(managerOf('LM200')).toBe(bossId);
  });

  it('when the manager HR names has no account, then nothing is linked and no link is left waiting for the leaver', async () => {
    await accountWithoutManager('LM400');
    const left = await postAndWait(t.host, hrEvent('leaver', worker('LM400', { managerEmployeeId: 'LM-NOBODY' })));
    expect(left.status).toBe('succeeded');
    expect(stepsOf(left)['set-manager']).toBeUndefined();
    expect(stepsOf(left)['mail-forward-to-manager']).toMatchObject({ outcome: 'skipped', detail: 'the leaver has no manager to forward mail to' });
  });

  it('when such a leaver is dry-run, then linking the manager is planned and nothing is changed', async () => {
    await accountWithoutManager('LM300');
    const response = await t.host.postHr(JSON.stringify(hrEvent('leaver', worker('LM300'))), { query: '?dryRun=true' });
    const plan = (await response.json()) as { events: { steps: { name: string; outcome: string; detail?: string }[] }[] };
    const steps = Object.fromEntries(plan.events[0]!.steps.map((s) => [s.name, s]));
    expect(steps['set-manager']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining('marie.curie@contoso.com') });
    expect(managerOf('LM300')).toBeUndefined();
  });
});
