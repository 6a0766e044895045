import { readFileSync } from 'node:fs';
import { AppThrottle, loadSeed, startGraphSimulator, type RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, SAMPLE_SEED } from './harness';

const tenantSimulator = (appThrottle: AppThrottle) =>
  startGraphSimulator({
    port: 0,
    tls: { cert: readFileSync(process.env.DEV_TLS_CERT_FILE as string, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE as string, 'utf8') },
    seed: loadSeed(SAMPLE_SEED),
    appThrottle,
  });

/** https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits: the "application" row counts an app's requests to all its tenants. */
describe("Graph simulator: the app's budget across tenants", () => {
  let fabrikam: RunningGraphSimulator;
  let northwind: RunningGraphSimulator;
  afterEach(async () => {
    await Promise.all([fabrikam.close(), northwind.close()]);
  });

  it("when writes to one tenant spend the app's write budget, then a write to another tenant gets 429 scoped to the application, and reads still work", async () => {
    const app = new AppThrottle({ writesPer5min: 2 });
    [fabrikam, northwind] = await Promise.all([tenantSimulator(app), tenantSimulator(app)]);
    expect((await graph(fabrikam, 'PATCH', `/users/${IDS.hedy}`, { department: 'A' })).status).toBe(204);
    expect((await graph(fabrikam, 'PATCH', `/users/${IDS.hedy}`, { department: 'B' })).status).toBe(204);

    const refused = await graph(northwind, 'PATCH', `/users/${IDS.hedy}`, { department: 'C' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ms-throttle-scope')).toMatch(/^Application\/Write\//);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(290);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(300);
    expect(northwind.snapshot().users.find((u) => u.id === IDS.hedy)!.department).not.toBe('C');
    expect((await graph(northwind, 'GET', `/users/${IDS.hedy}`)).status).toBe(200);
  });

  it("when a tenant's own budget refuses, then the 429 is scoped to the tenant and the app's budget is not charged", async () => {
    const app = new AppThrottle({ writesPer5min: 2 });
    [fabrikam, northwind] = await Promise.all([tenantSimulator(app), tenantSimulator(app)]);
    fabrikam.setThrottling({ writesPer150s: 1 });
    expect((await graph(fabrikam, 'PATCH', `/users/${IDS.hedy}`, { department: 'A' })).status).toBe(204);
    const refused = await graph(fabrikam, 'PATCH', `/users/${IDS.hedy}`, { department: 'B' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ms-throttle-scope')).toMatch(/^Tenant_Application\/Write\//);
    // The refused write cost the app nothing: one of its two writes is still free.
    expect((await graph(northwind, 'PATCH', `/users/${IDS.hedy}`, { department: 'C' })).status).toBe(204);
  });
});
