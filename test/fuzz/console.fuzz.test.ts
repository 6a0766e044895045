import fc from 'fast-check';
import { HttpRequest } from '@azure/functions';
import { functionDeclarations } from '../../functions/declarations';
import { consolePrincipal, PRINCIPAL_HEADER } from '../../shared/console/principal';
import type { HttpFunctionDeclaration } from '../../shared/hosting/function-declarations';
import { useTenantHost } from '../support/tenant';
import { anyJson, hostileText, MARKER, runs } from './arbitraries';

/**
 * The console's routes are input too: whatever a query, a path or a body holds, the answer is the
 * thing asked for or a 4xx naming the field — never a 5xx, never the value echoed back, and an
 * invalid action changes nothing. Routes are read from the declarations, so a new one is fuzzed too.
 */
const t = useTenantHost();

const consoleRoutes = functionDeclarations.filter((d): d is HttpFunctionDeclaration => d.kind === 'http' && d.route.startsWith('console/') && !d.route.startsWith('console/assets'));
const readRoutes = consoleRoutes.filter((d) => d.methods.includes('GET'));
const actionRoutes = consoleRoutes.filter((d) => d.methods.includes('POST'));
const QUERY_KEYS = ['tenant', 'type', 'status', 'employeeId', 'from', 'to', 'limit', 'after', 'since', 'days', 'queue', 'reason'];

const pathValue = fc.oneof(hostileText.map((s) => encodeURIComponent(s)), fc.constantFrom('W1', '%2e%2e', 'evt-1', `x${MARKER}`));
const queryValue = fc.oneof(hostileText, fc.constantFrom('', '2026-12-01', '1', '-1', '1e309', '500', '501', 'default', 'fabrikam', 'joiner', 'dead-lettered', MARKER));
/** Keys are field names, which a 400 may name; the marker goes in values only. */
const query = fc.dictionary(fc.oneof(fc.constantFrom(...QUERY_KEYS), hostileText.filter((k) => !k.includes(MARKER))), queryValue, { maxKeys: 4 });

function withPath(route: string, value: string): string {
  return `/api/${route.replace(/\{[^}]+\}/g, value)}`;
}

async function expectSafeAnswer(where: string, response: Response): Promise<void> {
  const text = await response.text();
  expect({ where, status: response.status }).toEqual({ where, status: expect.any(Number) });
  expect({ where, status: response.status < 500 }).toEqual({ where, status: true });
  if (response.status === 400) {
    const body = JSON.parse(text) as { issues?: { field: string }[] };
    expect({ where, named: (body.issues ?? []).every((i) => typeof i.field === 'string' && i.field.length > 0) }).toEqual({ where, named: true });
    expect({ where, echoes: text.includes(MARKER) }).toEqual({ where, echoes: false });
  }
}

describe('the console under fuzzing', () => {
  it('when a console read route gets any query and path, then it answers 2xx or 4xx — a 400 naming fields and echoing no value', async () => {
    expect(readRoutes.length).toBeGreaterThanOrEqual(8);
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...readRoutes), pathValue, query, async (route, value, params) => {
        const search = new URLSearchParams(params).toString();
        const path = `${withPath(route.route, value)}${search ? `?${search}` : ''}`;
        const response = await fetch(`${t.host.url}${path}`);
        seen.add(response.status);
        await expectSafeAnswer(path, response);
      }),
      runs(120),
    );
    // The cases reach both the routes' answers and their refusals.
    expect([...seen].some((s) => s === 200) && seen.has(400)).toBe(true);
  });

  it('when a console action gets any JSON body, then it answers 2xx or 4xx, and a refused body resubmits no dead letter', async () => {
    expect(actionRoutes.length).toBeGreaterThanOrEqual(3);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...actionRoutes), pathValue, anyJson, async (route, value, body) => {
        const path = withPath(route.route, value);
        const before = t.host.bus.peekDeadLetters(t.host.settings.PROCESSING_QUEUE_NAME).length;
        const response = await fetch(`${t.host.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
        const status = response.status;
        await expectSafeAnswer(path, response);
        if (status >= 400) expect(t.host.bus.peekDeadLetters(t.host.settings.PROCESSING_QUEUE_NAME).length).toBe(before);
      }),
      runs(80),
    );
  });

  it('when an action body is not JSON, or posted from another origin, then it is refused with a 4xx', async () => {
    for (const route of actionRoutes) {
      const path = withPath(route.route, 'evt-1');
      for (const body of ['{', 'null', '[]', '"x"', '{"messageIds":', '\u0000']) {
        await expectSafeAnswer(`${path} ${body}`, await fetch(`${t.host.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }));
      }
      const foreign = await fetch(`${t.host.url}${path}`, { method: 'POST', body: '{"reason":"x"}', headers: { 'content-type': 'application/json', origin: 'https://evil.example' } });
      await foreign.text();
      expect({ path, status: foreign.status }).toEqual({ path, status: 403 });
    }
  });
});

