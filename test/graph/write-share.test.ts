import { TableClient } from '@azure/data-tables';
import { GraphGovernor } from '../../shared/graph/governor';
import { TableWriteShareStore } from '../../shared/graph/table-write-share';
import { WriteShare } from '../../shared/graph/write-share';
import { localSettings } from '../tenancy/fixtures';

let tables = 0;

/** Each test its own table in the suite's Azurite, so tests never see each other's rows. */
function store(): TableWriteShareStore {
  const name = `writeShare${process.pid}x${Date.now()}x${++tables}`;
  return TableWriteShareStore.fromSettings(localSettings({ AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION_STRING ?? '', GRAPH_WRITE_SHARE_TABLE_NAME: name }));
}

/** A share whose changes the test can wait for, with a short interval so a renewal comes soon. */
function holder(table: TableWriteShareStore, instanceId: string, options: { idleMs?: number; tenantKey?: string; demand?: () => number } = {}) {
  const shares: number[] = [];
  const waiters: Array<{ until: (rate: number) => boolean; resolve: () => void }> = [];
  const share = new WriteShare({
    store: table,
    tenantKey: options.tenantKey ?? 'fabrikam',
    instanceId,
    writesPerSecond: 18,
    intervalMs: 100,
    ...(options.idleMs !== undefined ? { idleMs: options.idleMs } : {}),
    ...(options.demand ? { demand: options.demand } : {}),
    onShare: (rate) => {
      shares.push(rate);
      for (const w of waiters.filter((x) => x.until(rate))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
  });
  const reaches = (until: (rate: number) => boolean) => (until(share.share()) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ until, resolve })));
  return { share, shares, reaches };
}

