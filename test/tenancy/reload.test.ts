import { rename, rm } from 'node:fs/promises';
import { HOME_TENANT } from '../../shared/tenancy/tenant';
import { TenantRegistry, TenantSourceError, type TenantState } from '../../shared/tenancy/tenant-registry';
import { FolderTenantSource, type TenantSource, type TenantSourceEntry } from '../../shared/tenancy/tenant-source';
import { fakeClock, FABRIKAM_SECRET, homePolicy, localSettings, sampleConfig, tenantConfig, tenantFolder, writeTenantFiles } from './fixtures';

/** The real folder source, counting its reads. */
class CountingSource implements TenantSource {
  reads = 0;
  constructor(private readonly inner: TenantSource) {}
  get description(): string {
    return this.inner.description;
  }
  read(): Promise<TenantSourceEntry[]> {
    this.reads++;
    return this.inner.read();
  }
}

function displayNameOf(state: TenantState | undefined): string | undefined {
  return state && state.state !== 'invalid' ? state.displayName : undefined;
}

function revisionOf(state: TenantState | undefined): string {
  if (state?.state !== 'ready') throw new Error(`expected a ready tenant, got ${state ? state.state : 'none'}`);
  return state.tenant.revision;
}

async function setUp(files: Record<string, unknown> = { 'fabrikam.json': sampleConfig() }) {
  const folder = await tenantFolder(files);
  const clock = fakeClock();
  const source = new CountingSource(new FolderTenantSource(folder));
  const env: NodeJS.ProcessEnv = { HR_SECRET_FABRIKAM: FABRIKAM_SECRET, HR_SECRET_TAILSPIN: FABRIKAM_SECRET };
  const registry = new TenantRegistry({ settings: localSettings({ TENANTS_RELOAD_SECONDS: '60' }), source, env, homePolicy, now: clock.now });
  return { folder, clock, source, env, registry };
}

describe('reloading tenant configuration', () => {
  it('when a file is edited, then the change is served once TENANTS_RELOAD_SECONDS have passed, not before', async () => {
    const { folder, clock, registry } = await setUp();
    expect(displayNameOf(await registry.lookup('fabrikam'))).toBe('Fabrikam, Inc.');
    await writeTenantFiles(folder, { 'fabrikam.json': { ...sampleConfig(), displayName: 'Fabrikam Group' } });
    clock.advance(59);
    expect(displayNameOf(await registry.lookup('fabrikam'))).toBe('Fabrikam, Inc.');
    clock.advance(1);
    expect(displayNameOf(await registry.lookup('fabrikam'))).toBe('Fabrikam Group');
  });

  it('when an operator reloads, then edits, new and removed files are served at once', async () => {
    const { folder, registry } = await setUp({ 'fabrikam.json': sampleConfig(), 'contoso.json': tenantConfig('contoso', { enabled: false }) });
    await registry.list();
    await writeTenantFiles(folder, { 'fabrikam.json': { ...sampleConfig(), enabled: false }, 'tailspin.json': tenantConfig('tailspin') });
    await rm(`${folder}/contoso.json`);
    const states = await registry.reload();
    expect(states.map((s) => `${s.key}:${s.state}`)).toEqual(['default:ready', 'fabrikam:disabled', 'tailspin:ready']);
    expect((await registry.lookup('contoso'))).toBeUndefined();
  });

  it('when many lookups arrive while the source is read, then they share one read', async () => {
    const { clock, source, registry } = await setUp();
    await Promise.all(Array.from({ length: 20 }, () => registry.lookup('fabrikam')));
    expect(source.reads).toBe(1);
    clock.advance(60);
    await Promise.all([registry.list(), registry.lookup('fabrikam'), registry.lookup(HOME_TENANT)]);
    expect(source.reads).toBe(2);
  });

  it('when nothing changed, then the revision stays — even with the fields reordered', async () => {
    const { folder, registry } = await setUp();
    const before = revisionOf(await registry.lookup('fabrikam'));
    const sample = sampleConfig();
    const prices = Object.fromEntries(Object.entries(sample.licencePrices as Record<string, number>).reverse());
    const reordered = Object.fromEntries(Object.entries({ ...sample, licencePrices: prices }).reverse());
    await writeTenantFiles(folder, { 'fabrikam.json': reordered });
    await registry.reload();
    expect(revisionOf(await registry.lookup('fabrikam'))).toBe(before);
  });

  it('when the config or the secret changes, then the revision changes, and a change back restores it', async () => {
    const { folder, env, registry } = await setUp();
    const original = revisionOf(await registry.lookup('fabrikam'));

    await writeTenantFiles(folder, { 'fabrikam.json': { ...sampleConfig(), upnDomain: 'fabrikam.co.uk' } });
    await registry.reload();
    const edited = revisionOf(await registry.lookup('fabrikam'));
    expect(edited).not.toBe(original);

    await writeTenantFiles(folder, { 'fabrikam.json': sampleConfig() });
    env.HR_SECRET_FABRIKAM = `${FABRIKAM_SECRET}-rotated`;
    await registry.reload();
    const rotated = revisionOf(await registry.lookup('fabrikam'));
    expect(rotated).not.toBe(original);
    expect(rotated).not.toBe(edited);

    env.HR_SECRET_FABRIKAM = FABRIKAM_SECRET;
    await registry.reload();
    expect(revisionOf(await registry.lookup('fabrikam'))).toBe(original);
  });

  it('when the source cannot be read, then the last good list is served, the error is noted, and it clears once the source is back', async () => {
    const { folder, clock, source, registry } = await setUp();
    await registry.list();
    await rename(folder, `${folder}-away`);

    clock.advance(60);
    expect(displayNameOf(await registry.lookup('fabrikam'))).toBe('Fabrikam, Inc.');
    expect(registry.sourceError).toBe(`folder ${folder} could not be read: folder ${folder} does not exist`);
    await expect(registry.reload()).rejects.toThrow(`folder ${folder} does not exist`);
    expect(displayNameOf(await registry.lookup('fabrikam'))).toBe('Fabrikam, Inc.');

    // While the source is down it is tried once per period, not on every lookup.
    const reads = source.reads;
    await registry.lookup('fabrikam');
    expect(source.reads).toBe(reads);

    await rename(`${folder}-away`, folder);
    clock.advance(60);
    expect(displayNameOf(await registry.lookup('fabrikam'))).toBe('Fabrikam, Inc.');
    expect(registry.sourceError).toBeUndefined();
  });

  it('when the source has never been read, then customer lookups fail naming the source, and the home tenant is still served', async () => {
    const { folder, registry } = await setUp();
    await rm(folder, { recursive: true });
    await expect(registry.lookup('fabrikam')).rejects.toThrow(TenantSourceError);
    await expect(registry.list()).rejects.toThrow(`No tenant list yet: folder ${folder} could not be read: folder ${folder} does not exist`);
    expect((await registry.lookup(HOME_TENANT))?.state).toBe('ready');
  });

  it('when one file breaks on reload, then only that tenant becomes invalid', async () => {
    const { folder, registry } = await setUp({ 'fabrikam.json': sampleConfig(), 'tailspin.json': tenantConfig('tailspin') });
    await writeTenantFiles(folder, { 'tailspin.json': '{ "key": "tailspin",' });
    const states = await registry.reload();
    expect(states.map((s) => `${s.key}:${s.state}`)).toEqual(['default:ready', 'fabrikam:ready', 'tailspin:invalid']);
  });
});
