import { provisionOneDrive } from '../../dev/graph-simulator';
import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

// The sample rules (config/rules.json) set none of the hand-over options.
const t = useTenantHost();

const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({ employeeId, givenName: 'Keep', surname: `As${employeeId}`, department: 'Engineering', country: 'GB', ...extra });

describe('handing a leaver over, by default', () => {
  it('when the policy sets no files, ownership or directReports option, then no such step runs and Graph is never asked about drives, owners or reports', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('HK-M1')));
    await postAndWait(t.host, hrEvent('joiner', worker('HK100', { managerEmployeeId: 'HK-M1' })));
    await postAndWait(t.host, hrEvent('joiner', worker('HK101', { managerEmployeeId: 'HK100' })));
    const leaver = t.sim.userByEmployeeId('HK100')[0]!.id;
    provisionOneDrive(t.host.simulator!.state, leaver);
    const before = t.host.simulator!.stats().byRoute;

    const left = await postAndWait(t.host, hrEvent('leaver', worker('HK100')), 'delete-account');
    const steps = stepsOf(left);
    for (const step of ['onedrive-manager-access', 'hand-over-group-ownership', 'move-direct-reports']) expect(steps[step]).toBeUndefined();
    const after = t.host.simulator!.stats().byRoute;
    for (const route of ['GET /users/{id}/drive', 'POST /drives/{id}/items/{itemId}/invite', 'GET /users/{id}/ownedObjects', 'POST /groups/{id}/owners/$ref', 'PUT /users/{id}/manager/$ref']) {
      expect({ route, calls: (after[route] ?? 0) - (before[route] ?? 0) }).toEqual({ route, calls: 0 });
    }
    expect(t.sim.userByEmployeeId('HK101')[0]!.managerId).toBe(leaver);
  });
});
