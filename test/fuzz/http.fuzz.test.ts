import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_HR_SECRET } from '../support/test-host';
import { useTenantHost, type SimUser } from '../support/tenant';
import { csvBody, hrRecord, plausibleRecord, runs, scimBulk } from './arbitraries';

/**
 * Signed requests of every shape through the real local host: each gets an answer (202 or 4xx,
 * never 5xx, never silence); a refused one changes nothing; an accepted one changes only accounts
 * of workers it names, and never an account that was there before the app (break-glass, the seed).
 */
const seedFile = path.join(mkdtempSync(path.join(tmpdir(), 'fuzz-seed-')), 'seed.json');
const seed = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'dev', 'graph-simulator', 'seed.sample.json'), 'utf8')) as { subscribedSkus: { enabled: number }[] };
for (const sku of seed.subscribedSkus) sku.enabled = 100_000; // a shortage would only make the runs wait
writeFileSync(seedFile, JSON.stringify(seed));

const t = useTenantHost({ env: { GRAPH_SEED_FILE: seedFile } });

type Account = { user: string; groups: string[] };
/** Each account as the tenant holds it (its own attributes and its memberships), by object id. */
function accounts(): Map<string, Account & { employeeId: string | null | undefined }> {
  const snapshot = t.sim.snapshot();
  const out = new Map<string, Account & { employeeId: string | null | undefined }>();
  for (const u of snapshot.users as (SimUser & Record<string, unknown>)[]) {
    const groups = snapshot.groups.filter((g) => g.memberIds.includes(u.id)).map((g) => g.id).sort();
    out.set(u.id, { user: JSON.stringify(u), groups, employeeId: u.employeeId });
  }
  return out;
}

function changedIds(before: Map<string, Account>, after: Map<string, Account>): string[] {
  const ids = new Set([...before.keys(), ...after.keys()]);
  return [...ids].filter((id) => JSON.stringify(before.get(id)) !== JSON.stringify(after.get(id)));
}

async function settled(statusUrls: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (const url of statusUrls) {
    for (;;) {
      const status = (await (await fetch(url)).json()) as { status?: string; nextAttemptAt?: string };
      if (['succeeded', 'skipped', 'dead-lettered'].includes(String(status.status)) || (status.status === 'queued' && status.nextAttemptAt)) break;
      if (Date.now() > deadline) throw new Error(`event never settled: ${url} ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

let run = 0;
const request = fc.integer().chain(() => {
  run += 1;
  const prefix = `F${run}X`;
  return fc.record({
    prefix: fc.constant(prefix),
    body: fc.oneof(
      { weight: 5, arbitrary: fc.array(plausibleRecord(prefix), { minLength: 1, maxLength: 5 }).map((records) => ({ body: JSON.stringify(records), contentType: 'application/json' })) },
      { weight: 1, arbitrary: fc.array(hrRecord(prefix), { minLength: 1, maxLength: 5 }).map((records) => ({ body: JSON.stringify(records), contentType: 'application/json' })) },
      { weight: 1, arbitrary: scimBulk(prefix).map((bulk) => ({ body: JSON.stringify(bulk), contentType: 'application/scim+json' })) },
      { weight: 1, arbitrary: csvBody(prefix).map((csv) => ({ body: csv, contentType: 'text/csv' })) },
    ),
    query: fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('?dryRun=true', '?dryRun=TRUE', '?dryRun=1', '?dryrun=false', '?x=1') }),
    signed: fc.oneof({ weight: 8, arbitrary: fc.constant('right') }, { weight: 1, arbitrary: fc.constantFrom('wrong', 'stale') }),
  });
});

describe('the HR route under fuzzing', () => {
  it('when signed requests of any shape arrive, then each gets 202 or 4xx, a refused one changes nothing, and an accepted one changes only its own workers', async () => {
    const original = accounts();
    const accepted = new Set<string>();
    const answers = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ body, query, signed }) => {
        const before = accounts();
        const secret = signed === 'wrong' ? 'another-secret-0123456789abcdefghij' : TEST_HR_SECRET;
        const timestamp = signed === 'stale' ? Math.floor(Date.now() / 1000) - 3_600 : undefined;
        const response = await t.host.postHr(body.body, { contentType: body.contentType, query, secret, ...(timestamp ? { timestamp } : {}) });
        expect(response.status).toBeLessThan(500);
        answers.set(response.status, (answers.get(response.status) ?? 0) + 1);
        expect([200, 202, 400, 401, 409, 413]).toContain(response.status);
        const answer = response.status === 401 ? {} : ((await response.json()) as { events?: { statusUrl: string; employeeId: string }[] });

        if (response.status === 202) {
          for (const e of answer.events ?? []) accepted.add(e.employeeId.toLowerCase());
          await settled((answer.events ?? []).map((e) => e.statusUrl));
        } else {
          await new Promise((r) => setTimeout(r, 150));
        }
        const after = accounts();
        const changed = changedIds(before, after);
        if (response.status !== 202) expect(changed).toEqual([]);
        for (const id of changed) {
          const owner = after.get(id)?.employeeId ?? before.get(id)?.employeeId;
          expect({ id, owner: owner ?? null, ownedByAnAcceptedWorker: typeof owner === 'string' && accepted.has(owner.toLowerCase()) }).toMatchObject({ ownedByAnAcceptedWorker: true });
        }
        for (const [id, account] of original) expect({ id, ...after.get(id) }).toEqual({ id, ...account });
      }),
      { ...runs(12), endOnFailure: true },
    );
    if (process.env.FUZZ_SCALE) console.log(`HR route fuzz answers: ${JSON.stringify(Object.fromEntries(answers))}`);
    // The mix must exercise both sides: accepted requests and refused ones.
    expect(answers.get(202)).toBeGreaterThan(0);
    expect([...answers.keys()].some((status) => status >= 400)).toBe(true);
  }, 600_000);
});
