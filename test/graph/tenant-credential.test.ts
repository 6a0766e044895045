import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ClientAssertionCredential, ManagedIdentityCredential, type AccessToken, type TokenCredential } from '@azure/identity';
import { parseSettings, type Settings } from '../../shared/config/settings';
import { LocalSimulatorCredential } from '../../shared/graph/credential';
import { authorityHostForGraph, createTenantCredential, TenantCredentialError, type TenantIdentity } from '../../shared/graph/tenant-credential';
import { appManagedIdentity } from '../../shared/runtime/identity';

/*
 * A fake Microsoft Entra token endpoint over HTTPS (MSAL refuses an http:// authority, even on
 * loopback), with the repo's dev certificate that dev/run-with-dev-ca.js makes Node trust.
 * It answers what MSAL asks of an authority it has no built-in metadata for: the tenant's
 * OpenID configuration, then the token request. Anything else is recorded and refused, so an
 * unexpected request shows up in `requests`.
 */

const APP_CLIENT_ID = '6f1c2a9e-0b7d-4c3e-9a51-2d8e4f6b7c10';
const MI_CLIENT_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const FABRIKAM = '3d1e2be9-a10a-4a0c-8380-7ce190f98ed9';
const NORTHWIND = '9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const REFUSING = 'c0ffee00-1111-4222-8333-444455556666';
const GRAPH = 'https://graph.microsoft.com';

interface EntraRequest {
  method: string;
  path: string;
  form: Record<string, string>;
}

let server: Server;
let authority: string;
let requests: EntraRequest[] = [];

const accessTokenFor = (tenantId: string): string => `graph-token-for-${tenantId}`;

