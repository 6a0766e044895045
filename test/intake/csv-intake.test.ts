import { defaultCsvMapping, parseHrRequest } from '../../shared/intake';
import { eventsOf, issuesOf, NOW, options, readSample } from './support';

const csv = (body: string) => parseHrRequest(body, 'text/csv', options);

describe('CSV intake', () => {
  it('when the two-record sample is posted, then the inactive worker is a leaver and the active one a joiner', () => {
    const events = eventsOf(parseHrRequest(readSample('csv-with-2-records.csv'), 'text/csv; charset=utf-8', options));
    expect(events.map((e) => [e.employee.employeeId, e.type])).toEqual([
      ['1222', 'leaver'],
      ['1513', 'joiner'],
    ]);
    expect(events[1]).toEqual({
      eventId: expect.stringMatching(/^evt-[0-9a-f]{32}$/),
      type: 'joiner',
      tenantId: 'default',
      source: 'hr-csv',
      occurredAt: NOW.toISOString(),
      employee: {
        employeeId: '1513',
        givenName: 'Ginnie',
        surname: 'Fadiman',
        displayName: 'Ginnie Fadiman',
        employeeType: 'Employee',
        jobTitle: 'Project Manager',
        department: 'Product Engineering',
        companyName: 'Woodgrove',
        officeLocation: 'Asia Pacific',
        city: 'Frankfurt',
        country: 'UK',
        usageLocation: 'UK',
        hireDate: '2010-07-10',
        managerEmployeeId: '1959',
      },
    });
  });

  it('when the same file is posted again later, then the event ids are the same', () => {
    const body = readSample('csv-with-2-records.csv');
    const later = parseHrRequest(body, 'text/csv', { ...options, now: new Date(NOW.getTime() + 3_600_000) });
    expect(eventsOf(later).map((e) => e.eventId)).toEqual(eventsOf(csv(body)).map((e) => e.eventId));
  });

  it('when a CSV row has no employee id, then the request is rejected naming the row and the WorkerID column', () => {
    const issues = issuesOf(csv('WorkerID,WorkerStatus,FirstName\n1,Active,Ann\n,Active,Bob\n'));
    expect(issues).toEqual([{ record: 1, field: 'WorkerID', message: 'is required' }]);
  });

  it('when a cell is invalid, then the issue names the row and the CSV column, not the canonical field', () => {
    const issues = issuesOf(csv('WorkerID,WorkerStatus,HireDate\n1,Active,20/01/2020\n'));
    expect(issues).toEqual([expect.objectContaining({ record: 0, field: 'HireDate' })]);
    expect(JSON.stringify(issues)).not.toContain('20/01/2020');
  });

  it('when the status value is not in the mapping, then the row is rejected naming the WorkerStatus column', () => {
    expect(issuesOf(csv('WorkerID,WorkerStatus\n1,Retired\n'))).toEqual([
      expect.objectContaining({ record: 0, field: 'WorkerStatus' }),
    ]);
  });

  it('when a required column is missing from the header, then a request-level issue names it', () => {
    expect(issuesOf(csv('EmployeeNumber,WorkerStatus\n1,Active\n'))).toEqual([
      { field: 'WorkerID', message: expect.stringContaining('missing') },
    ]);
  });

  it('when empty cells are present, then those fields are absent', () => {
    const [event] = eventsOf(csv('WorkerID,WorkerStatus,Department,JobTitle\n7,Active,,Clerk\n'));
    expect(event!.employee).toEqual({ employeeId: '7', jobTitle: 'Clerk' });
  });

  it('when a custom mapping is given, then its columns and status values are used', () => {
    const mapping = { columns: { employeeId: 'Id', surname: 'Name' }, eventType: { column: 'Kind', values: { new: 'joiner' as const } } };
    const [event] = eventsOf(parseHrRequest('Id,Kind,Name\n5,NEW,Smith\n', 'text/csv', { ...options, csvMapping: mapping }));
    expect(event).toMatchObject({ type: 'joiner', employee: { employeeId: '5', surname: 'Smith' } });
    expect(defaultCsvMapping.columns.employeeId).toBe('WorkerID');
  });

  it('when the CSV is malformed, then the issue does not quote its contents', () => {
    const issues = issuesOf(csv('WorkerID,WorkerStatus\n1,Active,secret-extra\n'));
    expect(issues).toEqual([{ field: '(body)', message: expect.stringContaining('is not valid CSV') }]);
    expect(JSON.stringify(issues)).not.toContain('secret-extra');
  });

  it('when there are more rows than allowed, then one request-level issue names the limit', () => {
    const rows = Array.from({ length: options.maxRecords + 1 }, (_, i) => `${i},Active`).join('\n');
    expect(issuesOf(csv(`WorkerID,WorkerStatus\n${rows}\n`))).toEqual([
      { field: '(body)', message: expect.stringContaining(String(options.maxRecords)) },
    ]);
  });
});
