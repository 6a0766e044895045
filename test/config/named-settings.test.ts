import { readNamedSetting } from '../../shared/config/settings';
import { FolderTenantSource } from '../../shared/tenancy/tenant-source';
import { TenantRegistry } from '../../shared/tenancy/tenant-registry';
import { FABRIKAM_SECRET, homePolicy, localSettings, tenantConfig, tenantFolder } from '../tenancy/fixtures';

const STEP_SECRET = 'step-secret-0123456789abcdef-0123456789';

describe('app settings that configuration names', () => {
  const env = { STEP_SECRET, SHORT_SECRET: 'short', HR_WEBHOOK_SECRET: 'x'.repeat(40) };

  it("when configuration names an app setting, then its value is read — but never one of the app's own settings, a short secret or a missing one, and the problem names the setting, not the value", () => {
    expect(readNamedSetting(env, 'STEP_SECRET', { minLength: 32 })).toEqual({ ok: true, value: STEP_SECRET });
    expect(readNamedSetting(env, 'HR_WEBHOOK_SECRET')).toEqual({ ok: false, problem: "app setting HR_WEBHOOK_SECRET is one of the app's own settings; name a setting of its own" });
    expect(readNamedSetting(env, 'SHORT_SECRET', { minLength: 32 })).toEqual({ ok: false, problem: 'app setting SHORT_SECRET must be at least 32 characters' });
    expect(readNamedSetting(env, 'MISSING')).toEqual({ ok: false, problem: 'app setting MISSING is not set' });
    expect(readNamedSetting(env, 'not a name')).toEqual({ ok: false, problem: 'not a name is not an app setting name' });
  });

  it('when a tenant is ready, then the settings its rules name are read from the environment its HR secret comes from, and listing the tenant shows no way to them', async () => {
    const folder = await tenantFolder({ 'fabrikam.json': tenantConfig('fabrikam') });
    const tenantEnv = { HR_SECRET_FABRIKAM: FABRIKAM_SECRET, FABRIKAM_STEP_SECRET: STEP_SECRET };
    const registry = new TenantRegistry({ settings: localSettings(), source: new FolderTenantSource(folder), env: tenantEnv, homePolicy });
    const [home, fabrikam] = await registry.list();
    if (fabrikam?.state !== 'ready' || home?.state !== 'ready') throw new Error('both tenants should be ready');
    expect(fabrikam.tenant.namedSetting?.('FABRIKAM_STEP_SECRET', { minLength: 32 })).toEqual({ ok: true, value: STEP_SECRET });
    expect(home.tenant.namedSetting?.('FABRIKAM_STEP_SECRET')).toEqual({ ok: true, value: STEP_SECRET });
    expect(Object.keys(fabrikam.tenant)).not.toContain('namedSetting');
    expect(JSON.stringify(fabrikam.tenant)).not.toContain(STEP_SECRET);
  });
});
