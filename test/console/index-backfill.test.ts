import { lifecycleEventSchema } from '../../shared/domain/events';
import { TableLedger } from '../../shared/ledger/table-ledger';
import { hrEvent, postAndWait, useTenantHost } from '../support/tenant';

/**
 * Events accepted before the console's index existed are in the ledger but in no list: the
 * backfill indexes them, a page of records a call, without touching rows the live path wrote.
 */
const t = useTenantHost();

async function post(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${t.host.url}/api/console/index/backfill`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface Listed { eventId: string; source?: string; employeeId: string }
async function listed(employeeId: string): Promise<Listed[]> {
  const response = await fetch(`${t.host.url}/api/console/events?employeeId=${encodeURIComponent(employeeId)}`);
  return ((await response.json()) as { events: Listed[] }).events;
}

/** As an earlier version wrote them: straight into the ledger, with no index beside it. */
async function recordWithoutIndex(eventId: string, employeeId: string): Promise<void> {
  const event = lifecycleEventSchema.parse({ eventId, type: 'joiner', source: 'hr-json', occurredAt: new Date().toISOString(), employee: { employeeId, givenName: 'Old', surname: `Record${employeeId}`, country: 'GB' } });
  await TableLedger.fromSettings(t.host.settings).recordAccepted(event, new Date());
}

async function backfillAll(limit: number): Promise<{ scanned: number; indexed: number; calls: number }> {
  let next: string | undefined;
  let scanned = 0;
  let indexed = 0;
  let calls = 0;
  do {
    const answer = await post({ limit, ...(next ? { next } : {}) });
    expect(answer.status).toBe(200);
    scanned += Number(answer.body.scanned);
    indexed += Number(answer.body.indexed);
    next = answer.body.next as string | undefined;
    calls += 1;
  } while (next && calls < 100);
  return { scanned, indexed, calls };
}

describe('backfilling the console index', () => {
  it('when records predate the index, then a backfill in pages lists them, a second pass indexes nothing, and a live row keeps its source', async () => {
    const live = await postAndWait(t.host, hrEvent('joiner', { employeeId: 'BF-LIVE', givenName: 'Live', surname: 'Worker', country: 'GB' }));
    for (const n of [1, 2, 3, 4, 5]) await recordWithoutIndex(`backfill-old-${n}`, `BF-OLD${n}`);
    expect(await listed('BF-OLD1')).toEqual([]);

    const first = await backfillAll(2);
    expect(first.indexed).toBe(5);
    expect(first.calls).toBeGreaterThanOrEqual(3);
    expect(first.scanned).toBeGreaterThanOrEqual(6);
    for (const n of [1, 2, 3, 4, 5]) expect((await listed(`BF-OLD${n}`)).map((e) => e.eventId)).toEqual([`backfill-old-${n}`]);
    const worker = await fetch(`${t.host.url}/api/console/workers/BF-OLD3`);
    expect(worker.status).toBe(200);

    expect((await backfillAll(500)).indexed).toBe(0);
    expect(await listed('BF-LIVE')).toEqual([expect.objectContaining({ eventId: live.eventId, source: 'hr-json' })]);
  });

  it('when the body or its continuation token is not one the backfill gave, then 400 naming the field, and nothing is indexed', async () => {
    for (const body of [{ limit: 0 }, { limit: 5000 }, { next: '' }, { next: 'not a token!' }, { everything: true }]) {
      const answer = await post(body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
    }
    const forged = await post({ next: Buffer.from('{"nextPartitionKey":').toString('base64') });
    expect(forged.status).toBe(400);
    expect(forged.body).toMatchObject({ issues: [{ field: 'next' }] });
  });
});
