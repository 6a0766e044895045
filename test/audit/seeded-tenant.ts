import type { TestHost } from '../support/test-host';
import { hrEvent, postAndWait, tenant } from '../support/tenant';

const DAY = 86_400_000;

/** Workers with every kind of waste and drift, made the way they happen: joiners, then changes in the tenant. */
export async function seedAuditTenant(host: TestHost): Promise<void> {
  const sim = tenant(host);
  const join = (employeeId: string, surname: string, department = 'Engineering') =>
    postAndWait(host, hrEvent('joiner', { employeeId, givenName: 'Audit', surname, department, country: 'GB' }));
  for (const [id, name, dept] of [['AU01', 'Disabled'], ['AU02', 'Departed'], ['AU03', 'Dormant'], ['AU04', 'Doubled'], ['AU05', 'Drifted', 'Sales'], ['AU06', 'Active']] as const) {
    await join(id, name, dept);
  }
  await postAndWait(host, hrEvent('joiner', { employeeId: 'AU07', givenName: 'Audit', surname: 'Contractor', employeeType: 'Contractor', country: 'GB' }));
  const id = (employeeId: string) => sim.userByEmployeeId(employeeId)[0]!.id;
  const E5 = '06ebc4ee-1bb5-47dd-8120-11324bc54e06';
  const sales = sim.snapshot().groups.find((g) => g.displayName === 'SG-Sales')!.id;
  const engineering = sim.snapshot().groups.find((g) => g.displayName === 'SG-Engineering')!.id;

  await sim.graph('PATCH', `/users/${id('AU01')}`, { accountEnabled: false });
  await sim.graph('PATCH', `/users/${id('AU02')}`, { employeeLeaveDateTime: new Date(Date.now() - 30 * DAY).toISOString() });
  await sim.graph('POST', `/users/${id('AU04')}/assignLicense`, { addLicenses: [{ skuId: E5, disabledPlans: [] }], removeLicenses: [] });
  // Drift both ways: out of the group the rules give, into one they do not; licence removed by hand.
  await sim.graph('DELETE', `/groups/${sales}/members/${id('AU05')}/$ref`);
  await sim.graph('POST', `/groups/${engineering}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id('AU05')}` });
  await sim.graph('POST', `/users/${id('AU05')}/assignLicense`, { addLicenses: [], removeLicenses: ['05e9a617-0261-4cee-bb44-138d3ef5d965'] });

  // A contractor given the staff licence by hand: a licence the rules do not give.
  await sim.graph('POST', `/users/${id('AU07')}/assignLicense`, { addLicenses: [{ skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', disabledPlans: [] }], removeLicenses: [] });

  // Units in their grace period (warning) and expired (suspended), as a lapsing subscription shows them.
  Object.assign(host.simulator!.state.skus.get(E5)!, { suspended: 2, warning: 3 });

  // Sign-in activity is read-only in Graph; the simulator's state stands in for a real tenant's history.
  const now = Date.now();
  for (const user of host.simulator!.state.users.values()) {
    user.signInActivity = { lastSignInDateTime: new Date(now - DAY).toISOString(), lastSuccessfulSignInDateTime: new Date(now - DAY).toISOString() };
  }
  host.simulator!.state.users.get(id('AU03'))!.signInActivity = { lastSignInDateTime: new Date(now - 200 * DAY).toISOString(), lastSuccessfulSignInDateTime: new Date(now - 200 * DAY).toISOString() };
}
