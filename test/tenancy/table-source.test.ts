import { TableClient } from '@azure/data-tables';
import { createTableClient } from '../../shared/ledger/table-ledger';
import { HOME_TENANT } from '../../shared/tenancy/tenant';
import { createTenantRegistry, TenantRegistry, type TenantState } from '../../shared/tenancy/tenant-registry';
import { TableTenantSource, TENANT_PARTITION } from '../../shared/tenancy/tenant-source';
import { FABRIKAM_SECRET, homePolicy, localSettings, sampleConfig, tenantConfig } from './fixtures';

const env = { HR_SECRET_FABRIKAM: FABRIKAM_SECRET, HR_SECRET_TAILSPIN: FABRIKAM_SECRET };
let tables = 0;

/** Each test its own table, so tests never see each other's rows. */
function tableSettings() {
  const name = `tenants${process.pid}x${Date.now()}x${++tables}`;
  return localSettings({ AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION_STRING ?? '', TENANTS_SOURCE: 'table', TENANTS_TABLE_NAME: name });
}

async function putRow(table: TableClient, rowKey: string, configJson: unknown, partitionKey = TENANT_PARTITION): Promise<void> {
  await table.upsertEntity({ partitionKey, rowKey, ...(configJson === undefined ? {} : { configJson: typeof configJson === 'string' ? configJson : JSON.stringify(configJson) }) }, 'Replace');
}

function summary(states: TenantState[]): string[] {
  return states.map((s) => `${s.key}:${s.state}${s.state === 'invalid' ? ` ${s.origin} ${s.issues.join(' | ')}` : ''}`);
}

describe('tenants configured in Table Storage (Azurite)', () => {
  it('when the table does not exist yet, then there are no customer tenants and no error', async () => {
    const registry = createTenantRegistry(tableSettings(), env, homePolicy);
    expect(summary(await registry.list())).toEqual(['default:ready']);
    expect(registry.sourceError).toBeUndefined();
  });

  it('when rows hold good, disabled and broken configs, then each row gets its own state and other partitions are ignored', async () => {
    const settings = tableSettings();
    const table = createTableClient(settings, settings.TENANTS_TABLE_NAME);
    await table.createTable();
    await putRow(table, 'fabrikam', sampleConfig());
    await putRow(table, 'contoso', tenantConfig('contoso', { enabled: false }));
    await putRow(table, 'tailspin', '{"key": "tailspin"');
    await putRow(table, 'northwind', tenantConfig('woodgrove'));
    await putRow(table, 'litware', undefined);
    await putRow(table, 'adatum', tenantConfig('adatum'), 'archive');

    const registry = createTenantRegistry(settings, env, homePolicy);
    expect(summary(await registry.list())).toEqual([
      'default:ready',
      'contoso:disabled',
      'fabrikam:ready',
      'litware:invalid table:litware (config): has no configJson column (a string of JSON)',
      'tailspin:invalid table:tailspin (config): is not valid JSON (line 1, column 19)',
      'woodgrove:invalid table:northwind key: must equal the name the entry is stored under (the file name without .json, or the row key) | hrWebhookSecretSetting: app setting HR_SECRET_WOODGROVE is not set',
    ]);
    const fabrikam = await registry.lookup('fabrikam');
    expect(fabrikam?.state === 'ready' && fabrikam.tenant.settings.UPN_DOMAIN).toBe('fabrikam.com');
  });

  it('when a row is edited, then reload serves it with a new revision', async () => {
    const settings = tableSettings();
    const table = createTableClient(settings, settings.TENANTS_TABLE_NAME);
    await table.createTable();
    await putRow(table, 'fabrikam', sampleConfig());
    const registry = createTenantRegistry(settings, env, homePolicy);
    const before = await registry.lookup('fabrikam');

    await putRow(table, 'fabrikam', { ...sampleConfig(), upnDomain: 'fabrikam.de' });
    await registry.reload();
    const after = await registry.lookup('fabrikam');
    if (before?.state !== 'ready' || after?.state !== 'ready') throw new Error('fabrikam should be ready');
    expect(after.tenant.settings.UPN_DOMAIN).toBe('fabrikam.de');
    expect(after.tenant.revision).not.toBe(before.tenant.revision);
  });

  it('when the storage cannot be reached before any list was read, then lookups fail naming the table', async () => {
    // Azurite's own account, on a port nothing listens on.
    const connectionString = (process.env.TEST_STORAGE_CONNECTION_STRING ?? '').replace(/TableEndpoint=http:\/\/127\.0\.0\.1:\d+/, 'TableEndpoint=http://127.0.0.1:9');
    const unreachable = TableClient.fromConnectionString(
      connectionString,
      'unreachableTenants',
      { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } },
    );
    const registry = new TenantRegistry({ settings: localSettings(), source: new TableTenantSource(unreachable), env, homePolicy });
    await expect(registry.lookup('fabrikam')).rejects.toThrow(/^No tenant list yet: table unreachableTenants could not be read: /);
    expect((await registry.lookup(HOME_TENANT))?.state).toBe('ready');
  });
});
