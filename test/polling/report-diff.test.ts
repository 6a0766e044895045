import { compileMappingFile, sourceMapping, type CompiledSourceMapping } from '../../shared/mapping/mapping-file';
import { diffReports, nextWorkers, snapshotOf, type ReportSnapshot } from '../../shared/polling/diff';
import { readReport, ReportParseError } from '../../shared/polling/read-report';
import { checkShrink } from '../../shared/polling/shrink-guard';

const NOW = new Date('2026-11-22T09:00:00Z');
const LATER = new Date('2026-11-22T10:00:00Z');
const mapping = sourceMapping(undefined, 'hr-report') as CompiledSourceMapping;

type Row = Record<string, string>;
const ada: Row = { Employee_ID: 'W100', Worker_Status: 'Active', First_Name: 'Ada', Last_Name: 'Lovelace', Business_Title: 'Engineer', Department: 'Engineering', Country_ISO_Code: 'GB', Hire_Date: '2026-01-05', Manager_Employee_ID: 'W900' };
const alan: Row = { Employee_ID: 'W101', Worker_Status: 'Active', First_Name: 'Alan', Last_Name: 'Turing', Business_Title: 'Analyst', Department: 'Research', Country_ISO_Code: 'GB' };
const grace: Row = { Employee_ID: 'W102', Worker_Status: 'Active', First_Name: 'Grace', Last_Name: 'Hopper', Department: 'Engineering', Country_ISO_Code: 'US' };

const json = (...rows: Row[]) => JSON.stringify({ Report_Entry: rows });
const read = (body: string, format: 'json' | 'csv' = 'json', withMapping = mapping) => readReport(body, format, { mapping: withMapping, now: NOW, upnDomains: ['contoso.com'] });

/** What a run keeps: the snapshot the report becomes. */
function accept(base: ReportSnapshot | undefined, body: string, format: 'json' | 'csv' = 'json', at = NOW): ReportSnapshot {
  return snapshotOf('default', nextWorkers(read(body, format), base), at, base);
}
function diff(base: ReportSnapshot | undefined, body: string, format: 'json' | 'csv' = 'json') {
  return diffReports(base, nextWorkers(read(body, format), base), { tenantId: 'default', now: LATER });
}

