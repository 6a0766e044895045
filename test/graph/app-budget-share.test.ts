import { AppBudget, APP_SHARE_KEY } from '../../shared/graph/app-budget';
import { TableWriteShareStore } from '../../shared/graph/table-write-share';
import { localSettings } from '../tenancy/fixtures';

/**
 * The app's own Graph limits (35,000 writes / 5 min, 150,000 RU / 20 s across every tenant) shared
 * between instances through the write-share table (GRAPH_WRITE_SHARE=table), instead of a fixed
 * GRAPH_INSTANCE_COUNT: the instances calling Graph now divide them, and one that stops gives its
 * share back.
 */
let tables = 0;
function store(): TableWriteShareStore {
  const name = `appShare${process.pid}x${Date.now()}x${++tables}`;
  return TableWriteShareStore.fromSettings(localSettings({ AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION_STRING ?? '', GRAPH_WRITE_SHARE_TABLE_NAME: name }));
}

const LIMITS = { writes: { limit: 35_000, windowMs: 300_000 }, resourceUnits: { limit: 150_000, windowMs: 20_000 } };
const instance = (table: TableWriteShareStore, instanceId: string) => new AppBudget({ ...LIMITS, share: { store: table, instanceId, intervalMs: 100 } });

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the app's Graph limits shared between instances through the write-share table", () => {
  const open: AppBudget[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });

  it('when one instance calls Graph alone, then it takes the whole app budget at once', async () => {
    const alone = instance(store(), 'i-1');
    open.push(alone);
    const started = Date.now();
    await alone.share('fabrikam').takeResourceUnits(1);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(alone.instanceCount()).toBe(1);
    expect(alone.snapshot().writesPerSecond).toBeCloseTo((35_000 - 35_000 / 300) / 300, 1);
  });

  it('when three instances call Graph, then each keeps to a third of both limits; when two stop, the last takes it all again', async () => {
    const table = store();
    const [a, b, c] = ['i-a', 'i-b', 'i-c'].map((id) => instance(table, id)) as [AppBudget, AppBudget, AppBudget];
    open.push(a, b, c);
    const whole = a.snapshot();
    await Promise.all([a, b, c].map((budget, i) => budget.share(`tenant-${i}`).takeResourceUnits(1)));
    // Each renewal reads the others' rows: within a few intervals all three count three.
    await until(() => [a, b, c].every((budget) => budget.instanceCount() === 3));
    for (const budget of [a, b, c]) {
      expect(budget.snapshot().writesPerSecond).toBeCloseTo(whole.writesPerSecond / 3, 0);
      expect(budget.snapshot().resourceUnitsPerSecond).toBeCloseTo(whole.resourceUnitsPerSecond / 3, -1);
    }
    expect((await table.liveHolders(APP_SHARE_KEY, Date.now())).map((h) => h.instanceId)).toEqual(['i-a', 'i-b', 'i-c']);

    await Promise.all([b.close(), c.close()]);
    await a.share('tenant-0').takeResourceUnits(1);
    await until(() => a.instanceCount() === 1);
    expect(a.snapshot().writesPerSecond).toBeCloseTo(whole.writesPerSecond, 1);
  });

  it("when the app share rows sit beside tenants' rows, then neither counts the other", async () => {
    const table = store();
    const budget = instance(table, 'i-x');
    open.push(budget);
    await budget.share('fabrikam').takeResourceUnits(1);
    expect(await table.holders('fabrikam', Date.now())).toEqual([]);
    expect((await table.holders(APP_SHARE_KEY, Date.now())).map((h) => h.instanceId)).toEqual(['i-x']);
  });

  it('when the share table cannot be reached, then the instance keeps the whole budget (as with one instance) and its requests still go', async () => {
    const unreachable = TableWriteShareStore.fromSettings(localSettings({ AzureWebJobsStorage: 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;', GRAPH_WRITE_SHARE_TABLE_NAME: 'nowhere' }));
    const budget = instance(unreachable, 'i-y');
    open.push(budget);
    await budget.share('fabrikam').takeResourceUnits(1);
    expect(budget.instanceCount()).toBe(1);
  }, 30_000);
});
