import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ObservedRequest } from '../../dev/graph-simulator';
import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

/**
 * Licence rules that name a licensing group (group-based licensing): the worker joins the group in
 * the groups step's shared write and Entra licenses them; no assignLicense. A mover leaves it when the
 * rules stop giving it; a leaver leaves it at the licence phase, after the grace period.
 */
const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const E5 = '06ebc4ee-1bb5-47dd-8120-11324bc54e06';
const LICENSING = { id: '88888888-8888-4888-8888-888888888888', displayName: 'SG-Licensing-E5' };
const DAY_MS = 24 * 3600_000;

const dir = mkdtempSync(path.join(tmpdir(), 'group-based-licensing-'));
const seed = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'dev', 'graph-simulator', 'seed.sample.json'), 'utf8')) as { groups: unknown[] };
seed.groups.push({ ...LICENSING, securityEnabled: true, mailEnabled: false, groupTypes: [], assignedLicenses: [{ skuId: E5, disabledPlans: [] }] });
writeFileSync(path.join(dir, 'seed.json'), JSON.stringify(seed));
writeFileSync(path.join(dir, 'rules.json'), JSON.stringify({
  groupRules: [{ name: 'everyone', groups: ['SG-All-Staff'] }, { name: 'sales', when: { department: 'Sales' }, groups: ['SG-Sales'] }],
  licenceRules: [
    { name: 'sales', when: { department: 'Sales' }, licensingGroup: LICENSING.displayName },
    { name: 'engineers', when: { department: 'Engineering' }, licences: [{ sku: 'SPE_E3' }] },
  ],
  leaver: { removeGroups: 'rule-based', licenceGraceDays: 7, deleteAfterDays: null },
}));

const seen: ObservedRequest[] = [];
const t = useTenantHost({ env: { GRAPH_SEED_FILE: path.join(dir, 'seed.json'), RULES_FILE: path.join(dir, 'rules.json') }, observeGraph: (request) => seen.push(request) });
const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({ employeeId, givenName: 'Licensing', surname: `Group${employeeId}`, department: 'Sales', country: 'GB', ...extra });

async function licencesOf(userId: string): Promise<[string, string | null][]> {
  const user = await t.sim.graph('GET', `/users/${userId}?$select=licenseAssignmentStates`);
  return (user.json as { licenseAssignmentStates: { skuId: string; assignedByGroup: string | null }[] }).licenseAssignmentStates.map((l) => [l.skuId, l.assignedByGroup]);
}

const licensingMembers = () => t.sim.snapshot().groups.find((g) => g.id === LICENSING.id)!.memberIds;
const assignLicenseCalls = (from: number) => seen.slice(from).filter((r) => r.route === 'POST /users/{id}/assignLicense');

async function joined(employeeId: string): Promise<string> {
  const done = await postAndWait(t.host, hrEvent('joiner', worker(employeeId)));
  expect(done.status).toBe('succeeded');
  return t.sim.userByEmployeeId(employeeId)[0]!.id;
}

async function waitForOutcome(eventId: string, step: string, outcome: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  let record: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    record = (await (await fetch(`${t.host.url}/api/events/${encodeURIComponent(eventId)}`)).json()) as Record<string, unknown>;
    if (stepsOf(record)[step]?.outcome === outcome || record.status === 'dead-lettered') return record;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`step ${step} of ${eventId} never became ${outcome}; last: ${JSON.stringify(record)}`);
}

