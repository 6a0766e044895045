import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, startSimulator } from './harness';

const EVENTUAL = { ConsistencyLevel: 'eventual' };
const q = (filter: string) => encodeURIComponent(filter);

describe('Graph simulator: advanced query parameters', () => {
  let sim: RunningGraphSimulator;
  beforeEach(async () => { sim = await startSimulator(); });
  afterEach(async () => { await sim.close(); });

  it('when $count=true is sent with ConsistencyLevel eventual, then the page carries @odata.count of all matches', async () => {
    const reply = await graph(sim, 'GET', `/users?$count=true&$top=1&$filter=${q("department eq 'Engineering'")}`, undefined, EVENTUAL);
    expect(reply.status).toBe(200);
    expect(reply.body['@odata.count']).toBe(2);
    expect(reply.body.value).toHaveLength(1);
    const plain = await graph(sim, 'GET', '/users');
    expect(plain.body['@odata.count']).toBeUndefined();
  });

  it('when $count=true is sent without ConsistencyLevel, then Graph answers 400 "$count is not currently supported."', async () => {
    const reply = await graph(sim, 'GET', '/users?$count=true');
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: 'Request_BadRequest', message: '$count is not currently supported.' });
  });

  it('when /users/$count is read with ConsistencyLevel eventual, then the answer is a text/plain number honouring $filter', async () => {
    const all = await fetch(`${sim.url}/v1.0/users/$count`, { headers: { Authorization: 'Bearer t', ...EVENTUAL } });
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await all.text()).toBe('4');
    const sales = await graph(sim, 'GET', `/users/$count?$filter=${q("department ne 'Engineering' and employeeId ne null")}`, undefined, EVENTUAL);
    expect(sales.body).toBe(1);
  });

  it('when /users/$count is read without ConsistencyLevel, then Graph answers 400 Request_BadRequest', async () => {
    const reply = await graph(sim, 'GET', '/users/$count');
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('Request_BadRequest');
  });

  it('when users are filtered by assignedLicenses/any with an unquoted GUID, then only holders of that SKU come back, with or without the header', async () => {
    const reply = await graph(sim, 'GET', `/users?$filter=${q(`assignedLicenses/any(x:x/skuId eq ${IDS.E3})`)}&$select=id`);
    expect(reply.status).toBe(200);
    expect(reply.body.value.map((u: { id: string }) => u.id).sort()).toEqual([IDS.hedy, IDS.katherine].sort());
    const e5 = await graph(sim, 'GET', `/users?$count=true&$filter=${q(`assignedLicenses/any(s:s/skuId eq ${IDS.E5.toUpperCase()})`)}`, undefined, EVENTUAL);
    expect(e5.body['@odata.count']).toBe(1);
    const wrongVariable = await graph(sim, 'GET', `/users?$filter=${q(`assignedLicenses/any(x:y/skuId eq ${IDS.E3})`)}`);
    expect(wrongVariable.status).toBe(400);
  });

  it.each([
    ['ne', "employeeId ne null"],
    ['not()', "not(startswith(displayName,'Hedy'))"],
    ['endswith', "endswith(userPrincipalName,'@contoso.com')"],
  ])('when a filter uses %s without advanced query parameters, then Graph answers 400 Request_UnsupportedQuery; with them it runs', async (_name, filter) => {
    const bare = await graph(sim, 'GET', `/users?$filter=${q(filter)}`);
    expect(bare.status).toBe(400);
    expect(bare.body.error.code).toBe('Request_UnsupportedQuery');
    const headerOnly = await graph(sim, 'GET', `/users?$filter=${q(filter)}`, undefined, EVENTUAL);
    expect(headerOnly.body.error.code).toBe('Request_UnsupportedQuery');
    const advanced = await graph(sim, 'GET', `/users?$count=true&$filter=${q(filter)}`, undefined, EVENTUAL);
    expect(advanced.status).toBe(200);
    expect(advanced.body['@odata.count']).toBeGreaterThanOrEqual(3);
    expect(advanced.body.value).toHaveLength(advanced.body['@odata.count']);
  });

  it('when the next page of an advanced query is requested without the header, then Graph answers 400; resending the header works', async () => {
    const first = await graph(sim, 'GET', `/users?$count=true&$top=2&$filter=${q("employeeId ne null")}&$select=id`, undefined, EVENTUAL);
    expect(first.status).toBe(200);
    const next: string = first.body['@odata.nextLink'];
    expect(next).toContain('$count=true');
    expect((await graph(sim, 'GET', next)).status).toBe(400);
    const second = await graph(sim, 'GET', next, undefined, EVENTUAL);
    expect(second.status).toBe(200);
    expect([...first.body.value, ...second.body.value]).toHaveLength(3);
  });
});
