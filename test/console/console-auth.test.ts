import { request as httpRequest } from 'node:http';
import { HttpRequest } from '@azure/functions';
import { functionDeclarations } from '../../functions/declarations';
import { consolePrincipal, decodeClientPrincipal, LOCAL_PEER_HEADER, PRINCIPAL_HEADER } from '../../shared/console/principal';
import type { HttpFunctionDeclaration } from '../../shared/hosting/function-declarations';
import { useTenantHost } from '../support/tenant';

/** The header as App Service writes it: base64 JSON with the claims after its default claim mapping. */
function principalHeader(roles: string[], name = 'ops@contoso.com'): string {
  const claims = [
    { typ: 'name', val: name },
    { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: '6a1f7c2e-0000-4000-8000-000000000001' },
    ...roles.map((val) => ({ typ: 'roles', val })),
  ];
  return Buffer.from(JSON.stringify({ auth_typ: 'aad', claims, name_typ: 'name', role_typ: 'roles' }), 'utf8').toString('base64');
}

function requestWith(headers: Record<string, string>): HttpRequest {
  return new HttpRequest({ method: 'GET', url: 'https://app.azurewebsites.net/api/console/me', headers });
}

/** Every console route that changes something, read from the declarations: a new one is covered without a test edit. */
const actionRoutes = functionDeclarations
  .filter((d): d is HttpFunctionDeclaration => d.kind === 'http' && d.route.startsWith('console/') && d.methods.some((m) => m !== 'GET' && m !== 'HEAD'))
  .map((d) => ({ name: d.name, path: `/api/${d.route.replace(/\{[^}]+\}/g, 'probe-1')}`, method: d.methods.find((m) => m !== 'GET' && m !== 'HEAD') as string }));

describe('console principal (unit)', () => {
  it('when the platform header carries the Operator role, then the principal has both roles, its name and object id', () => {
    expect(decodeClientPrincipal(principalHeader(['Operator']))).toEqual({ name: 'ops@contoso.com', oid: '6a1f7c2e-0000-4000-8000-000000000001', roles: ['Reader', 'Operator'] });
  });

  it('when the header is not base64 JSON of the platform shape, then there is no principal', () => {
    expect(decodeClientPrincipal('not base64 json')).toBeUndefined();
    expect(decodeClientPrincipal(Buffer.from('{"claims":"x"}').toString('base64'))).toBeUndefined();
  });

  it('when in Azure with Easy Auth on and no principal header, then 401', () => {
    const result = consolePrincipal(requestWith({}), { LIFECYCLE_RUNTIME: 'azure', WEBSITE_AUTH_ENABLED: true });
    expect(result).toMatchObject({ ok: false, status: 401 });
  });

  it('when in Azure without Easy Auth, then a principal header (anyone could have written it) is refused', () => {
    const result = consolePrincipal(requestWith({ [PRINCIPAL_HEADER]: principalHeader(['Operator']) }), { LIFECYCLE_RUNTIME: 'azure', WEBSITE_AUTH_ENABLED: false });
    expect(result).toMatchObject({ ok: false, status: 401 });
    expect(consolePrincipal(requestWith({ [PRINCIPAL_HEADER]: principalHeader(['Operator']) }), { LIFECYCLE_RUNTIME: 'azure' })).toMatchObject({ ok: false, status: 401 });
  });

  it('when in Azure, then a local peer header does not open the console', () => {
    const result = consolePrincipal(requestWith({ [LOCAL_PEER_HEADER]: '127.0.0.1', host: 'localhost' }), { LIFECYCLE_RUNTIME: 'azure' });
    expect(result).toMatchObject({ ok: false, status: 401 });
  });

  it('when local and the caller is not on loopback, then the console is not open', () => {
    const result = consolePrincipal(requestWith({ [LOCAL_PEER_HEADER]: '192.168.1.20', host: 'localhost:7071' }), { LIFECYCLE_RUNTIME: 'local' });
    expect(result).toMatchObject({ ok: false, status: 401 });
  });

  it('when local on loopback, then the console is open with both roles', () => {
    const result = consolePrincipal(requestWith({ [LOCAL_PEER_HEADER]: '::1', host: '[::1]:7071' }), { LIFECYCLE_RUNTIME: 'local' });
    expect(result).toMatchObject({ ok: true, principal: { mode: 'local-open', roles: ['Reader', 'Operator'] } });
  });
});