describe('the platform principal header under fuzzing', () => {
  const request = (header: string) => new HttpRequest({ method: 'GET', url: 'https://app.azurewebsites.net/api/console/me', headers: { [PRINCIPAL_HEADER]: header } });
  const claim = fc.record({ typ: fc.oneof(fc.constantFrom('roles', 'name', 'role', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'), hostileText), val: fc.oneof(fc.constantFrom('Reader', 'Operator', 'operator', ' Operator', 'Reader,Operator'), hostileText, anyJson) });
  const shaped = fc.record({ auth_typ: fc.oneof(fc.constant('aad'), anyJson), claims: fc.oneof(fc.array(claim, { maxLength: 5 }), anyJson), name_typ: fc.oneof(fc.constant('name'), anyJson), role_typ: fc.oneof(fc.constant('roles'), anyJson) }, { requiredKeys: [] });
  const platformShape = fc.record({ auth_typ: fc.constant('aad'), claims: fc.array(claim, { maxLength: 5 }), name_typ: fc.constant('name'), role_typ: fc.constantFrom('roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role') });
  const header = fc.oneof(
    platformShape.map((p) => Buffer.from(JSON.stringify(p), 'utf8').toString('base64')),
    shaped.map((p) => Buffer.from(JSON.stringify(p), 'utf8').toString('base64')),
    anyJson.map((v) => Buffer.from(JSON.stringify(v) ?? '', 'utf8').toString('base64')),
    // What an HTTP server lets through as a header value at all (no control characters, no code points past 0xFF).
    hostileText.filter((v) => /^[\t\x20-\xff]*$/.test(v)),
  );

  it('when Easy Auth hands any header at all, then the principal is refused (401) or holds only roles an exact role claim names', () => {
    let accepted = 0;
    fc.assert(
      fc.property(header, (value) => {
        const result = consolePrincipal(request(value), { LIFECYCLE_RUNTIME: 'azure', WEBSITE_AUTH_ENABLED: true });
        if (!result.ok) {
          expect(result.status).toBe(401);
          return;
        }
        const decoded = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as { claims: { typ: string; val: unknown }[]; role_typ?: string };
        // The claim types App Service's default mapping gives roles, and the one the header itself names.
        const roleTypes = new Set(['roles', 'role', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', decoded.role_typ].filter((x): x is string => typeof x === 'string'));
        const named = new Set(decoded.claims.filter((c) => roleTypes.has(c.typ)).map((c) => c.val));
        for (const role of result.principal.roles) {
          // Operator implies Reader; nothing else is ever granted.
          expect(role === 'Reader' ? named.has('Reader') || named.has('Operator') : named.has(role)).toBe(true);
        }
        accepted += 1;
      }),
      runs(400),
    );
    // Some headers were of the platform's shape, so the role check above ran.
    expect(accepted).toBeGreaterThan(10);
  });
});
