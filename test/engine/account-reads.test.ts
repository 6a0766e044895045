import { hrEvent, postAndWait, stepsOf, useTenantHost } from '../support/tenant';

// What an event reads about an existing account (memberships, manager, licences) goes to the
// simulator as one `$batch`; the simulator counts each item under its own route.
const t = useTenantHost();
afterEach(() => t.host.simulator!.setFaults([]));

const worker = (employeeId: string, extra: Record<string, unknown> = {}) => ({
  employeeId,
  givenName: 'Batch',
  surname: `Reader${employeeId}`,
  department: 'Engineering',
  country: 'GB',
  ...extra,
});

/** Graph requests per route made while `action` ran. */
async function requestsDuring(action: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = t.host.simulator!.stats().byRoute;
  await action();
  const after = t.host.simulator!.stats().byRoute;
  return Object.fromEntries(Object.entries(after).map(([route, n]) => [route, n - (before[route] ?? 0)]).filter(([, n]) => (n as number) > 0));
}

describe('reads of an existing account', () => {
  it('when a mover is reconciled, then the memberships, manager and licences its steps check are read in one $batch, and memberships only once', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('BR-M1')));
    await postAndWait(t.host, hrEvent('joiner', worker('BR100')));
    let moved: Record<string, unknown> = {};
    const requests = await requestsDuring(async () => {
      moved = await postAndWait(t.host, hrEvent('mover', worker('BR100', { department: 'Sales', managerEmployeeId: 'BR-M1' })));
    });
    expect(moved.status).toBe('succeeded');
    expect(requests['POST /$batch']).toBe(1);
    // The protection check (directory roles) and the group step share one read of memberOf.
    expect(requests['GET /users/{id}/memberOf']).toBe(1);
    // No manager yet: the item's 404 means "none", and the link is made.
    expect(requests['GET /users/{id}/manager']).toBe(1);
    expect(stepsOf(moved)['set-manager']?.outcome).toBe('done');
    const [user] = t.sim.userByEmployeeId('BR100');
    const [manager] = t.sim.userByEmployeeId('BR-M1');
    expect(user!.managerId).toBe(manager!.id);
    expect(t.sim.groupsOf(user!.id)).toEqual(['SG-All-Staff', 'SG-Sales']);
    expect(t.sim.skusOf(user!)).toEqual(['SPE_E3']);
  });

  it('when one item of the batch is throttled, then that read alone is asked again and the event finishes in its first attempt', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('BR200')));
    t.host.simulator!.setFaults([{ method: 'GET', path: /^\/users\/[^/]+\/memberOf$/, status: 429, times: 1, retryAfterSeconds: 0 }]);
    let moved: Record<string, unknown> = {};
    const requests = await requestsDuring(async () => {
      moved = await postAndWait(t.host, hrEvent('mover', worker('BR200', { department: 'Sales' })));
    });
    expect(moved).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(requests['POST /$batch']).toBe(1);
    expect(requests['GET /users/{id}/memberOf']).toBe(2);
    expect(t.sim.groupsOf(t.sim.userByEmployeeId('BR200')[0]!.id)).toEqual(['SG-All-Staff', 'SG-Sales']);
  });

  it('when an item of the batch is refused, then the event stops at the step that needed it with Graph\'s code, before any change', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('BR300', { jobTitle: 'Engineer' })));
    t.host.simulator!.setFaults([{ method: 'GET', path: /^\/users\/[^/]+\/memberOf$/, status: 403, times: 1 }]);
    const moved = await postAndWait(t.host, hrEvent('mover', worker('BR300', { department: 'Sales', jobTitle: 'Account Executive' })));
    expect(moved.status).toBe('dead-lettered');
    expect(moved.error).toMatchObject({ code: 'check-protection: Authorization_RequestDenied' });
    expect(JSON.stringify(moved.error)).toContain('list user memberships');
    const [user] = t.sim.userByEmployeeId('BR300');
    expect(user).toMatchObject({ department: 'Engineering', jobTitle: 'Engineer' });
  });

  it('when a worker leaves, then the memberships and licences the leaver removes are read in one $batch', async () => {
    await postAndWait(t.host, hrEvent('joiner', worker('BR400')));
    let left: Record<string, unknown> = {};
    const requests = await requestsDuring(async () => {
      left = await postAndWait(t.host, hrEvent('leaver', worker('BR400')), 'delete-account');
    });
    expect(stepsOf(left)['remove-groups']?.outcome).toBe('done');
    expect(stepsOf(left)['remove-licences']?.outcome).toBe('done');
    expect(requests['POST /$batch']).toBe(1);
    expect(requests['GET /users/{id}/memberOf']).toBe(1);
    const [user] = t.sim.userByEmployeeId('BR400');
    expect(t.sim.groupsOf(user!.id)).toEqual([]);
    expect(t.sim.skusOf(user!)).toEqual([]);
  });
});
