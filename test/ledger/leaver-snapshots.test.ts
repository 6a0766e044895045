import { randomBytes } from 'node:crypto';
import { parseSettings } from '../../shared/config/settings';
import { BlobLeaverSnapshots, snapshotToRestore, type LeaverSnapshot } from '../../shared/ledger/leaver-snapshots';

let store: BlobLeaverSnapshots;

beforeAll(() => {
  const settings = parseSettings({
    LIFECYCLE_RUNTIME: 'local',
    HR_WEBHOOK_SECRET: 'x'.repeat(32),
    AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION_STRING,
    LEDGER_TABLE_NAME: `snap${randomBytes(4).toString('hex')}`,
  });
  store = BlobLeaverSnapshots.fromSettings(settings);
});

function snapshot(leaverEventId: string, takenAt: string, extra: Partial<LeaverSnapshot> = {}, accountEnabled = true): LeaverSnapshot {
  return {
    version: 1,
    tenantId: 'default',
    employeeId: 'E/1?#',
    leaverEventId,
    takenAt,
    userId: 'user-1',
    userPrincipalName: 'e1@contoso.com',
    parts: { attributes: { read: true, value: { accountEnabled } } },
    ...extra,
  };
}

describe('leaver snapshots in Blob Storage (Azurite)', () => {
  it('when a snapshot is stored twice for one leaver event, then the first one stays and the second is told so', async () => {
    const first = snapshot('leaver-1', '2026-11-20T09:00:00.000Z');
    expect(await store.keepFirst(first)).toEqual({ stored: true, snapshot: first });
    const later = snapshot('leaver-1', '2026-11-20T09:05:00.000Z', {}, false);
    expect(await store.keepFirst(later)).toEqual({ stored: false, snapshot: first });
    expect(await store.get('default', 'e/1?#', 'leaver-1')).toEqual(first);
  });

  it('when a worker is in a thousand groups, then the snapshot (far over a Table property\'s 64 KiB) is stored and read back whole', async () => {
    const groups = Array.from({ length: 1000 }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, displayName: `${'G'.repeat(200)}-${i}` }));
    const big = snapshot('leaver-big', '2026-11-21T09:00:00.000Z', { employeeId: 'BIG1', parts: { groups: { read: true, value: groups } } });
    expect(JSON.stringify(big).length).toBeGreaterThan(200_000);
    await store.keepFirst(big);
    expect(await store.get('default', 'BIG1', 'leaver-big')).toEqual(big);
  });

  it('when a worker left twice, the second time already offboarded, then the newest snapshot of a working account is the one to restore', async () => {
    await store.keepFirst(snapshot('leaver-2', '2026-11-22T09:00:00.000Z', {}, false));
    const listed = await store.list('default', 'E/1?#');
    expect(listed.map((s) => s.leaverEventId)).toEqual(['leaver-2', 'leaver-1']);
    expect(snapshotToRestore(listed)?.leaverEventId).toBe('leaver-1');
    expect(await store.list('default', 'nobody')).toEqual([]);
    expect(await store.list('acme', 'E/1?#')).toEqual([]);
  });
});
