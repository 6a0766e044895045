import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inspect } from 'node:util';
import type { Employee } from '../../shared/domain/events';
import { HOME_TENANT } from '../../shared/tenancy/tenant';
import { createTenantRegistry, TenantRegistry, type TenantState } from '../../shared/tenancy/tenant-registry';
import { FolderTenantSource } from '../../shared/tenancy/tenant-source';
import { azureSettings, FABRIKAM_SECRET, HOME_SECRET, homePolicy, localSettings, SAMPLE_FOLDER, sampleConfig, tenantConfig, tenantFolder } from './fixtures';

const SHORT_SECRET = 'short-VALUE-42';
const env = { HR_SECRET_FABRIKAM: FABRIKAM_SECRET, HR_SECRET_TAILSPIN: SHORT_SECRET, HR_SECRET_DUP: FABRIKAM_SECRET, HR_SECRET_NORTHWIND: FABRIKAM_SECRET };

const financeWorker: Employee = { employeeId: 'F1', givenName: 'Ada', surname: 'Lovelace', department: 'Finance' };

function issuesOf(state: TenantState | undefined): string[] {
  if (state?.state !== 'invalid') throw new Error(`expected an invalid tenant, got ${state ? state.state : 'none'}`);
  return state.issues;
}

describe('the tenant registry over a folder of tenant files', () => {
  let registry: TenantRegistry;
  let folder: string;

  beforeAll(async () => {
    folder = await tenantFolder({
      'fabrikam.json': sampleConfig(),
      'contoso.json': tenantConfig('contoso', { enabled: false }),
      'broken-json.json': '{ "key": "broken-json", "displayName": "leaky-VALUE" oops }',
      'bad-schema.json': tenantConfig('bad-schema', {
        directoryTenantId: 'not-a-guid-VALUE',
        upnDomain: undefined,
        colour: 'blue',
        rules: { groupRules: [{ name: 'empty', groups: [] }], massLeaver: { threshold: 0, windowMinutes: 60 } },
      }),
      'no-secret.json': tenantConfig('no-secret'),
      'tailspin.json': tenantConfig('tailspin'),
      'dup.json': tenantConfig('dup'),
      'dup-copy.json': tenantConfig('dup'),
      'northwind-old.json': tenantConfig('northwind'),
      'default.json': tenantConfig('default'),
      'notes.txt': 'not a tenant',
    });
    await mkdir(path.join(folder, 'archive'));
    await writeFile(path.join(folder, 'archive', 'woodgrove.json'), JSON.stringify(tenantConfig('woodgrove')));
    registry = new TenantRegistry({ settings: localSettings(), source: new FolderTenantSource(folder), env, homePolicy });
  });

  it('when a tenant file is valid, then the tenant is ready with its own settings, secret, rules and prices', async () => {
    const state = await registry.lookup('fabrikam');
    if (state?.state !== 'ready') throw new Error(`fabrikam is ${state?.state}`);
    const { tenant } = state;
    expect(tenant).toMatchObject({ key: 'fabrikam', displayName: 'Fabrikam, Inc.', directoryTenantId: '7c1f9a52-3b64-4e8d-9a0f-2d5b8e6c4a13', licencePrices: { SPE_E3: 36, SPE_E5: 57 } });
    expect(tenant.hrWebhookSecret.reveal()).toBe(FABRIKAM_SECRET);
    expect(tenant.settings).toMatchObject({ UPN_DOMAIN: 'fabrikam.com', UPN_TEMPLATE: '{givenName}.{surname}', GRAPH_WRITES_PER_SECOND: 10, HR_WEBHOOK_SECRET: FABRIKAM_SECRET, LIFECYCLE_RUNTIME: 'local' });
    expect(Object.isFrozen(tenant.settings)).toBe(true);
    expect(tenant.policy.desiredGroups(financeWorker).sort()).toEqual(['SG-All-Staff', 'SG-Finance']);
    expect(tenant.policy.leaver.licenceGraceDays).toBe(7);
    expect(tenant.revision).toMatch(/^[0-9a-f]{32}$/);
  });

  it('when the registry is listed, then the home tenant comes first, built from the app settings', async () => {
    const [home, ...customers] = await registry.list();
    if (home?.state !== 'ready') throw new Error(`home is ${home?.state}`);
    expect(home.tenant).toMatchObject({ key: HOME_TENANT, displayName: 'Home tenant' });
    expect(home.tenant.directoryTenantId).toBeUndefined();
    expect(home.tenant.settings).toEqual(localSettings());
    expect(home.tenant.hrWebhookSecret.reveal()).toBe(HOME_SECRET);
    expect(home.tenant.policy.desiredGroups({ ...financeWorker, department: 'Sales' }).sort()).toEqual(['SG-All-Staff', 'SG-Sales']);
    expect(customers.map((c) => c.key)).toEqual(['bad-schema', 'broken-json', 'contoso', 'default', 'dup', 'dup', 'fabrikam', 'no-secret', 'northwind', 'tailspin']);
  });

  it('when a tenant is disabled and its config valid, then it is disabled, even with its secret setting unset', async () => {
    expect(await registry.lookup('contoso')).toEqual({ key: 'contoso', state: 'disabled', displayName: 'Tenant contoso' });
  });

  it('when a file is not JSON, then that tenant is invalid with where it broke, not what it says', async () => {
    const state = await registry.lookup('broken-json');
    expect(state).toMatchObject({ state: 'invalid', origin: path.join(folder, 'broken-json.json') });
    expect(issuesOf(state)).toEqual([expect.stringMatching(/^\(config\): is not valid JSON \(line 1, column \d+\)$/)]);
  });

  it('when a config breaks the schema, then every bad field is named by its path, all at once', async () => {
    const issues = issuesOf(await registry.lookup('bad-schema'));
    const fields = issues.map((i) => i.split(':')[0]).sort();
    expect(fields).toEqual(['(config)', 'directoryTenantId', 'hrWebhookSecretSetting', 'rules.groupRules.0.groups', 'rules.massLeaver.threshold', 'upnDomain']);
    expect(issues.find((i) => i.startsWith('(config)'))).toContain('colour');
  });

  it("when the secret setting a tenant names is unset or too short, then the issue names the setting and never the value", async () => {
    expect(issuesOf(await registry.lookup('no-secret'))).toEqual(['hrWebhookSecretSetting: app setting HR_SECRET_NO_SECRET is not set']);
    expect(issuesOf(await registry.lookup('tailspin'))).toEqual(['hrWebhookSecretSetting: app setting HR_SECRET_TAILSPIN must be at least 32 characters']);
  });

  it('when two files claim one key, then both are invalid, each naming the other', async () => {
    const dups = (await registry.list()).filter((s) => s.key === 'dup');
    expect(dups).toHaveLength(2);
    const byOrigin = Object.fromEntries(dups.map((d) => [path.basename(d.state === 'invalid' ? d.origin : ''), issuesOf(d)]));
    expect(byOrigin['dup.json']).toEqual([`key: is also configured in ${path.join(folder, 'dup-copy.json')}`]);
    expect(byOrigin['dup-copy.json']).toEqual(expect.arrayContaining([`key: is also configured in ${path.join(folder, 'dup.json')}`, expect.stringMatching(/^key: must equal the name/)]));
    expect((await registry.lookup('dup'))?.state).toBe('invalid');
  });

  it('when a file name is not its key, then that tenant is invalid', async () => {
    expect(issuesOf(await registry.lookup('northwind'))).toEqual([expect.stringMatching(/^key: must equal the name the entry is stored under/)]);
  });

  it("when a customer file claims the home tenant's key, then it is listed as invalid and the home tenant is untouched", async () => {
    const claims = (await registry.list()).filter((s) => s.key === HOME_TENANT);
    expect(claims.map((c) => c.state)).toEqual(['ready', 'invalid']);
    expect((await registry.lookup(HOME_TENANT))?.state).toBe('ready');
  });

  it('when files are not *.json or sit in a subfolder, then they are not tenants', async () => {
    expect(await registry.lookup('woodgrove')).toBeUndefined();
    expect(await registry.lookup('notes')).toBeUndefined();
  });

  it('when anything is listed, logged or serialised, then no secret or configured value appears in it', async () => {
    const states = await registry.list();
    const text = JSON.stringify(states) + inspect(states, { depth: 10 });
    for (const value of [FABRIKAM_SECRET, SHORT_SECRET, HOME_SECRET, 'leaky-VALUE', 'not-a-guid-VALUE']) expect(text).not.toContain(value);
  });
});

