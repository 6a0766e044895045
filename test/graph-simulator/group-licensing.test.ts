import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, newUser, startSimulator } from './harness';

/** Entra's group-based licensing as the simulator plays it: in the background, failures recorded on the user. */
let sim: RunningGraphSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
afterEach(() => sim.setGroupLicensingDelay(0));

/** Gives a seeded group licences, as an admin would in the portal (the simulator has no group assignLicense). */
function license(groupId: string, skuIds: string[], securityEnabled = true): void {
  const group = sim.state.groups.get(groupId)!;
  group.securityEnabled = securityEnabled;
  (group as unknown as { assignedLicenses: unknown[] }).assignedLicenses = skuIds.map((skuId) => ({ skuId, disabledPlans: [] }));
}

async function created(n: number): Promise<string> {
  const reply = await graph(sim, 'POST', '/users', newUser({ userPrincipalName: `gbl${n}@contoso.com`, mailNickname: `gbl${n}`, employeeId: `GBL${n}`, usageLocation: 'GB' }));
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

const join = (groupId: string, userId: string) => graph(sim, 'POST', `/groups/${groupId}/members/$ref`, { '@odata.id': `${sim.url}/v1.0/directoryObjects/${userId}` });
const states = async (userId: string) => (await graph(sim, 'GET', `/users/${userId}?$select=assignedLicenses,licenseAssignmentStates`)).body as {
  assignedLicenses: { skuId: string }[];
  licenseAssignmentStates: { skuId: string; assignedByGroup: string | null; state: string; error: string }[];
};
const consumed = (skuId: string) => sim.state.skus.get(skuId)!.consumedUnits;

describe('group-based licensing in the simulator', () => {
  it('when Entra takes a while, then the membership answers at once and the licence follows after the delay', async () => {
    license(IDS.contractors, [IDS.E5]);
    const userId = await created(1);
    // Long enough that the read right after the add comes before it on a busy machine.
    sim.setGroupLicensingDelay(3000);
    const before = consumed(IDS.E5);
    expect((await join(IDS.contractors, userId)).status).toBe(204);
    expect((await states(userId)).licenseAssignmentStates).toEqual([]);
    expect(consumed(IDS.E5)).toBe(before);
    const deadline = Date.now() + 15_000;
    while ((await states(userId)).licenseAssignmentStates.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await states(userId)).licenseAssignmentStates).toEqual([expect.objectContaining({ skuId: IDS.E5, assignedByGroup: IDS.contractors, state: 'Active', error: 'None' })]);
    expect(consumed(IDS.E5)).toBe(before + 1);
  }, 30_000);

  it('when a licensing group has a product without a free unit, then none of its products apply and the user shows CountViolation, costing no unit', async () => {
    const exchange = sim.state.skus.get(IDS.EXCHANGE)!;
    expect(exchange.consumedUnits).toBeGreaterThanOrEqual(exchange.enabled); // the sample seed's Exchange stock is used up
    license(IDS.sales, [IDS.E3, IDS.EXCHANGE]);
    const userId = await created(2);
    const before = { e3: consumed(IDS.E3), exchange: consumed(IDS.EXCHANGE) };
    expect((await join(IDS.sales, userId)).status).toBe(204);
    const user = await states(userId);
    expect(user.assignedLicenses).toEqual([]);
    expect(user.licenseAssignmentStates.map((s) => [s.skuId, s.state, s.error]).sort()).toEqual([[IDS.E3, 'Error', 'CountViolation'], [IDS.EXCHANGE, 'Error', 'CountViolation']].sort());
    expect({ e3: consumed(IDS.E3), exchange: consumed(IDS.EXCHANGE) }).toEqual(before);
  });

  it('when a group with licences is not security-enabled, then its members get nothing from it', async () => {
    license(IDS.allStaff, [IDS.E5], false);
    const userId = await created(3);
    expect((await join(IDS.allStaff, userId)).status).toBe(204);
    expect((await states(userId)).licenseAssignmentStates).toEqual([]);
  });
});