describe('group-based licensing from the rules', () => {
  it('when a joiner matches a licensing-group rule, then they join the group in the membership write of the groups step and hold its licence, with no assignLicense', async () => {
    const from = seen.length;
    const done = await postAndWait(t.host, hrEvent('joiner', worker('GB1')));
    expect(done.status).toBe('succeeded');
    const userId = t.sim.userByEmployeeId('GB1')[0]!.id;
    const steps = stepsOf(done);
    expect(steps.groups).toMatchObject({ outcome: 'done', detail: expect.stringMatching(/add .*SG-Licensing-E5.*licensing group\(s\) SG-Licensing-E5: the licence comes and goes with the membership/) });
    expect(steps.licences).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('through licensing group(s) SG-Licensing-E5') });
    expect(assignLicenseCalls(from)).toEqual([]);
    // One membership write per group (SG-All-Staff, SG-Sales, the licensing group): the shared
    // members@odata.bind PATCH when other joiners add at the same time, alone a members/$ref POST.
    const adds = seen.slice(from).filter((r) => (r.route === 'PATCH /groups/{id}' || r.route === 'POST /groups/{id}/members/$ref') && JSON.stringify(r.body).includes(userId));
    expect(adds.length).toBe(3);
    expect(licensingMembers()).toContain(userId);
    expect(await licencesOf(userId)).toEqual([[E5, LICENSING.id]]);
  });

  it('when a mover leaves the department the licensing group is for, then they leave the group (its licence with it) and get their SKU rule\'s licence directly', async () => {
    const userId = await joined('GB2');
    const moved = await postAndWait(t.host, hrEvent('mover', worker('GB2', { department: 'Engineering' })));
    expect(moved.status).toBe('succeeded');
    expect(stepsOf(moved).groups?.detail).toMatch(/remove .*SG-Licensing-E5/);
    expect(licensingMembers()).not.toContain(userId);
    expect(await licencesOf(userId)).toEqual([[E3, null]]);
  });

  it('when a mover is dry-run, then the plan says which licensing group they would leave, and nothing changes', async () => {
    const userId = await joined('GB3');
    const from = seen.length;
    const response = await t.host.postHr(JSON.stringify(hrEvent('mover', worker('GB3', { department: 'Engineering' }))), { query: '?dryRun=true' });
    expect(response.status).toBe(200);
    const plan = (await response.json()) as { events: { steps: { name: string; outcome: string; detail?: string }[] }[] };
    const steps = Object.fromEntries(plan.events[0]!.steps.map((s) => [s.name, s]));
    expect(steps.groups).toMatchObject({ outcome: 'planned', detail: expect.stringMatching(/would .*remove .*SG-Licensing-E5.*licensing group\(s\) SG-Licensing-E5/) });
    expect(seen.slice(from).filter((r) => !r.route.startsWith('GET ') && r.route !== 'POST /$batch')).toEqual([]);
    expect(licensingMembers()).toContain(userId);
  });

  it('when a leaver has a grace period, then the rule groups go on the leave day but the licensing group (and its licence) stays until the licence phase', async () => {
    const userId = await joined('GB4');
    const left = await postAndWait(t.host, hrEvent('leaver', worker('GB4')), 'remove-licences');
    const steps = stepsOf(left);
    expect(steps['remove-groups']).toMatchObject({ outcome: 'done', detail: expect.stringContaining('licensing group(s) kept until the licences go: SG-Licensing-E5') });
    expect(steps['remove-licences']?.outcome).toBe('pending');
    expect(t.sim.groupsOf(userId)).toEqual(['SG-Licensing-E5']);
    expect(await licencesOf(userId)).toEqual([[E5, LICENSING.id]]);
  });

  it('when the grace period of a leaver is over, then the licence phase takes them out of the licensing group, and the licence goes with it', async () => {
    const userId = await joined('GB5');
    // Left eight days ago: the seven-day licence phase is due at once.
    const response = await t.host.postHr(JSON.stringify(hrEvent('leaver', worker('GB5'), { effectiveAt: new Date(Date.now() - 8 * DAY_MS).toISOString() })));
    expect(response.status).toBe(202);
    const { events } = (await response.json()) as { events: { eventId: string }[] };
    const done = await waitForOutcome(events[0]!.eventId, 'remove-licences', 'done');
    expect(stepsOf(done)['remove-licences']?.detail).toMatch(/removed 0 licence\(s\); licensing group\(s\), the licence going with the membership: remove SG-Licensing-E5/);
    expect(t.sim.groupsOf(userId)).toEqual([]);
    expect(await licencesOf(userId)).toEqual([]);
  }, 40_000);

  it('when a leaver is dry-run, then the plan keeps the licensing group for the licence phase', async () => {
    await joined('GB6');
    const response = await t.host.postHr(JSON.stringify(hrEvent('leaver', worker('GB6'))), { query: '?dryRun=true' });
    const plan = (await response.json()) as { events: { steps: { name: string; outcome: string; detail?: string }[] }[] };
    const steps = Object.fromEntries(plan.events[0]!.steps.map((s) => [s.name, s]));
    expect(steps['remove-groups']).toMatchObject({ outcome: 'planned', detail: expect.stringContaining('licensing group(s) kept until the licences go: SG-Licensing-E5') });
    expect(steps['remove-groups']?.detail).not.toMatch(/remove [^;]*SG-Licensing-E5/);
  });
});
