import fc from 'fast-check';
import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import type { Settings } from '../../shared/config/settings';
import { createGraphClient } from '../../shared/graph/client';
import { LocalSimulatorCredential } from '../../shared/graph/credential';
import { graphPath, ODataFilter } from '../../shared/graph/odata';
import { findUserByEmployeeId, findUserByUpn, findUsersByEmployeeIds } from '../../shared/graph/users';
import { graph, newUser, startSimulator } from '../graph-simulator/harness';

/** Characters that mean something in a URL or an OData literal, and some that mean nothing. */
const META = ['#', '&', '+', '%', "'", '"', '?', '/', '\\', '=', ';', ' ', '(', ')', ',', '$', '%27', '%2', 'é', '中'];
const employeeId = fc
  .array(fc.oneof(fc.constantFrom(...META), fc.string({ minLength: 1, maxLength: 3, unit: 'grapheme-ascii' })), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join('').trim().slice(0, 16))
  .filter((id) => id.length > 0);

describe('values in Graph URLs', () => {
  let sim: RunningGraphSimulator;
  const client = () => createGraphClient({ GRAPH_BASE_URL: sim.url } as Settings, { credential: new LocalSimulatorCredential(sim.url) });
  let seq = 0;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  async function accountWith(id: string): Promise<string> {
    seq += 1;
    const created = await graph(sim, 'POST', '/users', newUser({ employeeId: id, userPrincipalName: `enc${seq}@contoso.com`, mailNickname: `enc${seq}` }));
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  it('when a filter is built, then its query form is the OData expression percent-encoded, quotes doubled', () => {
    const filter = ODataFilter.eq('employeeId', "p%27)#&x'");
    expect(filter.expression).toBe("employeeId eq 'p%27)#&x'''");
    expect(decodeURIComponent(filter.query)).toBe(filter.expression);
    expect(filter.query).not.toMatch(/[#&+ ]/);
    expect(() => ODataFilter.eq("employeeId eq 'x' or id", 'v')).toThrow(RangeError);
    expect(() => ODataFilter.in('employeeId', Array.from({ length: 16 }, (_, i) => `E${i}`))).toThrow(RangeError);
    expect(graphPath`/users/${'a#b/../c?d'}/memberOf`).toBe('/users/a%23b%2F..%2Fc%3Fd/memberOf');
  });

  it('when any employeeId is looked up alone, then exactly its account is found', async () => {
    await fc.assert(
      fc.asyncProperty(employeeId, async (id) => {
        const mine = await accountWith(id);
        try {
          expect((await findUserByEmployeeId(client(), id))?.id).toBe(mine);
        } finally {
          await graph(sim, 'DELETE', `/users/${mine}`); // the next value may be this one again
        }
      }),
      { numRuns: 40 },
    );
  });

  it('when a lookup of many employeeIds holds one full of metacharacters, then every other worker is still found', async () => {
    const plain = Array.from({ length: 13 }, (_, i) => `ENCX${i}`);
    const ids = new Map<string, string>();
    for (const id of plain) ids.set(id, await accountWith(id));
    await fc.assert(
      fc.asyncProperty(employeeId, fc.nat({ max: plain.length }), async (odd, at) => {
        const asked = [...plain.slice(0, at), odd, ...plain.slice(at)];
        const found = await findUsersByEmployeeIds(client(), asked);
        for (const id of plain) expect(found.get(id)?.id).toBe(ids.get(id));
      }),
      { numRuns: 25 },
    );
  });

  it('when a UPN holds URL metacharacters, then it is one path segment: nothing else is read', async () => {
    expect(await findUserByUpn(client(), 'breakglass@contoso.com/../users')).toBeUndefined();
    expect(await findUserByUpn(client(), 'x?$select=id#')).toBeUndefined();
  });

  it('when a request URL is malformed or cut, then the simulator answers as a server would: a raw # ends the URL, + is a space, a broken %-escape is a 400', async () => {
    await accountWith('RAW+1');
    const cut = await graph(sim, 'GET', `/users?$filter=employeeId in ('zz#','RAW+1')&$select=id`);
    expect(cut.status).toBe(400); // everything after the # never reached the server
    const plus = await graph(sim, 'GET', `/users?$filter=${"employeeId eq 'RAW+1'"}`);
    expect(plus.body.value).toEqual([]); // + arrived as a space
    const encoded = await graph(sim, 'GET', `/users?$filter=${encodeURIComponent("employeeId eq 'RAW+1'")}`);
    expect(encoded.body.value).toHaveLength(1);
    const broken = await graph(sim, 'GET', '/users/%E0%A4%A');
    expect(broken.status).toBe(400);
  });
});
