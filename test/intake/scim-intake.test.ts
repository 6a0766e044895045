import { parseHrRequest } from '../../shared/intake';
import { eventsOf, issuesOf, NOW, options, readSample } from './support';

const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function bulk(...data: Record<string, unknown>[]) {
  return JSON.stringify({
    schemas: [BULK],
    Operations: data.map((d, i) => ({ method: 'POST', bulkId: `b${i}`, path: '/Users', data: d })),
  });
}

describe('SCIM BulkRequest intake', () => {
  it('when the Core+Enterprise sample is posted as JSON, then all three users parse with Entra default mapping', () => {
    const events = eventsOf(parseHrRequest(readSample('Extended-SCIM-bulk-request-Core+Enterprise.json'), 'application/json', options));
    expect(events).toHaveLength(3);
    expect(events[0]).toEqual({
      eventId: expect.stringMatching(/^scim-897401c2-2de4-4b87-a97f-c02de3bcfc61-[0-9a-f]{32}$/),
      type: 'joiner',
      tenantId: 'default',
      source: 'hr-scim',
      occurredAt: NOW.toISOString(),
      employee: {
        employeeId: '701984',
        givenName: 'Barbara',
        surname: 'Jensen',
        displayName: 'Babs Jensen',
        jobTitle: 'Tour Guide',
        employeeType: 'Employee',
        city: 'Hollywood',
        country: 'USA',
        department: 'Tour Operations',
        companyName: 'Universal Studios',
        managerEmployeeId: '89607',
        hireDate: '2020-01-01',
        // `active: true`, which Entra maps to accountEnabled (issue 16).
        accountEnabled: true,
      },
    });
    // "DoeJane" is not a UPN, so the template will build one; with no `name`, the names come from "Doe, Jane" (issue 16).
    expect(events[1]!.employee).toEqual({ employeeId: '807609', displayName: 'Doe, Jane', givenName: 'Jane', surname: 'Doe', jobTitle: 'Accounts Manager', accountEnabled: true });
    // Operations 1 and 2 share a bulkId; their content still makes them distinct events.
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
  });

  it('when the CSV-to-SCIM sample is posted as scim+json, then its custom extension supplies hire date, usage location and office', () => {
    const events = eventsOf(parseHrRequest(readSample('Sample-CSV-2-SCIM-payload.json'), 'application/scim+json', options));
    expect(events).toHaveLength(3);
    expect(events[0]!.employee).toEqual({
      employeeId: '701984',
      givenName: 'Barbara',
      surname: 'Jensen',
      hireDate: '2020-01-01',
      usageLocation: 'US',
      officeLocation: 'New York',
      accountEnabled: true,
    });
  });

  it("when userName is in one of the tenant's UPN domains, then it is the UPN; in any other domain it is not", () => {
    const sample = readSample('Extended-SCIM-bulk-request-Core+Enterprise.json');
    const own = eventsOf(parseHrRequest(sample, 'application/json', { ...options, upnDomains: ['Example.com'] }));
    expect(own[0]!.employee.userPrincipalName).toBe('bjensen@example.com');
    const other = eventsOf(parseHrRequest(sample, 'application/json', { ...options, upnDomains: ['contoso.com'] }));
    expect(other[0]!.employee.userPrincipalName).toBeUndefined();
  });

  it('when the same bulk request is posted twice, then the event ids are the same', () => {
    const body = readSample('Extended-SCIM-bulk-request-Core+Enterprise.json');
    const later = { ...options, now: new Date(NOW.getTime() + 60_000) };
    const ids = (o: typeof options) => eventsOf(parseHrRequest(body, 'application/json', o)).map((e) => e.eventId);
    expect(ids(later)).toEqual(ids(options));
  });

  it('when a user is active false, then it is a leaver', () => {
    const [event] = eventsOf(parseHrRequest(bulk({ externalId: 'E9', active: false }), 'application/scim+json', options));
    expect(event).toMatchObject({ type: 'leaver', employee: { employeeId: 'E9' } });
  });

  it('when an operation has no externalId, then the issue names the operation and its externalId path', () => {
    const issues = issuesOf(parseHrRequest(bulk({ externalId: 'E1' }, { displayName: 'No Id' }), 'application/json', options));
    expect(issues).toEqual([expect.objectContaining({ record: 1, field: 'Operations[1].data.externalId' })]);
  });

  it('when an extension value is invalid, then the issue names the SCIM attribute that carried it', () => {
    const body = bulk({ externalId: 'E1', [ENTERPRISE]: { manager: { value: 'a-manager-id-far-too-long' } } });
    expect(issuesOf(parseHrRequest(body, 'application/json', options))).toEqual([
      expect.objectContaining({ record: 0, field: `Operations[0].data.${ENTERPRISE}:manager.value` }),
    ]);
  });

  it('when an operation is not a POST to /Users, then it is refused', () => {
    const body = JSON.stringify({ schemas: [BULK], Operations: [{ method: 'DELETE', bulkId: 'x', path: '/Groups', data: {} }] });
    expect(issuesOf(parseHrRequest(body, 'application/json', options)).map((i) => i.field)).toEqual([
      'Operations[0].method',
      'Operations[0].path',
    ]);
  });

  it('when there are more operations than allowed, then one request-level issue names the limit', () => {
    const users = Array.from({ length: options.maxRecords + 1 }, (_, i) => ({ externalId: `E${i}` }));
    expect(issuesOf(parseHrRequest(bulk(...users), 'application/json', options))).toEqual([
      { field: '(body)', message: expect.stringContaining(String(options.maxRecords)) },
    ]);
  });
});