describe('the tenant registry checks that depend on where it runs', () => {
  const simulated = { ...sampleConfig(), graphBaseUrl: 'http://127.0.0.1:7072' };

  it('when a tenant names a Graph simulator and the app runs in Azure, then that tenant is invalid', async () => {
    const folder = await tenantFolder({ 'fabrikam.json': simulated });
    const registry = new TenantRegistry({ settings: azureSettings(), source: new FolderTenantSource(folder), env, homePolicy });
    expect(issuesOf(await registry.lookup('fabrikam'))).toEqual(['graphBaseUrl: is only for a local Graph simulator and is refused in Azure']);
    expect((await registry.lookup(HOME_TENANT))?.state).toBe('ready');
  });

  it('when the same tenant runs locally, then it is ready and talks to its simulator', async () => {
    const folder = await tenantFolder({ 'fabrikam.json': simulated });
    const registry = new TenantRegistry({ settings: localSettings(), source: new FolderTenantSource(folder), env, homePolicy });
    const state = await registry.lookup('fabrikam');
    expect(state?.state === 'ready' && state.tenant.settings.GRAPH_BASE_URL).toBe('http://127.0.0.1:7072');
  });

  it('when a tenant asks for more writes per second than the app allows, then it gets the app ceiling', async () => {
    const folder = await tenantFolder({ 'fabrikam.json': { ...sampleConfig(), graphWritesPerSecond: 20 } });
    const registry = new TenantRegistry({ settings: localSettings({ GRAPH_WRITES_PER_SECOND: '12' }), source: new FolderTenantSource(folder), env, homePolicy });
    const state = await registry.lookup('fabrikam');
    expect(state?.state === 'ready' && state.tenant.settings.GRAPH_WRITES_PER_SECOND).toBe(12);
  });

  it('when the home rules file is bad, then the home tenant is invalid with the reason and customers are still ready', async () => {
    const folder = await tenantFolder({ 'fabrikam.json': sampleConfig() });
    const badRules = () => {
      throw new Error('rules file config/rules.json is not valid: groupRules.0.groups: Too small');
    };
    const registry = new TenantRegistry({ settings: localSettings(), source: new FolderTenantSource(folder), env, homePolicy: badRules });
    expect(await registry.lookup(HOME_TENANT)).toEqual({ key: HOME_TENANT, state: 'invalid', origin: 'app settings', issues: ['rules file config/rules.json is not valid: groupRules.0.groups: Too small'] });
    expect((await registry.lookup('fabrikam'))?.state).toBe('ready');
  });
});

describe('createTenantRegistry', () => {
  it('when TENANTS_SOURCE is none, then only the home tenant exists', async () => {
    const registry = createTenantRegistry(localSettings(), env, homePolicy);
    expect((await registry.list()).map((s) => `${s.key}:${s.state}`)).toEqual(['default:ready']);
  });

  it('when TENANTS_SOURCE is folder, then the tenants of TENANTS_DIR are served — the committed sample among them', async () => {
    const registry = createTenantRegistry(localSettings({ TENANTS_SOURCE: 'folder', TENANTS_DIR: SAMPLE_FOLDER }), env, homePolicy);
    expect((await registry.list()).map((s) => `${s.key}:${s.state}`)).toEqual(['default:ready', 'fabrikam:ready']);
  });
});