beforeAll(async () => {
  const cert = process.env.DEV_TLS_CERT_FILE;
  const key = process.env.DEV_TLS_KEY_FILE;
  if (!cert || !key || !process.env.NODE_EXTRA_CA_CERTS) {
    throw new Error('Run this test through `node dev/run-with-dev-ca.js npx jest` so the dev certificate exists and is trusted.');
  }
  server = createServer({ cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') }, (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', authority).pathname;
      requests.push({ method: req.method ?? '', path, form: Object.fromEntries(new URLSearchParams(body)) });
      const json = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      };
      const openId = /^\/([0-9a-f-]{36})\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
      if (req.method === 'GET' && openId) {
        const t = openId[1]!;
        return json(200, {
          issuer: `${authority}/${t}/v2.0`,
          authorization_endpoint: `${authority}/${t}/oauth2/v2.0/authorize`,
          token_endpoint: `${authority}/${t}/oauth2/v2.0/token`,
          jwks_uri: `${authority}/${t}/discovery/v2.0/keys`,
        });
      }
      const token = /^\/([0-9a-f-]{36})\/oauth2\/v2\.0\/token$/.exec(path);
      if (req.method === 'POST' && token) {
        const t = token[1]!;
        if (t === REFUSING) {
          // What Entra answers when the app has no federated credential matching the assertion.
          return json(401, {
            error: 'invalid_client',
            error_description: `AADSTS700213: No matching federated identity record found for presented assertion subject '${MI_CLIENT_ID}'. Trace ID: 0 Correlation ID: 0 Timestamp: 2026-11-22 09:00:00Z`,
            error_codes: [700213],
          });
        }
        return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessTokenFor(t) });
      }
      json(404, { error: 'not_found', error_description: `the fake Entra does not serve ${req.method} ${path}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  authority = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  requests = [];
});

/** A managed identity that records what it is asked for and answers `mi-token-<n>`. */
class FakeManagedIdentity implements TokenCredential {
  readonly scopesAsked: string[][] = [];
  readonly issued: string[] = [];
  constructor(private readonly answer: 'token' | 'null' | 'throw' = 'token') {}

  async getToken(scopes: string | string[]): Promise<AccessToken | null> {
    this.scopesAsked.push(Array.isArray(scopes) ? scopes : [scopes]);
    if (this.answer === 'throw') throw new Error('ManagedIdentityCredential: no managed identity endpoint is available');
    if (this.answer === 'null') return null;
    const token = `mi-token-${this.scopesAsked.length}-eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.c2ln`;
    this.issued.push(token);
    return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

const azureSettings = (extra: Record<string, string> = {}): Settings =>
  parseSettings({
    HR_WEBHOOK_SECRET: 'x'.repeat(32),
    ServiceBusConnection__fullyQualifiedNamespace: 'msp.servicebus.windows.net',
    AzureWebJobsStorage__accountName: 'mspstorage',
    AZURE_CLIENT_ID: MI_CLIENT_ID,
    TENANTS_SOURCE: 'folder',
    TENANTS_DIR: 'config/tenants',
    MSP_APP_CLIENT_ID: APP_CLIENT_ID,
    ...extra,
  });

const customer = (directoryTenantId: string, key = 'fabrikam', graphBaseUrl = GRAPH): TenantIdentity => ({ key, directoryTenantId, graphBaseUrl });

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

/** Every string an error carries where a person or a log could see it. */
function visibleText(error: unknown): string {
  const e = error as Error & { cause?: unknown };
  return [e.message, e.stack, JSON.stringify(e), e.cause === undefined ? '' : visibleText(e.cause)].join('\n');
}

describe('customer tenant credential (managed identity as the federated credential of the multi-tenant app)', () => {
  it('when a customer tenant asks for a Graph token, then the managed identity token for api://AzureADTokenExchange is exchanged at that tenant for the app', async () => {
    const mi = new FakeManagedIdentity();
    const credential = createTenantCredential(azureSettings(), customer(FABRIKAM), { managedIdentity: mi, authorityHost: authority });
    expect(credential).toBeInstanceOf(ClientAssertionCredential);

    const token = await credential.getToken(`${GRAPH}/.default`);

    expect(token?.token).toBe(accessTokenFor(FABRIKAM));
    expect(token!.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3_000_000);
    // MSAL resolves the assertion callback on every getToken (twice in msal-node 7.2, cache hits
    // included), so the managed identity must serve it from its cache, as ManagedIdentityCredential does.
    expect(mi.scopesAsked.length).toBeGreaterThan(0);
    expect(new Set(mi.scopesAsked.flat())).toEqual(new Set(['api://AzureADTokenExchange/.default']));
    // What MSAL asks of an authority it has no built-in metadata for: the tenant's OpenID
    // configuration, then the client-credentials request. Nothing else (no instance discovery).
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /${FABRIKAM}/v2.0/.well-known/openid-configuration`,
      `POST /${FABRIKAM}/oauth2/v2.0/token`,
    ]);
    const form = requests[1]!.form;
    expect(form).toMatchObject({
      grant_type: 'client_credentials',
      client_id: APP_CLIENT_ID,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    });
    expect(mi.issued).toContain(form.client_assertion);
    expect(form.scope!.split(' ')).toContain(`${GRAPH}/.default`);
    expect(form.client_secret).toBeUndefined();
  });

  it('when a customer tenant asks again within the token lifetime, then the cached token is returned without a second exchange', async () => {
    const mi = new FakeManagedIdentity();
    const credential = createTenantCredential(azureSettings(), customer(FABRIKAM), { managedIdentity: mi, authorityHost: authority });

    const first = await credential.getToken(`${GRAPH}/.default`);
    const second = await credential.getToken(`${GRAPH}/.default`);

    expect(second?.token).toBe(first?.token);
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('when two customer tenants ask for tokens, then each is exchanged at its own tenant and gets its own token', async () => {
    const mi = new FakeManagedIdentity();
    const fabrikam = createTenantCredential(azureSettings(), customer(FABRIKAM, 'fabrikam'), { managedIdentity: mi, authorityHost: authority });
    const northwind = createTenantCredential(azureSettings(), customer(NORTHWIND, 'northwind'), { managedIdentity: mi, authorityHost: authority });

    const [a, b] = await Promise.all([fabrikam.getToken(`${GRAPH}/.default`), northwind.getToken(`${GRAPH}/.default`)]);

    expect(a?.token).toBe(accessTokenFor(FABRIKAM));
    expect(b?.token).toBe(accessTokenFor(NORTHWIND));
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.path).sort()).toEqual([`/${FABRIKAM}/oauth2/v2.0/token`, `/${NORTHWIND}/oauth2/v2.0/token`].sort());
    for (const post of posts) expect(post.form.client_id).toBe(APP_CLIENT_ID);
    for (const post of posts) expect(mi.issued).toContain(post.form.client_assertion);
    expect(new Set(mi.scopesAsked.flat())).toEqual(new Set(['api://AzureADTokenExchange/.default']));
  });

  it('when MSP_TOKEN_EXCHANGE_AUDIENCE names a national cloud audience, then the managed identity is asked for that audience', async () => {
    const mi = new FakeManagedIdentity();
    const settings = azureSettings({ MSP_TOKEN_EXCHANGE_AUDIENCE: 'api://AzureADTokenExchangeUSGov' });
    await createTenantCredential(settings, customer(FABRIKAM), { managedIdentity: mi, authorityHost: authority }).getToken(`${GRAPH}/.default`);
    expect(new Set(mi.scopesAsked.flat())).toEqual(new Set(['api://AzureADTokenExchangeUSGov/.default']));
  });

  it("when a customer tenant's Graph is a national cloud, then its Entra authority is that cloud's", () => {
    expect(authorityHostForGraph('https://graph.microsoft.us')).toBe('https://login.microsoftonline.us');
    expect(authorityHostForGraph('https://dod-graph.microsoft.us')).toBe('https://login.microsoftonline.us');
    expect(authorityHostForGraph('https://microsoftgraph.chinacloudapi.cn')).toBe('https://login.chinacloudapi.cn');
    expect(authorityHostForGraph(GRAPH)).toBeUndefined();
  });
});

