import { randomBytes } from 'node:crypto';
import { parseSettings } from '../../shared/config/settings';
import { TableLedger } from '../../shared/ledger/table-ledger';

/**
 * The mass-leaver guard's decision across instances: many leavers of one tenant, each deciding on
 * its own instance at the same moment, against one Table (Azurite). Before, each counted the others
 * and then noted itself, so all of a burst could count below the threshold and pass together.
 */
const TABLE = `admit${randomBytes(5).toString('hex')}`;

/** One instance's ledger: its own client on the deployment's one table. */
function ledger(): TableLedger {
  return TableLedger.fromSettings(parseSettings({ LIFECYCLE_RUNTIME: 'local', HR_WEBHOOK_SECRET: 'x'.repeat(32), AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION_STRING, LEDGER_TABLE_NAME: TABLE }));
}

const since = new Date(Date.now() - 3_600_000);

describe('admitting leavers past the mass-leaver threshold (Table Storage)', () => {
  it('when twelve leavers decide at once against a threshold of three, then exactly three are admitted, and the held ones leave no note behind', async () => {
    for (let round = 0; round < 5; round++) {
      // Each "instance" has its own client, as separate Function App instances would.
      const instances = Array.from({ length: 12 }, () => ledger());
      const table = instances[0]!;
      const tenant = `t${round}${randomBytes(3).toString('hex')}`;
      const decisions = await Promise.all(instances.map((l, i) => l.admitLeaver(tenant, `evt-${round}-${i}`, since, 3, new Date())));
      const admitted = decisions.filter((d) => d.admitted).length;
      expect({ round, admitted }).toEqual({ round, admitted: 3 });
      expect(await table.countLeaversSince(tenant, since)).toBe(admitted);
    }
  }, 60_000);

  it('when leavers come one after another, then exactly the threshold are admitted and a redelivered one is admitted again without counting twice', async () => {
    const l = ledger();
    const results: boolean[] = [];
    for (let i = 0; i < 5; i++) results.push((await l.admitLeaver('serial', `evt-s-${i}`, since, 3, new Date())).admitted);
    expect(results).toEqual([true, true, true, false, false]);
    expect(await l.admitLeaver('serial', 'evt-s-1', since, 3, new Date())).toEqual({ admitted: true, others: 2 });
    expect(await l.countLeaversSince('serial', since)).toBe(3);
  });

  it('when the earlier leavers are older than the window, then they do not count', async () => {
    const l = ledger();
    await l.admitLeaver('window', 'evt-old', since, 1, new Date(Date.now() - 2 * 3_600_000));
    expect(await l.admitLeaver('window', 'evt-new', since, 1, new Date())).toEqual({ admitted: true, others: 0 });
  });

  it('when an operator releases a held leaver, then it is admitted past the threshold and counts against the next', async () => {
    const l = ledger();
    expect((await l.admitLeaver('released', 'evt-r1', since, 1, new Date())).admitted).toBe(true);
    expect((await l.admitLeaver('released', 'evt-r2', since, 1, new Date())).admitted).toBe(false);
    expect(await l.admitLeaver('released', 'evt-r2', since, 1, new Date(), true)).toEqual({ admitted: true, others: 1 });
    expect(await l.admitLeaver('released', 'evt-r3', since, 2, new Date())).toEqual({ admitted: false, others: 2 });
  });
});
