import path from 'node:path';
import { FolderTenantSource } from '../../shared/tenancy/tenant-source';
import { TenantRegistry } from '../../shared/tenancy/tenant-registry';
import { FABRIKAM_SECRET, homePolicy, localSettings, tenantConfig, tenantFolder } from '../tenancy/fixtures';

const SAMPLE_MAPPING = path.resolve(__dirname, '../../config/mapping.sample.json');

describe('mappings per tenant', () => {
  const env = { HR_SECRET_FABRIKAM: FABRIKAM_SECRET, HR_SECRET_NORTHWIND: FABRIKAM_SECRET, HR_SECRET_CONTOSO: FABRIKAM_SECRET };

  it("when a tenant names a mapping file or holds one inline, then its intake uses it; a tenant with none uses the defaults", async () => {
    const folder = await tenantFolder({
      'fabrikam.json': tenantConfig('fabrikam', { mapping: SAMPLE_MAPPING }),
      'northwind.json': tenantConfig('northwind', { mapping: { sources: { 'hr-csv': { type: '"joiner"', attributes: { employeeId: '[Id]' } } } } }),
      'contoso.json': tenantConfig('contoso'),
    });
    const registry = new TenantRegistry({ settings: localSettings(), source: new FolderTenantSource(folder), env, homePolicy });
    const ready = async (key: string) => {
      const state = await registry.lookup(key);
      if (state?.state !== 'ready') throw new Error(`${key} is ${state?.state}: ${JSON.stringify(state)}`);
      return state.tenant;
    };
    expect(Object.keys((await ready('fabrikam')).mapping!.sources).sort()).toEqual(['hr-csv', 'hr-json', 'hr-scim']);
    expect((await ready('northwind')).mapping!.sources['hr-csv']!.attributes.get('employeeId')!.text).toBe('[Id]');
    expect((await ready('contoso')).mapping).toBeUndefined();
  });

  it("when a tenant's mapping is wrong, then that tenant is invalid naming the source, the attribute and the problem, and the others are not", async () => {
    const folder = await tenantFolder({
      'fabrikam.json': tenantConfig('fabrikam', { mapping: { sources: { 'hr-csv': { type: '"joiner"', attributes: { employeeId: 'Lefty([Id])' } } } } }),
      'contoso.json': tenantConfig('contoso'),
    });
    const registry = new TenantRegistry({ settings: localSettings(), source: new FolderTenantSource(folder), env, homePolicy });
    const state = await registry.lookup('fabrikam');
    expect(state).toMatchObject({ state: 'invalid', issues: [expect.stringContaining('hr-csv employeeId: unknown function Lefty')] });
    expect((await registry.lookup('contoso'))?.state).toBe('ready');
  });

  it('when MAPPING_FILE is wrong, then the home tenant is invalid naming it; when it is right, the home tenant uses it', async () => {
    const broken = new TenantRegistry({ settings: localSettings({ MAPPING_FILE: path.join(__dirname, 'no-such-mapping.json') }), env, homePolicy });
    expect(await broken.lookup('default')).toMatchObject({ state: 'invalid', issues: [expect.stringContaining('does not exist')] });
    const good = new TenantRegistry({ settings: localSettings({ MAPPING_FILE: SAMPLE_MAPPING }), env, homePolicy });
    const state = await good.lookup('default');
    expect(state?.state === 'ready' && state.tenant.mapping?.origin).toBe(SAMPLE_MAPPING);
  });
});
