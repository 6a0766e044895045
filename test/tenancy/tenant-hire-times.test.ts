import { hireStart } from '../../shared/processing/pre-hire/start-time';
import { TenantRegistry, type TenantState } from '../../shared/tenancy/tenant-registry';
import { FolderTenantSource } from '../../shared/tenancy/tenant-source';
import { FABRIKAM_SECRET, homePolicy, localSettings, tenantConfig, tenantFolder } from './fixtures';

/**
 * A customer's future-dated hires start in its own time zone: its tenant file may set timeZone,
 * hireStartHour and preHireDays over the app's TENANT_TIME_ZONE, HIRE_START_HOUR and PRE_HIRE_DAYS.
 */
const env = { HR_SECRET_AUCKLAND: FABRIKAM_SECRET, HR_SECRET_PLAIN: FABRIKAM_SECRET, HR_SECRET_MARS: FABRIKAM_SECRET };

async function registryOf(files: Record<string, unknown>, settings = localSettings({ TENANT_TIME_ZONE: 'Europe/London', HIRE_START_HOUR: '8' })): Promise<TenantRegistry> {
  return new TenantRegistry({ settings, source: new FolderTenantSource(await tenantFolder(files)), env, homePolicy });
}

function ready(state: TenantState | undefined) {
  if (state?.state !== 'ready') throw new Error(`expected a ready tenant, got ${state?.state ?? 'none'}`);
  return state.tenant;
}

describe("a customer tenant's hire times", () => {
  it('when its file sets timeZone, hireStartHour and preHireDays, then its hires start there and then, and another customer keeps the app settings', async () => {
    const registry = await registryOf({
      'auckland.json': tenantConfig('auckland', { timeZone: 'Pacific/Auckland', hireStartHour: 9, preHireDays: 3 }),
      'plain.json': tenantConfig('plain'),
    });
    const auckland = ready(await registry.lookup('auckland'));
    const plain = ready(await registry.lookup('plain'));
    expect({ zone: auckland.settings.TENANT_TIME_ZONE, hour: auckland.settings.HIRE_START_HOUR, days: auckland.settings.PRE_HIRE_DAYS }).toEqual({ zone: 'Pacific/Auckland', hour: 9, days: 3 });
    expect({ zone: plain.settings.TENANT_TIME_ZONE, hour: plain.settings.HIRE_START_HOUR, days: plain.settings.PRE_HIRE_DAYS }).toEqual({ zone: 'Europe/London', hour: 8, days: 7 });

    const joiner = { employee: { employeeId: 'E1', hireDate: '2027-01-20' } };
    expect(hireStart(joiner, auckland.settings)?.startAt.toISOString()).toBe('2027-01-19T20:00:00.000Z');
    expect(hireStart(joiner, auckland.settings)?.preHireAt.toISOString()).toBe('2027-01-16T20:00:00.000Z');
    expect(hireStart(joiner, plain.settings)?.startAt.toISOString()).toBe('2027-01-20T08:00:00.000Z');
  });

  it('when its time zone is not an IANA zone or its hour or days are out of range, then the tenant is invalid naming each field', async () => {
    const registry = await registryOf({ 'mars.json': tenantConfig('mars', { timeZone: 'Mars/Olympus', hireStartHour: 24, preHireDays: -1 }) });
    const state = await registry.lookup('mars');
    if (state?.state !== 'invalid') throw new Error(`expected an invalid tenant, got ${state?.state ?? 'none'}`);
    expect(state.issues.map((i) => i.split(':')[0]).sort()).toEqual(['hireStartHour', 'preHireDays', 'timeZone']);
  });
});