describe('console behind Easy Auth (WEBSITE_AUTH_ENABLED=true on the local host)', () => {
  const t = useTenantHost({ env: { WEBSITE_AUTH_ENABLED: 'True' } });
  const get = (path: string, roles?: string[]) => fetch(`${t.host.url}${path}`, { headers: roles ? { [PRINCIPAL_HEADER]: principalHeader(roles) } : {} });

  it('when no principal header comes, then 401 with where to sign in', async () => {
    const response = await get('/api/console/me');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ login: expect.stringContaining('/.auth/login/aad') });
  });

  it('when an Operator asks who they are, then the route says easy-auth with both roles', async () => {
    const response = await get('/api/console/me', ['Operator']);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: 'ops@contoso.com', oid: '6a1f7c2e-0000-4000-8000-000000000001', roles: ['Reader', 'Operator'], mode: 'easy-auth' });
  });

  it('when signed in without a console role, then reading is refused with 403', async () => {
    expect((await get('/api/console/me', [])).status).toBe(200);
    expect((await get('/api/console/events', [])).status).toBe(403);
  });

  it('when a Reader reads, then the events route answers', async () => {
    expect((await get('/api/console/events', ['Reader'])).status).toBe(200);
  });

  it('when the app declares console action routes, then there are some (the replay and release at least)', () => {
    expect(actionRoutes.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/console/dead-letters/replay', '/api/console/dead-letters/release']));
  });

  it('when a Reader calls any console action route, then every one answers 403 and changes nothing', async () => {
    for (const route of actionRoutes) {
      const response = await fetch(`${t.host.url}${route.path}`, {
        method: route.method,
        headers: { [PRINCIPAL_HEADER]: principalHeader(['Reader']), 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'mass-leaver-guard: MassLeaverHold', decision: 'approve', comment: 'probe' }),
      });
      expect({ route: route.name, status: response.status }).toEqual({ route: route.name, status: 403 });
    }
  });

  it('when no principal calls a console action route, then every one answers 401', async () => {
    for (const route of actionRoutes) {
      const response = await fetch(`${t.host.url}${route.path}`, { method: route.method, headers: { 'content-type': 'application/json' }, body: '{}' });
      expect({ route: route.name, status: response.status }).toEqual({ route: route.name, status: 401 });
    }
  });
});

/** Over node:http, so the Host header is the one given (a DNS-rebound name reaching loopback). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('console on the local host without Easy Auth', () => {
  const t = useTenantHost();

  it('when called from this machine, then it is open and says so', async () => {
    const response = await fetch(`${t.host.url}/api/console/me`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ mode: 'local-open', roles: ['Reader', 'Operator'] });
  });

  it('when a client sends its own peer header or a principal, then they change nothing: the socket decides', async () => {
    const response = await fetch(`${t.host.url}/api/console/me`, { headers: { [LOCAL_PEER_HEADER]: '203.0.113.9', [PRINCIPAL_HEADER]: principalHeader(['Reader']) } });
    expect(await response.json()).toMatchObject({ mode: 'local-open' });
  });

  it('when the request names a host other than loopback (a rebound DNS name), then the console is not open', async () => {
    expect(await getWithHost(`${t.host.url}/api/console/me`, 'console.attacker.example')).toBe(401);
  });

  it('when a page from another origin posts an action, then it is refused', async () => {
    const response = await fetch(`${t.host.url}/api/console/dead-letters/replay`, {
      method: 'POST',
      headers: { origin: 'https://attacker.example', 'content-type': 'text/plain' },
      body: JSON.stringify({ reason: 'x' }),
    });
    expect(response.status).toBe(403);
  });
});
