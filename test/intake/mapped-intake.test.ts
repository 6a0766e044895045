import path from 'node:path';
import { parseHrRequest } from '../../shared/intake';
import { compileMappingFile, loadMappingFile } from '../../shared/mapping/mapping-file';
import { eventsOf, issuesOf, NOW, options, readSample } from './support';

const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const scim = (...data: Record<string, unknown>[]) =>
  JSON.stringify({ schemas: [BULK], Operations: data.map((d, i) => ({ method: 'POST', bulkId: `b${i}`, path: '/Users', data: d })) });
const sample = loadMappingFile(path.resolve(__dirname, '../../config/mapping.sample.json'));

describe('intake through the default mappings', () => {
  it("when a SCIM user has no name, only displayName, then the names come from it — 'Last, First' and 'First Last'", () => {
    const events = eventsOf(parseHrRequest(readSample('Sample-CSV-2-SCIM-payload.json'), 'application/scim+json', options));
    expect(events.slice(1).map((e) => [e.employee.givenName, e.employee.surname])).toEqual([
      ['Jane', 'Doe'],
      ['Donald', 'Duck'],
    ]);
    const [first] = eventsOf(parseHrRequest(scim({ externalId: 'E1', displayName: 'Ludwig van Beethoven' }), 'application/scim+json', options));
    expect(first!.employee).toMatchObject({ givenName: 'Ludwig', surname: 'van Beethoven' });
  });

  it('when a CSV row has no first or last name, then they come from FullName', () => {
    const [event] = eventsOf(parseHrRequest('WorkerID,WorkerStatus,FullName\n9,Active,"Fleeta, Talya"\n', 'text/csv', options));
    expect(event!.employee).toMatchObject({ givenName: 'Talya', surname: 'Fleeta', displayName: 'Fleeta, Talya' });
  });

  it("when a name derived from displayName is invalid, then the issue names the sender's field, not ours", () => {
    const long = `${'x'.repeat(70)} Smith`;
    expect(issuesOf(parseHrRequest(scim({ externalId: 'E1', displayName: long }), 'application/scim+json', options))).toEqual([
      expect.objectContaining({ record: 0, field: 'Operations[0].data.displayName' }),
    ]);
    expect(issuesOf(parseHrRequest(`WorkerID,WorkerStatus,FullName\n9,Active,${long}\n`, 'text/csv', options))).toEqual([expect.objectContaining({ record: 0, field: 'FullName' })]);
  });

  it("when a joiner has no name at all, then the event carries the sender's names of them, for the message if the UPN cannot be built", () => {
    const [fromScim] = eventsOf(parseHrRequest(scim({ externalId: 'E1', title: 'Clerk' }), 'application/scim+json', options));
    expect(fromScim!.sourceFields).toEqual({ givenName: 'name.givenName', surname: 'name.familyName' });
    const [fromCsv] = eventsOf(parseHrRequest('WorkerID,WorkerStatus,JobTitle\n7,Active,Clerk\n', 'text/csv', options));
    expect(fromCsv!.sourceFields).toEqual({ givenName: 'FirstName', surname: 'LastName' });
    const [named] = eventsOf(parseHrRequest(scim({ externalId: 'E2', name: { givenName: 'Ada', familyName: 'Lovelace' } }), 'application/scim+json', options));
    expect(named!.sourceFields).toBeUndefined();
  });

  it('when SCIM active is true, then accountEnabled is true on the joiner; a value other than true or false is refused at data.active', () => {
    const [event] = eventsOf(parseHrRequest(scim({ externalId: 'E1', active: 'TRUE' }), 'application/scim+json', options));
    expect(event).toMatchObject({ type: 'joiner', employee: { accountEnabled: true } });
    expect(issuesOf(parseHrRequest(scim({ externalId: 'E1', active: 'yes' }), 'application/scim+json', options))).toEqual([
      { record: 0, field: 'Operations[0].data.active', message: 'must be true or false' },
    ]);
  });

  it('when a SCIM attribute is sent as null, then the event says to clear it; an absent one is left alone', () => {
    const [event] = eventsOf(parseHrRequest(scim({ externalId: 'E1', title: null, userType: null, name: { givenName: 'Ada', familyName: 'Lovelace' } }), 'application/scim+json', options));
    expect(event!.employee).toEqual({ employeeId: 'E1', givenName: 'Ada', surname: 'Lovelace', clear: ['jobTitle', 'employeeType'] });
  });

  it('when a null is sent for an attribute Entra requires (displayName), then it is left as it is, not cleared', () => {
    const [event] = eventsOf(parseHrRequest(scim({ externalId: 'E1', displayName: null, name: { givenName: 'A', familyName: 'B' } }), 'application/scim+json', options));
    expect(event!.employee.clear).toBeUndefined();
    expect(event!.employee.displayName).toBeUndefined();
  });
});