describe('home tenant credential', () => {
  it('when the home tenant asks for a token, then the exchange is never touched', async () => {
    const mi = new FakeManagedIdentity();
    const settings = azureSettings({ GRAPH_CREDENTIAL: 'local', GRAPH_BASE_URL: 'https://127.0.0.1:7072' });
    const home = createTenantCredential(settings, { key: 'default', graphBaseUrl: settings.GRAPH_BASE_URL }, { managedIdentity: mi, authorityHost: authority });

    expect(home).toBeInstanceOf(LocalSimulatorCredential);
    expect((await home.getToken('https://127.0.0.1:7072/.default'))?.token).toBe(LocalSimulatorCredential.token);
    expect(mi.scopesAsked).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("when the home tenant runs in Azure, then its credential is the app's shared managed identity itself", () => {
    const settings = azureSettings();
    const home = createTenantCredential(settings, { key: 'default', graphBaseUrl: GRAPH }, { managedIdentity: new FakeManagedIdentity(), authorityHost: authority });
    expect(home).toBeInstanceOf(ManagedIdentityCredential);
    expect(home).toBe(appManagedIdentity(settings));
  });
});

describe('customer tenant credential: configuration', () => {
  it('when MSP_APP_CLIENT_ID is not set, then creating a customer credential fails with a typed error naming the setting and the tenant', () => {
    const settings = azureSettings({ TENANTS_SOURCE: 'none', MSP_APP_CLIENT_ID: '' });
    expect(settings.MSP_APP_CLIENT_ID).toBeUndefined();
    let error: unknown;
    try {
      createTenantCredential(settings, customer(FABRIKAM), { managedIdentity: new FakeManagedIdentity(), authorityHost: authority });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TenantCredentialError);
    expect(error).toMatchObject({ code: 'MspAppClientIdMissing', setting: 'MSP_APP_CLIENT_ID', tenant: 'fabrikam' });
    expect((error as Error).message).toMatch(/MSP_APP_CLIENT_ID/);
    expect((error as Error).message).toMatch(/fabrikam/);
  });

  it('when no managed identity is injected and AZURE_CLIENT_ID is not set, then the error names AZURE_CLIENT_ID (a system-assigned identity cannot be a federated credential)', () => {
    const settings = azureSettings({ AZURE_CLIENT_ID: '' });
    expect(() => createTenantCredential(settings, customer(FABRIKAM))).toThrow(expect.objectContaining({ code: 'ManagedIdentityClientIdMissing', setting: 'AZURE_CLIENT_ID' }));
  });

  it('when the runtime is local and the customer tenant is a loopback simulator, then it gets the local simulator credential and no exchange', async () => {
    const mi = new FakeManagedIdentity();
    const settings = parseSettings({ LIFECYCLE_RUNTIME: 'local', HR_WEBHOOK_SECRET: 'x'.repeat(32) });
    const credential = createTenantCredential(settings, customer(FABRIKAM, 'fabrikam', 'https://localhost:7073'), { managedIdentity: mi, authorityHost: authority });

    expect(credential).toBeInstanceOf(LocalSimulatorCredential);
    expect((await credential.getToken('https://localhost:7073/.default'))?.token).toBe(LocalSimulatorCredential.token);
    expect(mi.scopesAsked).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('when the runtime is Azure, then a loopback customer Graph does not get the local credential', () => {
    const credential = createTenantCredential(azureSettings(), customer(FABRIKAM, 'fabrikam', 'https://127.0.0.1:7073'), { managedIdentity: new FakeManagedIdentity(), authorityHost: authority });
    expect(credential).toBeInstanceOf(ClientAssertionCredential);
  });
});

describe('customer tenant credential: failures keep tokens out of messages', () => {
  it('when Entra refuses the assertion, then the error says so and carries neither the assertion nor a token', async () => {
    const mi = new FakeManagedIdentity();
    const credential = createTenantCredential(azureSettings(), customer(REFUSING, 'refusing'), { managedIdentity: mi, authorityHost: authority });

    const error = await failureOf(credential.getToken(`${GRAPH}/.default`));

    expect(error.message).toMatch(/AADSTS700213/);
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    const text = visibleText(error);
    for (const assertion of mi.issued) expect(text).not.toContain(assertion);
    expect(text).not.toContain('mi-token-');
    expect(text).not.toContain('eyJ');
  });

  it('when the managed identity returns no token, then a typed error names the audience and no request reaches Entra', async () => {
    const credential = createTenantCredential(azureSettings(), customer(FABRIKAM), { managedIdentity: new FakeManagedIdentity('null'), authorityHost: authority });

    const error = await failureOf(credential.getToken(`${GRAPH}/.default`));

    expect(visibleText(error)).toMatch(/api:\/\/AzureADTokenExchange\/\.default/);
    expect(requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('when the managed identity fails, then the failure surfaces with its reason and no request reaches the token endpoint', async () => {
    const credential = createTenantCredential(azureSettings(), customer(FABRIKAM), { managedIdentity: new FakeManagedIdentity('throw'), authorityHost: authority });

    const error = await failureOf(credential.getToken(`${GRAPH}/.default`));

    expect(visibleText(error)).toMatch(/no managed identity endpoint is available/);
    expect(visibleText(error)).not.toContain('mi-token-');
    expect(requests.filter((r) => r.method === 'POST')).toEqual([]);
  });
});
