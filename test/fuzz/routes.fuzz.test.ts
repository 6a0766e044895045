import fc from 'fast-check';
import { useTenantHost } from '../support/tenant';
import { hostileText, runs } from './arbitraries';

/** Route parameters are input too: whatever a path holds, the answer is a 4xx or the thing asked for, never a 500. */
const t = useTenantHost();

/** Path text as a client may send it: percent-encoded, raw where fetch allows, or with broken escapes. */
const segment = fc.oneof(
  hostileText.map((s) => encodeURIComponent(s)),
  fc.constantFrom('%', '%E0%A4%A', '%ZZ', '..', '.', '%2e%2e', '%2F', 'evt-1', 'default', 'fabrikam'),
  fc.stringMatching(/^[A-Za-z0-9._~:@!$&'()*+,;=-]{0,20}$/),
);

describe('routes under fuzzing', () => {
  it('when a route parameter holds anything at all, then the status routes and the undo route answer 2xx or 4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(segment, segment, segment, fc.constantFrom('GET', 'POST'), async (id, tenant, sig, method) => {
        for (const path of [`/api/events/${id}`, `/api/hr/events/${id}?sig=${sig}`, `/api/hr/tenants/${tenant}/events/${id}?sig=${sig}`, `/api/hr/tenants/${tenant}/events`, `/api/manage/workers/${id}/undo-leaver?tenant=${tenant}`]) {
          const response = await fetch(`${t.host.url}${path}`, { method, ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}) });
          await response.text();
          expect({ path, status: response.status }).toEqual({ path, status: expect.any(Number) });
          expect(response.status).toBeLessThan(500);
        }
      }),
      runs(60),
    );
  });

  it('when a path carries a malformed percent-encoding, then the answer is 400', async () => {
    for (const path of ['/api/events/%E0%A4%A', '/api/hr/events/%ZZ?sig=x', '/api/hr/tenants/%/events']) {
      expect((await fetch(`${t.host.url}${path}`)).status).toBe(400);
    }
  });
});