describe('the diff of a polled report against the last accepted one', () => {
  it('when a worker is in the report for the first time, then a joiner carries their whole record, from source hr-report', () => {
    const { changes } = diff(undefined, json(ada));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: 'joiner', employeeId: 'W100' });
    expect(changes[0]!.event).toMatchObject({
      type: 'joiner',
      source: 'hr-report',
      tenantId: 'default',
      employee: { employeeId: 'W100', givenName: 'Ada', surname: 'Lovelace', jobTitle: 'Engineer', department: 'Engineering', country: 'GB', usageLocation: 'GB', managerEmployeeId: 'W900' },
    });
  });

  it('when a worker is unchanged, then nothing is emitted for them', () => {
    const base = accept(undefined, json(ada, alan));
    const result = diff(base, json(ada, alan));
    expect(result.changes).toEqual([]);
    expect(result.unchanged).toBe(2);
  });

  it('when one attribute changes, then the mover names only it, beside the attributes the rules match on — not the names, dates or manager that did not change', () => {
    const base = accept(undefined, json(ada, alan));
    const { changes } = diff(base, json({ ...ada, Business_Title: 'Principal Engineer' }, alan));
    expect(changes.map((c) => [c.kind, c.employeeId, c.changed])).toEqual([['mover', 'W100', ['jobTitle']]]);
    // The rules reconcile groups and licences from the event alone: a mover without the department would lose its groups.
    expect(changes[0]!.event.employee).toEqual({ employeeId: 'W100', jobTitle: 'Principal Engineer', department: 'Engineering', country: 'GB', usageLocation: 'GB' });
  });

  it('when a value HR had is gone from the row, then the mover clears it (where Entra can clear it)', () => {
    const base = accept(undefined, json(ada));
    const { Business_Title: _title, ...withoutTitle } = ada;
    const { changes } = diff(base, json(withoutTitle));
    expect(changes[0]).toMatchObject({ kind: 'mover', changed: ['jobTitle'] });
    expect(changes[0]!.event.employee).toMatchObject({ employeeId: 'W100', clear: ['jobTitle'] });
    expect(changes[0]!.event.employee.jobTitle).toBeUndefined();
  });

  it('when an active worker is gone from the report, then a leaver is emitted for them', () => {
    const base = accept(undefined, json(ada, alan));
    const result = diff(base, json(ada));
    expect(result.changes.map((c) => [c.kind, c.employeeId, c.reason])).toEqual([['leaver', 'W101', 'gone']]);
    expect(result.changes[0]!.event.employee).toEqual({ employeeId: 'W101' });
    expect(result).toMatchObject({ gone: 1, baseActive: 2 });
  });

  it("when a worker's status says terminated, then a leaver carries the report's termination date (a future one schedules it)", () => {
    const base = accept(undefined, json(ada, alan));
    const { changes } = diff(base, json(ada, { ...alan, Worker_Status: 'Terminated', Termination_Date: '2026-12-31' }));
    expect(changes.map((c) => [c.kind, c.employeeId, c.reason])).toEqual([['leaver', 'W101', 'terminated']]);
    expect(changes[0]!.event.employee).toEqual({ employeeId: 'W101', leaveDate: '2026-12-31' });
  });

  it('when a terminated worker is active again, then a rehire is emitted; one first seen terminated, or still terminated, emits nothing', () => {
    const terminated = { ...alan, Worker_Status: 'Terminated' };
    const base = accept(undefined, json(ada, terminated));
    expect(diff(undefined, json(terminated)).changes).toEqual([]);
    expect(diff(base, json(ada, terminated)).changes).toEqual([]);
    expect(diff(base, json(ada, alan)).changes.map((c) => [c.kind, c.employeeId])).toEqual([['rehire', 'W101']]);
  });

  it('when the same report is read twice, then the second diff emits nothing', () => {
    const base = accept(undefined, json(ada, alan, grace));
    expect(diff(base, json(ada, alan, grace)).changes).toEqual([]);
    expect(accept(base, json(ada, alan, grace)).hash).toBe(base.hash);
  });

  it('when a diff is made again from the same snapshot and report (a run that stopped before saving), then its event ids are the same', () => {
    const base = accept(undefined, json(ada, alan));
    const first = diff(base, json({ ...ada, Department: 'Research' }));
    const again = diffReports(base, nextWorkers(read(json({ ...ada, Department: 'Research' })), base), { tenantId: 'default', now: new Date('2026-11-23T00:00:00Z') });
    expect(again.changes.map((c) => c.event.eventId)).toEqual(first.changes.map((c) => c.event.eventId));
  });

  it('when a change looks like one made earlier (A → B → A → B), then it gets an id of its own', () => {
    const a = accept(undefined, json(ada));
    const toB = diff(a, json({ ...ada, Department: 'Research' }));
    const b = accept(a, json({ ...ada, Department: 'Research' }), 'json', LATER);
    const backToA = accept(b, json(ada), 'json', new Date('2026-11-22T11:00:00Z'));
    const toBAgain = diff(backToA, json({ ...ada, Department: 'Research' }));
    expect(toBAgain.changes[0]!.event.employee).toEqual(toB.changes[0]!.event.employee);
    expect(toBAgain.changes[0]!.event.eventId).not.toBe(toB.changes[0]!.event.eventId);
  });

  it("when the report is a customer's, then its event ids carry the tenant's key", () => {
    const { changes } = diffReports(undefined, read(json(ada)).workers, { tenantId: 'fabrikam', now: NOW });
    expect(changes[0]!.event).toMatchObject({ tenantId: 'fabrikam' });
    expect(changes[0]!.event.eventId).toMatch(/^fabrikam:hr-report-[0-9a-f]{32}$/);
  });
});