describe('a tenant write budget shared between instances through Table storage (Azurite)', () => {
  const open: WriteShare[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('when one instance writes to a tenant alone, then it holds the whole budget', async () => {
    const table = store();
    const a = holder(table, 'instance-a');
    open.push(a.share);
    await a.share.beforeWrite();
    expect(a.share.holderCount()).toBe(1);
    expect(a.share.share()).toBe(18);
    expect((await table.holders('fabrikam', Date.now())).map((h) => h.instanceId)).toEqual(['instance-a']);
  });

  it('when a second and a third instance start writing, then each holds a third, the first learning of them at its renewal, and the newcomers start only after announcing themselves', async () => {
    const table = store();
    const [a, b, c] = ['instance-a', 'instance-b', 'instance-c'].map((id) => holder(table, id));
    open.push(a!.share, b!.share, c!.share);
    await a!.share.beforeWrite();
    await Promise.all([b!.share.beforeWrite(), c!.share.beforeWrite()]);
    // Both newcomers found a holder before them, so both waited an interval: the last to read saw all three.
    expect(Math.max(b!.share.holderCount(), c!.share.holderCount())).toBe(3);
    await Promise.all([a, b, c].map((h) => h!.reaches((rate) => rate === 6)));
    expect([a, b, c].map((h) => h!.share.share())).toEqual([6, 6, 6]);
  });

  it('when one instance has writes waiting and the other none, then the budget is divided by what each waits for, and equally again once both wait alike', async () => {
    const table = store();
    let waitingA = 8;
    const a = holder(table, 'instance-a', { demand: () => waitingA });
    const b = holder(table, 'instance-b', { demand: () => 0 });
    open.push(a.share, b.share);
    await a.share.beforeWrite();
    await b.share.beforeWrite();
    // a's 8 waiting writes against b's none (counted as 1): 8/9 and 1/9 of 18 writes/s.
    await a.reaches((rate) => rate === 16);
    await b.reaches((rate) => rate === 2);
    expect(a.share.share() + b.share.share()).toBe(18);
    const rows = await table.holders('fabrikam', Date.now());
    expect(Object.fromEntries(rows.map((h) => [h.instanceId, h.demand]))).toEqual({ 'instance-a': 8, 'instance-b': 1 });
    waitingA = 0;
    await a.reaches((rate) => rate === 9);
    await b.reaches((rate) => rate === 9);
    // a gave its part up at once; b took it by half again per renewal, never more than the whole beside a's.
    const growth = b.shares.slice(b.shares.findIndex((r) => Math.abs(r - 2) < 1e-9));
    expect(growth.map((r) => Number(r.toFixed(2)))).toEqual([2, 3, 4.5, 6.75, 9]);
  });

  it('when another instance writes a row with a demand that is not a positive number, then it counts as 1', async () => {
    const table = store();
    await table.announce('fabrikam', 'instance-odd', Date.now() + 60_000, -5);
    const a = holder(table, 'instance-a', { demand: () => 1 });
    open.push(a.share);
    await a.share.beforeWrite();
    await a.reaches((rate) => rate === 9);
    expect(await table.holders('fabrikam', Date.now())).toEqual(expect.arrayContaining([{ instanceId: 'instance-odd', demand: 1 }]));
  });

  it('when an instance stops writing, then its row goes and the others take its part back', async () => {
    const table = store();
    const a = holder(table, 'instance-a');
    const b = holder(table, 'instance-b', { idleMs: 300 });
    open.push(a.share, b.share);
    await a.share.beforeWrite();
    await b.share.beforeWrite();
    await a.reaches((rate) => rate === 9);
    // b asks for no more writes: after its idle time it leaves, and a is alone again.
    await a.reaches((rate) => rate === 18);
    expect((await table.holders('fabrikam', Date.now())).map((h) => h.instanceId)).toEqual(['instance-a']);
  });

  it('when an instance crashed (its row was not renewed), then its expired row is not counted', async () => {
    const table = store();
    await table.announce('fabrikam', 'crashed', Date.now() - 1);
    const a = holder(table, 'instance-a');
    open.push(a.share);
    await a.share.beforeWrite();
    expect(a.share.holderCount()).toBe(1);
  });

  it('when instances write to different tenants, then each tenant has its own holders', async () => {
    const table = store();
    const a = holder(table, 'instance-a', { tenantKey: 'fabrikam' });
    const b = holder(table, 'instance-b', { tenantKey: 'contoso' });
    open.push(a.share, b.share);
    await Promise.all([a.share.beforeWrite(), b.share.beforeWrite()]);
    expect([a.share.share(), b.share.share()]).toEqual([18, 18]);
  });

  it('when the storage cannot be reached, then writes are not held: the instance keeps the whole budget (per-instance backoff on 429 as before)', async () => {
    // Azurite's own account, on a port nothing listens on.
    const connectionString = (process.env.TEST_STORAGE_CONNECTION_STRING ?? '').replace(/TableEndpoint=http:\/\/127\.0\.0\.1:\d+/, 'TableEndpoint=http://127.0.0.1:9');
    const unreachable = new TableWriteShareStore(TableClient.fromConnectionString(connectionString, 'writeShareUnreachable', { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } }));
    const a = holder(unreachable, 'instance-a');
    open.push(a.share);
    await a.share.beforeWrite();
    expect(a.share.share()).toBe(18);
  });

  it("when a governor's share of the tenant changes, then its write rate follows in proportion and a cut for a 429 is kept", async () => {
    const governor = new GraphGovernor({ writesPerSecond: 18 });
    governor.setWriteCeiling(6);
    expect(governor.snapshot().writesPerSecond).toBe(6);
    governor.setWriteCeiling(18);
    expect(governor.snapshot().writesPerSecond).toBe(18);
    const release = await governor.acquire(true);
    release({ status: 429, isWrite: true, writeBudgetSpent: true, retryAfterMs: 1 });
    expect(governor.snapshot().writesPerSecond).toBeCloseTo(12.6, 1);
    governor.setWriteCeiling(6);
    expect(governor.snapshot().writesPerSecond).toBeCloseTo(4.2, 1);
  });

  it('when a governor has a share to join, then its first write waits for it and reads do not', async () => {
    let joined = false;
    let join: () => void = () => undefined;
    const governor = new GraphGovernor({ writesPerSecond: 18, beforeWrite: () => (joined ? undefined : new Promise<void>((resolve) => (join = () => { joined = true; resolve(); }))) });
    let wrote = false;
    const write = governor.acquire(true).then((release) => {
      wrote = true;
      release({ status: 201, isWrite: true });
    });
    (await governor.acquire(false))({ status: 200, isWrite: false });
    expect(wrote).toBe(false);
    join();
    await write;
    expect(wrote).toBe(true);
  });
});
