import { tenant } from '../support/tenant';
import { startTestHost, type TestHost } from '../support/test-host';
import { CSV_HEADER, csvRow, figure, runImport, workDir, type ImportRun } from './support';

/**
 * `npm run import` end to end: the CLI as package.json runs it, against the local host (which takes
 * at most HR_MAX_RECORDS records and HR_MAX_BODY_BYTES bytes a request), the events through the
 * queue to the Graph simulator, the summary table compared with what the file holds.
 */
let host: TestHost;
const files = workDir();
beforeAll(async () => {
  host = await startTestHost({ env: { HR_MAX_RECORDS: '40', HR_MAX_BODY_BYTES: '4096' } });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  files.remove();
});

/**
 * 298 rows: 265 joiners that can be made, one of them twice (the same row, the same event); 5 with
 * a country Entra has no usage location for; 15 leavers of workers who never had an account; and
 * 12 rows the intake refuses — 4 hire dates not in ISO form, 3 statuses the mapping does not know,
 * 3 without a worker id, and a worker whose second row is refused, which takes their first with it.
 */
function feed(): string {
  const rows: string[] = [];
  const refused: string[] = [
    ...[1, 2, 3, 4].map((n) => csvRow({ id: `IMPD${n}`, hireDate: `0${n}/02/2021` })),
    ...[1, 2, 3].map((n) => csvRow({ id: `IMPR${n}`, status: 'Retired' })),
    ...[1, 2, 3].map((n) => csvRow({ id: '', first: `Nobody${n}` })),
    csvRow({ id: 'IMPW1' }),
    csvRow({ id: 'IMPW1', hireDate: 'next week' }),
  ];
  for (let n = 1; n <= 265; n++) {
    rows.push(csvRow({ id: `IMP${1000 + n}` }));
    if (n === 100) rows.push(csvRow({ id: 'IMP1100' }));
    if (n % 50 === 0) rows.push(...refused.splice(0, 3));
    if (n % 53 === 0) rows.push(csvRow({ id: `IMPZ${n}`, country: 'ZZ' }));
    if (n % 17 === 0) rows.push(csvRow({ id: `IMPL${n}`, status: 'Inactive' }));
  }
  rows.push(...refused);
  return `${[CSV_HEADER, ...rows].join('\r\n')}\r\n`;
}

describe('npm run import', () => {
  let run: ImportRun;

  beforeAll(async () => {
    run = await runImport(host, [files.file('feed.csv', feed()), '--max-records', '40', '--max-bytes', '4096', '--wait', '600']);
  }, 900_000);

  it('when a CSV of a few hundred rows is imported, then it goes in chunks within the host\'s limits and the summary counts what was accepted and refused', () => {
    expect(run.stderr).not.toMatch(/too large/);
    const chunks = Number(/in (\d+) chunk\(s\)/.exec(run.stdout)?.[1]);
    expect(chunks).toBeGreaterThanOrEqual(Math.ceil(298 / 40));
    expect(run.stdout).toMatch(/feed\.csv .*: 298 records/);
    expect(figure(run.stdout, 'accepted records')).toBe(286);
    expect(figure(run.stdout, 'queued as events')).toBe(285);
    expect(figure(run.stdout, 'refused records')).toBe(12);
  });

  it('when rows are refused, then each reason names the column and the lines, and the rest of their chunk is queued', () => {
    const lines = run.stdout.split('\n');
    const reason = (field: string) => lines.filter((l) => l.trim().startsWith(field)).join('\n');
    expect(reason('HireDate')).toMatch(/line \d+/);
    expect((reason('HireDate').match(/line \d+/g) ?? []).length).toBe(5);
    expect((reason('WorkerStatus').match(/line \d+/g) ?? []).length).toBe(3);
    expect((reason('WorkerID').match(/line \d+/g) ?? []).length).toBe(3);
    expect(reason('(worker)')).toMatch(/another record of the same worker was refused {2}— line \d+$/);
    expect(run.stdout).toMatch(/refused, the rest queued/);
    expect(run.stdout).not.toMatch(/next week|0\d\/02\/2021/);
    expect(tenant(host).userByEmployeeId('IMPW1')).toHaveLength(0);
  });

  it('when the events are followed to the end, then the summary counts the successes and the dead letters by reason, as the tenant shows them', () => {
    expect(figure(run.stdout, 'succeeded')).toBe(265 + 15);
    expect(figure(run.stdout, 'dead-lettered')).toBe(5);
    expect(run.stdout).toMatch(/InvalidUsageLocation\s+5/);
    expect(figure(run.stdout, 'still queued')).toBe(0);
    const users = tenant(host).snapshot().users.filter((u) => /^IMP\d+$/.test(String(u.employeeId)));
    expect(users).toHaveLength(265);
    expect(run.code).toBe(1);
  });

  it('when the file is imported again, then the same events are accepted again and change nothing', async () => {
    const again = await runImport(host, [files.file('feed.csv', feed()), '--max-records', '40', '--max-bytes', '4096', '--wait', '600']);
    expect(figure(again.stdout, 'queued as events')).toBe(285);
    expect(figure(again.stdout, 'succeeded')).toBe(265 + 15);
    expect(tenant(host).snapshot().users.filter((u) => /^IMP\d+$/.test(String(u.employeeId)))).toHaveLength(265);
  }, 900_000);
});

describe('npm run import --mapping', () => {
  const people = [
    'Personnel No,Employment Status,First Name,Last Name,Org Unit,Position,Country,Start Date',
    'M7001,hired,Ada,Lovelace,Sales,account executive,gb,04.03.2024',
    'M7002,hired,Alan,Turing,Sales,analyst,gb,31.02.2024',
    'M7003,hired,Grace,Hopper,Sales,engineer,gb,06.05.2024',
  ].join('\r\n');

  it("when a file in another layout is imported with a mapping file, then it is mapped here, refused rows are named by the mapping's columns, and the rest get accounts", async () => {
    const run = await runImport(host, [files.file('people.csv', `${people}\r\n`), '--mapping', 'config/mapping.sample.json', '--upn-domain', 'contoso.com', '--wait', '300']);
    expect(figure(run.stdout, 'accepted records')).toBe(2);
    expect(figure(run.stdout, 'refused records')).toBe(1);
    expect(run.stdout).toMatch(/Start Date .*— line 3/);
    expect(figure(run.stdout, 'succeeded')).toBe(2);
    expect(tenant(host).userByEmployeeId('M7001')).toEqual([expect.objectContaining({ userPrincipalName: 'ada.lovelace@contoso.com', jobTitle: 'Account Executive' })]);
    expect(tenant(host).userByEmployeeId('M7002')).toHaveLength(0);
  }, 400_000);

  it('when the mapping file is not valid, then nothing is posted and the problem is named', async () => {
    const run = await runImport(host, [files.file('feed2.csv', `${people}\r\n`), '--mapping', files.file('bad-mapping.json', JSON.stringify({ sources: { 'hr-csv': { type: 'Switch(', attributes: {} } } }))]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the mapping file is not valid, nothing was posted/);
    expect(run.stdout).toBe('');
  }, 60_000);
});