describe('reading a report', () => {
  it('when the same workers come as CSV, then they read as they do from JSON', () => {
    const csv = ['Employee_ID,Worker_Status,First_Name,Last_Name,Business_Title,Department,Country_ISO_Code,Hire_Date,Manager_Employee_ID', 'W100,Active,Ada,Lovelace,Engineer,Engineering,GB,2026-01-05,W900', 'W101,Active,Alan,Turing,Analyst,Research,GB,,'].join('\r\n');
    expect(accept(undefined, csv, 'csv').workers).toEqual(accept(undefined, json(ada, alan)).workers);
  });

  it("when a tenant's mapping names the report's own columns, then the report is read through it", () => {
    const custom = compileMappingFile(
      { sources: { 'hr-report': { type: 'IIF([Active] = "1", "joiner", "leaver")', attributes: { employeeId: '[Worker_ID]', givenName: '[Legal_First]', surname: '[Legal_Last]', department: '[Cost_Center]' } } } },
      'test',
    );
    const report = read(JSON.stringify({ Report_Entry: [{ Worker_ID: 'X1', Active: '1', Legal_First: 'Hedy', Legal_Last: 'Lamarr', Cost_Center: 'R&D' }, { Worker_ID: 'X2', Active: '0' }] }), 'json', sourceMapping(custom, 'hr-report') as CompiledSourceMapping);
    expect([...report.workers.values()]).toEqual([
      { employee: { employeeId: 'X1', givenName: 'Hedy', surname: 'Lamarr', department: 'R&D' }, terminated: false },
      { employee: { employeeId: 'X2' }, terminated: true },
    ]);
  });

  it('when a row has a value that cannot be read, then that worker is kept as the snapshot has them — not a leaver — and the problem names the column, not the value', () => {
    const base = accept(undefined, json(ada, alan));
    const report = read(json(ada, { ...alan, Hire_Date: 'next Tuesday' }));
    expect(report.problems).toEqual([expect.objectContaining({ row: 2, employeeId: 'W101', field: 'Hire_Date' })]);
    expect(JSON.stringify(report.problems)).not.toContain('next Tuesday');
    const result = diffReports(base, nextWorkers(report, base), { tenantId: 'default', now: LATER });
    expect(result.changes).toEqual([]);
  });

  it('when a worker appears in two rows, then neither is trusted and the worker is kept as before', () => {
    const base = accept(undefined, json(ada));
    const report = read(json(ada, { ...ada, Department: 'Research' }));
    expect(report.problems[0]).toMatchObject({ field: 'Employee_ID', message: expect.stringContaining('2 rows') });
    expect(diffReports(base, nextWorkers(report, base), { tenantId: 'default', now: LATER }).changes).toEqual([]);
  });

  it.each([
    ['a row without an employee id', json(ada, { Worker_Status: 'Active', First_Name: 'Nobody' }), 'json', /1 of 2 rows have no employee id \(Employee_ID\)/],
    ['JSON that does not parse', '{"Report_Entry": [', 'json', /not valid JSON/],
    ['JSON without Report_Entry', '{"rows": []}', 'json', /no Report_Entry array/],
    ['a CSV without the employee id column', 'Worker,Status\r\nAda,Active\r\n', 'csv', /no Employee_ID column/],
    ['a CSV that does not parse', 'Employee_ID,Department\r\n"W100,Engineering\r\n', 'csv', /not valid CSV/],
  ] as const)('when the report is %s, then it is refused whole', (_case, body, format, reason) => {
    expect(() => read(body, format)).toThrow(ReportParseError);
    expect(() => read(body, format)).toThrow(reason);
  });
});

describe('the shrink safeguard', () => {
  const guard = { maxGonePercent: 10, maxGoneWorkers: 50 };

  it('when more than the share of active workers is gone, then the report is held', () => {
    expect(checkShrink({ gone: 2, baseActive: 10 }, guard)).toMatchObject({ hold: true, gonePercent: 20, reason: expect.stringContaining('20% of the 10 active workers') });
  });

  it('when more than the number of workers is gone, then the report is held whatever the share', () => {
    expect(checkShrink({ gone: 51, baseActive: 10_000 }, guard)).toMatchObject({ hold: true, reason: expect.stringContaining('51 active workers are gone from the report, more than 50') });
  });

  it('when the loss is within both limits, then the report passes', () => {
    expect(checkShrink({ gone: 1, baseActive: 10 }, guard)).toMatchObject({ hold: false, gonePercent: 10 });
    expect(checkShrink({ gone: 0, baseActive: 0 }, guard)).toMatchObject({ hold: false });
  });

  it('when a report comes back empty, then every active worker counts as gone and it is held', () => {
    const base = accept(undefined, json(ada, alan, grace));
    expect(checkShrink(diff(base, json()), guard)).toMatchObject({ hold: true, gone: 3, baseActive: 3 });
  });
});
