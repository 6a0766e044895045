import { functionDeclarations } from '../../functions/declarations';
import type { HttpFunctionDeclaration } from '../../shared/hosting/function-declarations';
import { parseHrRequest } from '../../shared/intake';
import { parseTicketRequest } from '../../shared/intake/ticket-request';
import { hrEvent, useTenantHost } from '../support/tenant';
import { issuesOf, options } from './support';

const t = useTenantHost();

const joiner = (employeeId: string) => hrEvent('joiner', { employeeId, givenName: 'Dry', surname: `Run${employeeId}`, department: 'Sales', country: 'GB' });

async function post(body: unknown, query = ''): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await t.host.postHr(typeof body === 'string' ? body : JSON.stringify(body), { query });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe('HR feeds carry lifecycle events only', () => {
  it('when an HR JSON record asks for an access change, then the request is refused naming the record, and nothing is queued', async () => {
    const access = { ...hrEvent('access', { employeeId: 'ACC1' }), change: { action: 'assign-licence', sku: 'SPE_E5' } };
    const answer = await post([joiner('ACC0'), access]);
    expect(answer.status).toBe(400);
    expect(answer.json.issues).toEqual([expect.objectContaining({ record: 1, field: 'type' })]);
    expect(JSON.stringify(answer.json)).not.toContain('SPE_E5');
    expect(t.sim.userByEmployeeId('ACC0')).toHaveLength(0);
  });
});

describe('dry runs', () => {
  it.each(['dryRun=TRUE', 'dryrun=true', 'DryRun=True'])('when asked with %s, then it answers with a plan and changes nothing', async (query) => {
    const employeeId = `DRY${query.length}${query.charCodeAt(0)}`;
    const answer = await post(joiner(employeeId), `?${query}`);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ dryRun: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(t.sim.userByEmployeeId(employeeId)).toHaveLength(0);
  });

  it.each(['dryRun=1', 'dryRun=yes', 'dryRun=', 'dryRun=true&dryRun=false', 'dryRun=true&dryrun=true', 'dry_run=true'])(
    'when asked with %s, then the request is refused naming the parameter, and nothing is queued',
    async (query) => {
      const employeeId = `DRYX${query.length}`;
      const answer = await post(joiner(employeeId), `?${query}`);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.json)).toMatch(/dry_?run/i);
      await new Promise((r) => setTimeout(r, 300));
      expect(t.sim.userByEmployeeId(employeeId)).toHaveLength(0);
    },
  );

  it('when dryRun=false is given once, then the request is applied', async () => {
    const answer = await post(joiner('DRYF1'), '?dryRun=false');
    expect(answer.status).toBe(202);
  });
});

describe('deeply nested bodies', () => {
  const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

  it('when an HR body is nested 10,000 levels deep, then it is refused with a 400, not a 500', async () => {
    const answer = await post(deep(10_000));
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.json)).toMatch(/nest/);
  });

  it('when a SCIM body hides deep nesting in a user, then it is refused with a 400', async () => {
    let nested = '{}';
    for (let i = 0; i < 10_000; i++) nested = `{"a":${nested}}`;
    const body = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Users","bulkId":"b1","data":{"externalId":"DEEP1","name":{"givenName":${nested}}}}]}`;
    const response = await t.host.postHr(body, { contentType: 'application/scim+json' });
    expect(response.status).toBe(400);
  });

  it('when a ticket is nested deeply, then it is refused with an issue, not a stack overflow', () => {
    let nested: unknown = {};
    for (let i = 0; i < 10_000; i++) nested = { a: nested };
    const result = parseTicketRequest({ requestId: 'DEEP', action: 'onboard', employee: { employeeId: 'D1' }, extra: nested }, { now: new Date(), tenantId: 'default' });
    expect(issuesOf(result)[0]?.field).toBeDefined();
  });

  it('when a record nests no deeper than real HR data does, then it is still accepted', () => {
    const result = parseHrRequest(JSON.stringify(joiner('NEST1')), 'application/json', options);
    expect(result.ok).toBe(true);
  });
});

describe('who may read what', () => {
  const http = functionDeclarations.filter((d): d is HttpFunctionDeclaration => d.kind === 'http');
  const byName = new Map(http.map((d) => [d.name, d]));

  it('when a route serves operator data or actions (event status, licence audit, dead letters, tenants, undo of a leaver, HR report runs and releases), then only the admin key opens it', () => {
    for (const name of ['event-status', 'licence-report', 'licence-audit-run', 'dead-letters', 'dead-letters-replay', 'tenants-list', 'tenants-reload', 'undo-leaver', 'hr-report-run', 'hr-report-release', 'hr-report-status']) {
      expect({ name, authLevel: byName.get(name)?.authLevel }).toEqual({ name, authLevel: 'admin' });
    }
  });

  // Console routes sit behind App Service Authentication and check the caller's role themselves (test/console/console-auth.test.ts).
  const outsideConsole = http.filter((d) => !d.name.startsWith('console-'));

  it('when a route is open without the admin key, then it is an HR route, the custom-step callback, a SCIM endpoint or a console route, each checking its own signature, token or principal', () => {
    expect(http.filter((d) => d.name.startsWith('console-')).every((d) => d.route?.startsWith('console'))).toBe(true);
    const open = outsideConsole.filter((d) => d.authLevel !== 'admin').map((d) => d.name).sort();
    // HR connectors' webhooks check the HR system's own signature (shared/connectors), and the function key in Azure.
    expect(open).toEqual(['custom-step-callback', 'hr-connector-webhook', 'hr-event-status', 'hr-events', 'scim', 'tenant-hr-connector-webhook', 'tenant-hr-event-status', 'tenant-hr-events', 'tenant-scim']);
  });

  it('when a route needs no key at all, then it is the custom-step callback (its signed token and signed body) or a SCIM endpoint (the tenant\'s bearer token)', () => {
    // A Logic App or runbook is given only the callback URL, a SCIM client only a base URL and a bearer token: neither holds our function key.
    const anonymous = outsideConsole.filter((d) => d.authLevel === 'anonymous').map((d) => d.name).sort();
    expect(anonymous).toEqual(['custom-step-callback', 'scim', 'tenant-scim']);
  });

  it("when an HR system follows the status URL it was given, then it sees its event; with another event's or tenant's link it sees nothing", async () => {
    const accepted = await post(joiner('STAT1'));
    expect(accepted.status).toBe(202);
    const [first] = accepted.json.events as { eventId: string; statusUrl: string }[];
    expect(first!.statusUrl).toMatch(/\/api\/hr\/events\/[^/?]+\?sig=[0-9a-f]{32,}$/);
    const own = await fetch(first!.statusUrl);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ eventId: first!.eventId });

    const other = await post(joiner('STAT2'));
    const [second] = other.json.events as { eventId: string; statusUrl: string }[];
    const swapped = first!.statusUrl.replace(encodeURIComponent(first!.eventId), encodeURIComponent(second!.eventId));
    expect((await fetch(swapped)).status).toBe(404);
    expect((await fetch(first!.statusUrl.replace(/sig=.*/, 'sig='))).status).toBe(404);
    expect((await fetch(first!.statusUrl.replace('/api/hr/events/', '/api/hr/tenants/fabrikam/events/'))).status).toBe(404);
  });
});
