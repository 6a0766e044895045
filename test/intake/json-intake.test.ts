import { parseHrRequest } from '../../shared/intake';
import { eventsOf, issuesOf, options } from './support';

function joiner(employeeId: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'joiner',
    occurredAt: '2026-11-20T09:00:00Z',
    employee: { employeeId, givenName: 'Ada', surname: 'Lovelace', department: 'Engineering', country: 'GB' },
    ...overrides,
  };
}

const post = (body: unknown, contentType = 'application/json') => parseHrRequest(JSON.stringify(body), contentType, options);

describe('canonical JSON intake', () => {
  it('when a single joiner object is posted, then it becomes one hr-json event for the default tenant with a derived id', () => {
    const [event, ...rest] = eventsOf(post(joiner('E1')));
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({ type: 'joiner', source: 'hr-json', tenantId: 'default', employee: { employeeId: 'E1', givenName: 'Ada' } });
    expect(event!.eventId).toMatch(/^evt-[0-9a-f]{32}$/);
  });

  it('when an array is posted, then every record becomes an event in request order', () => {
    const events = eventsOf(post([joiner('E1'), joiner('E2', { type: 'leaver' }), joiner('E1', { type: 'mover' })]));
    expect(events.map((e) => [e.employee.employeeId, e.type])).toEqual([
      ['E1', 'joiner'],
      ['E2', 'leaver'],
      ['E1', 'mover'],
    ]);
  });

  it('when the same record is posted again, then its derived eventId is the same; different content gives a different id', () => {
    const first = eventsOf(post(joiner('E1')))[0]!.eventId;
    const again = eventsOf(parseHrRequest(JSON.stringify(joiner('E1')), 'application/json; charset=utf-8', options))[0]!.eventId;
    const other = eventsOf(post(joiner('E1', { type: 'mover' })))[0]!.eventId;
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  it("when a record brings its own eventId and names the request's tenant, then both are kept", () => {
    const [event] = eventsOf(post(joiner('E1', { eventId: 'hr-42', tenantId: 'default' })));
    expect(event).toMatchObject({ eventId: 'hr-42', tenantId: 'default' });
  });

  it("when a record names another tenant than the request's, then it is refused naming tenantId — one tenant's feed cannot reach another", () => {
    const issues = issuesOf(post(joiner('E1', { eventId: 'hr-42', tenantId: 'fabrikam' })));
    expect(issues).toEqual([expect.objectContaining({ record: 0, field: 'tenantId' })]);
  });

  it("when a customer tenant's feed brings its own eventId, then the id is scoped to the tenant, so two customers' ids never collide", () => {
    const body = JSON.stringify(joiner('E1', { eventId: 'hr-42' }));
    const fabrikam = parseHrRequest(body, 'application/json', { ...options, tenantId: 'fabrikam' });
    const northwind = parseHrRequest(body, 'application/json', { ...options, tenantId: 'northwind' });
    expect(fabrikam.ok && fabrikam.events[0]).toMatchObject({ eventId: 'fabrikam:hr-42', tenantId: 'fabrikam' });
    expect(northwind.ok && northwind.events[0]).toMatchObject({ eventId: 'northwind:hr-42', tenantId: 'northwind' });
  });

  it('when a request repeats an identical record, then it is one event at the later position', () => {
    const events = eventsOf(post([joiner('E1'), joiner('E2'), joiner('E1')]));
    expect(events.map((e) => e.employee.employeeId)).toEqual(['E2', 'E1']);
  });

  it('when record 1 has an unknown type, then the request is rejected naming record 1 and field type without the value', () => {
    const issues = issuesOf(post([joiner('E1'), joiner('E2', { type: 'promotion' })]));
    expect(issues).toEqual([expect.objectContaining({ record: 1, field: 'type' })]);
    expect(JSON.stringify(issues)).not.toContain('promotion');
  });

  it('when a nested employee field is invalid, then the issue names its dotted path', () => {
    const issues = issuesOf(post([joiner('E1', { employee: { employeeId: 'E1', usageLocation: 'NOT-A-CODE' } })]));
    expect(issues).toEqual([expect.objectContaining({ record: 0, field: 'employee.usageLocation' })]);
  });

  it('when a record claims another source, then it is refused', () => {
    expect(issuesOf(post(joiner('E1', { source: 'ticket' })))).toEqual([expect.objectContaining({ record: 0, field: 'source' })]);
  });

  it('when there are more records than allowed, then one request-level issue names the limit', () => {
    const body = Array.from({ length: options.maxRecords + 1 }, (_, i) => joiner(`E${i}`));
    const issues = issuesOf(post(body));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toEqual({ field: '(body)', message: expect.stringContaining(`at most ${options.maxRecords}`) });
  });

  it('when the array is empty, then the request is rejected', () => {
    expect(issuesOf(post([]))).toEqual([{ field: '(body)', message: 'contains no records' }]);
  });

  it('when the body is not JSON, then the issue says so', () => {
    expect(issuesOf(parseHrRequest('{"type":', 'application/json', options))).toEqual([{ field: '(body)', message: 'is not valid JSON' }]);
  });

  it('when the content type is not supported, then the issue names the content type', () => {
    expect(issuesOf(parseHrRequest('<xml/>', 'application/xml', options))).toEqual([
      expect.objectContaining({ field: '(content-type)' }),
    ]);
    expect(issuesOf(parseHrRequest('{}', undefined, options))).toEqual([expect.objectContaining({ field: '(content-type)' })]);
  });
});