describe('intake through a tenant mapping', () => {
  const csv = 'Personnel No,Employment Status,First Name,Preferred Name,Last Name,Org Unit,Position,Country,Mobile,Start Date\n' + '00042,Hired,José,,Müller,R&D,SENIOR ENGINEER,de,+49 (170) 123-4567,01.12.2026\n';

  it('when a CSV has its own column names, then the mapping reads them, with its functions', () => {
    const [event] = eventsOf(parseHrRequest(csv, 'text/csv', { ...options, mappings: sample, upnDomains: ['contoso.com'] }));
    expect(event).toMatchObject({ type: 'joiner', source: 'hr-csv', occurredAt: NOW.toISOString() });
    expect(event!.employee).toEqual({
      employeeId: '00042',
      givenName: 'José',
      surname: 'Müller',
      displayName: 'José Müller',
      upnCandidates: ['jose.muller@contoso.com', 'j.muller@contoso.com'],
      department: 'R&D',
      jobTitle: 'Senior Engineer',
      country: 'DE',
      usageLocation: 'DE',
      mobilePhone: '+491701234567',
      hireDate: '2026-12-01',
    });
  });

  it("when the tenant's CSV lacks a column its mapping needs for the id or the type, then the issue names that column", () => {
    expect(issuesOf(parseHrRequest('First Name,Employment Status\nA,Hired\n', 'text/csv', { ...options, mappings: sample }))).toEqual([
      { field: 'Personnel No', message: 'is a required column and is missing from the header' },
    ]);
  });

  it('when a value does not fit an expression, then the issue names the column, the attribute and the expression — not the value', () => {
    const issues = issuesOf(parseHrRequest(csv.replace('01.12.2026', '2026-12-01'), 'text/csv', { ...options, mappings: sample }));
    expect(issues).toEqual([
      { record: 0, field: 'Start Date', message: 'hireDate (mapped by FormatDateTime([Start Date], , "dd.MM.yyyy", "yyyy-MM-dd")): source does not have the date format the mapping expects' },
    ]);
    expect(JSON.stringify(issues)).not.toContain('2026-12-01');
  });

  it("when a UPN candidate is outside the tenant's domain, then the row is refused naming the columns it came from", () => {
    const issues = issuesOf(parseHrRequest(csv, 'text/csv', { ...options, mappings: sample, upnDomains: ['fabrikam.com'] }));
    expect(issues).toEqual([expect.objectContaining({ record: 0, field: 'First Name', message: expect.stringContaining("outside the tenant's UPN domain") })]);
  });

  it('when a JSON webhook has a layout of its own, then the hr-json mapping reads it and issues use its paths', () => {
    const body = { event: 'employee.created', employee: { id: 'B-17', firstName: 'Ada', lastName: 'Lovelace', department: 'R&D', hireDate: '2026-12-01' } };
    const [event] = eventsOf(parseHrRequest(JSON.stringify(body), 'application/json', { ...options, mappings: sample }));
    expect(event).toMatchObject({ type: 'joiner', source: 'hr-json', employee: { employeeId: 'B-17', givenName: 'Ada', department: 'R&D', hireDate: '2026-12-01' } });
    const bad = { ...body, employee: { ...body.employee, hireDate: 'soon' } };
    expect(issuesOf(parseHrRequest(JSON.stringify(bad), 'application/json', { ...options, mappings: sample }))).toEqual([expect.objectContaining({ record: 0, field: 'employee.hireDate' })]);
    expect(issuesOf(parseHrRequest(JSON.stringify({ event: 'employee.sneezed', employee: { id: 'B-1' } }), 'application/json', { ...options, mappings: sample }))).toEqual([
      { record: 0, field: 'event', message: 'must be one of: employee.created, employee.updated, employee.terminated' },
    ]);
  });

  it('when a mapping lists only SCIM, then CSV keeps its default mapping', () => {
    const scimOnly = compileMappingFile({ sources: { 'hr-scim': { extends: 'default', attributes: { jobTitle: 'ToUpper([title])' } } } }, 'test');
    const [event] = eventsOf(parseHrRequest(readSample('csv-with-2-records.csv'), 'text/csv', { ...options, mappings: scimOnly }));
    expect(event!.employee.employeeId).toBe('1222');
    const [user] = eventsOf(parseHrRequest(scim({ externalId: 'E1', title: 'clerk' }), 'application/scim+json', { ...options, mappings: scimOnly }));
    expect(user!.employee.jobTitle).toBe('CLERK');
  });
});
