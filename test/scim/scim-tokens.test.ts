import { inspect } from 'node:util';
import { createTenantRegistry, type TenantState } from '../../shared/tenancy/tenant-registry';
import { FABRIKAM_SECRET, homePolicy, localSettings, tenantConfig, tenantFolder } from '../tenancy/fixtures';

/** Distinctive values, so a spec can prove none of them reaches an issue, a listing or a log. */
const HOME_SCIM_TOKEN = 'home-scim-token-VALUE-0123456789abcdef';
const FABRIKAM_SCIM_TOKEN = 'fabrikam-scim-token-VALUE-0123456789abc';
const SHORT_TOKEN = 'short-scim-VALUE';

function issuesOf(state: TenantState | undefined): string[] {
  if (state?.state !== 'invalid') throw new Error(`expected an invalid tenant, got ${state ? state.state : 'none'}`);
  return state.issues;
}

function readyOf(state: TenantState | undefined) {
  if (state?.state !== 'ready') throw new Error(`expected a ready tenant, got ${state ? state.state : 'none'}`);
  return state.tenant;
}

describe('SCIM bearer tokens per tenant', () => {
  async function registryWith(files: Record<string, unknown>, env: Record<string, string>, home: Record<string, string> = {}) {
    const folder = await tenantFolder(files);
    return createTenantRegistry(localSettings({ TENANTS_SOURCE: 'folder', TENANTS_DIR: folder, ...home }), { HR_SECRET_FABRIKAM: FABRIKAM_SECRET, ...env }, homePolicy);
  }

  it('when SCIM_BEARER_TOKEN is set, then the home tenant holds it as a secret that prints as redacted', async () => {
    const registry = await registryWith({}, {}, { SCIM_BEARER_TOKEN: HOME_SCIM_TOKEN });
    const home = readyOf(await registry.lookup('default'));
    expect(home.scimBearerToken?.reveal()).toBe(HOME_SCIM_TOKEN);
    expect(`${inspect(home)} ${JSON.stringify(home)}`).not.toContain(HOME_SCIM_TOKEN);
  });

  it('when SCIM_BEARER_TOKEN is not set, then the home tenant has no SCIM token', async () => {
    const registry = await registryWith({}, {});
    expect(readyOf(await registry.lookup('default')).scimBearerToken).toBeUndefined();
  });

  it("when a tenant file names its SCIM token's setting, then that tenant holds that value, and never the home tenant's through its settings", async () => {
    const registry = await registryWith({ 'fabrikam.json': tenantConfig('fabrikam', { hrWebhookSecretSetting: 'HR_SECRET_FABRIKAM', scimBearerTokenSetting: 'SCIM_TOKEN_FABRIKAM' }) }, { SCIM_TOKEN_FABRIKAM: FABRIKAM_SCIM_TOKEN }, { SCIM_BEARER_TOKEN: HOME_SCIM_TOKEN });
    const fabrikam = readyOf(await registry.lookup('fabrikam'));
    expect(fabrikam.scimBearerToken?.reveal()).toBe(FABRIKAM_SCIM_TOKEN);
    expect(fabrikam.settings.SCIM_BEARER_TOKEN).toBe(FABRIKAM_SCIM_TOKEN);
  });

  it("when a tenant names no SCIM token setting, then it has no SCIM endpoint, and its settings do not carry the home tenant's token", async () => {
    const registry = await registryWith({ 'fabrikam.json': tenantConfig('fabrikam', { hrWebhookSecretSetting: 'HR_SECRET_FABRIKAM' }) }, {}, { SCIM_BEARER_TOKEN: HOME_SCIM_TOKEN });
    const fabrikam = readyOf(await registry.lookup('fabrikam'));
    expect(fabrikam.scimBearerToken).toBeUndefined();
    expect(fabrikam.settings.SCIM_BEARER_TOKEN).toBeUndefined();
  });

  it.each([
    ['is not set', 'SCIM_TOKEN_MISSING', {}, /scimBearerTokenSetting: app setting SCIM_TOKEN_MISSING is not set/],
    ['is too short', 'SCIM_TOKEN_SHORT', { SCIM_TOKEN_SHORT: SHORT_TOKEN }, /scimBearerTokenSetting: app setting SCIM_TOKEN_SHORT must be at least 32 characters/],
    ["is one of the app's own settings", 'SCIM_BEARER_TOKEN', {}, /scimBearerTokenSetting: app setting SCIM_BEARER_TOKEN is one of the app's own settings/],
    ["is the tenant's HR secret", 'HR_SECRET_FABRIKAM', {}, /scimBearerTokenSetting: must name a setting of its own/],
  ])('when the named SCIM token setting %s, then the tenant is invalid, naming the setting and never a value', async (_case, setting, env, message) => {
    const registry = await registryWith({ 'fabrikam.json': tenantConfig('fabrikam', { hrWebhookSecretSetting: 'HR_SECRET_FABRIKAM', scimBearerTokenSetting: setting }) }, env as Record<string, string>, { SCIM_BEARER_TOKEN: HOME_SCIM_TOKEN });
    const issues = issuesOf(await registry.lookup('fabrikam'));
    expect(issues.join('\n')).toMatch(message);
    expect(issues.join('\n')).not.toMatch(/VALUE/);
  });

  it('when the home SCIM token is shorter than 32 characters, then the settings are refused naming SCIM_BEARER_TOKEN, not its value', () => {
    expect(() => localSettings({ SCIM_BEARER_TOKEN: SHORT_TOKEN })).toThrow(/SCIM_BEARER_TOKEN: must be at least 32 characters/);
    expect(() => localSettings({ SCIM_BEARER_TOKEN: SHORT_TOKEN })).not.toThrow(/VALUE/);
  });
});
