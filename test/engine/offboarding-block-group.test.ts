import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait, stepsOf, tenant } from '../support/tenant';

const BLOCK_GROUP = 'SG-CA-Block-Leavers';

function rulesWith(leaver: Record<string, unknown>): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'rules-')), 'rules.json');
  writeFileSync(file, JSON.stringify({ groupRules: [{ name: 'everyone', groups: ['SG-All-Staff'] }], leaver: { deleteAfterDays: null, ...leaver } }));
  return file;
}

const worker = (employeeId: string) => ({ employeeId, givenName: 'Block', surname: `Group${employeeId}`, department: 'Sales', country: 'GB' });

describe('the block group, when the leaver policy removes every removable group', () => {
  let host: TestHost;
  let blockGroupId: string;
  beforeAll(async () => {
    host = await startTestHost({ env: { RULES_FILE: rulesWith({ removeGroups: 'all-removable', blockGroup: BLOCK_GROUP }) } });
    const created = await tenant(host).graph('POST', '/groups', { displayName: BLOCK_GROUP, mailEnabled: false, mailNickname: 'sg-ca-block-leavers', securityEnabled: true });
    blockGroupId = (created.json as { id: string }).id;
  }, 60_000);
  afterAll(() => host?.stop());

  it('when a leaver is already in the block group, then adding is done already and removing every removable group leaves the block group alone', async () => {
    await postAndWait(host, hrEvent('joiner', worker('BG100')));
    const user = tenant(host).userByEmployeeId('BG100')[0]!;
    const manual = await tenant(host).graph('POST', `/groups/${blockGroupId}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` });
    expect(manual.status).toBe(204);

    const left = await postAndWait(host, hrEvent('leaver', worker('BG100')));
    expect(left.status).toBe('succeeded');
    expect(stepsOf(left)['add-to-block-group']).toMatchObject({ outcome: 'already-done', detail: expect.stringContaining(BLOCK_GROUP) });
    expect(stepsOf(left)['remove-groups']?.detail).toContain('SG-All-Staff');
    expect(stepsOf(left)['remove-groups']?.detail).not.toContain(BLOCK_GROUP);
    expect(tenant(host).groupsOf(user.id)).toEqual([BLOCK_GROUP]);
  });

  it('when a leaver is not in it yet, then they are added and stay after the group removal', async () => {
    await postAndWait(host, hrEvent('joiner', worker('BG200')));
    const user = tenant(host).userByEmployeeId('BG200')[0]!;
    const left = await postAndWait(host, hrEvent('leaver', worker('BG200')));
    expect(stepsOf(left)['add-to-block-group']?.outcome).toBe('done');
    expect(tenant(host).groupsOf(user.id)).toEqual([BLOCK_GROUP]);
  });
});

describe('a block group Graph cannot add members to', () => {
  let host: TestHost;
  beforeAll(async () => {
    // DG-Dynamic-Everyone is a dynamic group in the sample seed: its members come from its rule.
    host = await startTestHost({ env: { RULES_FILE: rulesWith({ blockGroup: 'DG-Dynamic-Everyone' }) } });
  }, 60_000);
  afterAll(() => host?.stop());

  it('when the policy names a dynamic group, then the leaver is dead-lettered naming the group and why, after sign-in is off, and no member write is tried', async () => {
    await postAndWait(host, hrEvent('joiner', worker('BG300')));
    const before = host.simulator!.stats().byRoute;
    const left = await postAndWait(host, hrEvent('leaver', worker('BG300')));
    expect(left.status).toBe('dead-lettered');
    expect(left.error).toMatchObject({ code: 'add-to-block-group: BlockGroupNotChangeable', message: expect.stringMatching(/DG-Dynamic-Everyone.*dynamic membership/) });
    expect(stepsOf(left)['disable-sign-in']?.outcome).toBe('done');
    const after = host.simulator!.stats().byRoute;
    for (const route of ['POST /groups/{id}/members/$ref', 'PATCH /groups/{id}']) expect({ route, calls: after[route] ?? 0 }).toEqual({ route, calls: before[route] ?? 0 });
    const letter = host.bus.peekDeadLetters(host.settings.PROCESSING_QUEUE_NAME).find((m) => (m.body as { employee: { employeeId: string } }).employee.employeeId === 'BG300');
    expect(String(letter?.deadLetterErrorDescription)).toContain('leaver.blockGroup');
  });

  it('when the policy names a group that does not exist, then the leaver is dead-lettered naming it', async () => {
    await host.stop();
    host = await startTestHost({ env: { RULES_FILE: rulesWith({ blockGroup: 'SG-No-Such-Group' }) } });
    await postAndWait(host, hrEvent('joiner', worker('BG400')));
    const left = await postAndWait(host, hrEvent('leaver', worker('BG400')));
    expect(left).toMatchObject({ status: 'dead-lettered', error: { code: 'add-to-block-group: BlockGroupNotFound', message: expect.stringContaining('SG-No-Such-Group') } });
  });
});
