import type { Client } from '@microsoft/microsoft-graph-client';
import type { Settings } from '../../shared/config/settings';
import { AppBudget, type AppShare } from '../../shared/graph/app-budget';
import { createGovernor } from '../../shared/graph/governor';
import type { TenantDirectory } from '../../shared/graph/tenant-directory';
import type { ReadyTenant } from '../../shared/tenancy/tenant-registry';
import { TenantRuntimes } from '../../shared/tenancy/tenant-runtime';

const settings = { GRAPH_WRITES_PER_SECOND: 19.5, GRAPH_MAX_CONCURRENCY: 32 } as Settings;
const tenant = (key: string, revision = 'r1') => ({ key, revision, settings }) as unknown as ReadyTenant;

describe("TenantRuntimes and the app's budget across tenants", () => {
  it('when runtimes are built for several tenants, then each governor is given its own share of one app budget, and a rebuilt runtime keeps its share', () => {
    const app = new AppBudget({ writes: { limit: 300, windowMs: 10_000 }, resourceUnits: { limit: 600, windowMs: 20_000 } });
    const shares: Array<{ key: string; app: AppShare }> = [];
    const runtimes = new TenantRuntimes(
      (t, share) => {
        shares.push({ key: t.key, app: share });
        return { graph: {} as Client, governor: createGovernor(t.settings, share), directory: {} as TenantDirectory };
      },
      32,
      app,
    );

    runtimes.runtimeOf(tenant('contoso'));
    runtimes.runtimeOf(tenant('fabrikam'));
    runtimes.runtimeOf(tenant('contoso', 'r2'));

    expect(shares.map((s) => s.key)).toEqual(['contoso', 'fabrikam', 'contoso']);
    expect(shares[0]!.app).toBe(app.share('contoso'));
    expect(shares[1]!.app).toBe(app.share('fabrikam'));
    expect(shares[2]!.app).toBe(shares[0]!.app);
    expect(runtimes.appBudget).toBe(app);
  });
});
