import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import type { RunningReportServer } from '../../dev/report-server';
import { startSimulator } from '../graph-simulator/harness';
import { startTestHost, type TestHost } from '../support/test-host';
import { OAUTH, startTestReportServer } from './support';

/**
 * A customer tenant's report, configured in its tenant file: CSV with columns of its own (its
 * mapping names them), fetched with OAuth through app settings the file names, polled by the timer
 * (`hr-report-poll`) for every tenant — and its leavers still pass the tenant's mass-leaver guard.
 */
let server: RunningReportServer;
let fabrikam: RunningGraphSimulator;
let host: TestHost;
let dir: string;

const staff = (id: string, name: string, extra: Record<string, string> = {}) => ({ Worker_ID: id, Active: '1', Legal_First: name, Legal_Last: `Fab${id}`, Cost_Center: 'Finance', ISO_Country: 'GB', ...extra });
const usersOf = (employeeId: string) => (fabrikam.snapshot().users as { employeeId?: string; accountEnabled?: boolean; department?: string; userPrincipalName: string }[]).filter((u) => u.employeeId === employeeId);

beforeAll(async () => {
  [server, fabrikam] = await Promise.all([startTestReportServer({ tenant: 'fabrikam_wd' }), startSimulator()]);
  fabrikam.state.verifiedDomains.push('fabrikam.example');
  server.setReport('Staff', [staff('F201', 'Ann'), staff('F202', 'Bo'), staff('F203', 'Cy'), staff('F204', 'Di')]);
  dir = mkdtempSync(path.join(tmpdir(), 'tenants-'));
  const config = {
    key: 'fabrikam',
    displayName: 'Fabrikam Ltd',
    directoryTenantId: '00000000-0000-4000-8000-000000000008',
    hrWebhookSecretSetting: 'HR_SECRET_FABRIKAM',
    upnDomain: 'fabrikam.example',
    graphBaseUrl: fabrikam.url,
    rules: { groupRules: [{ groups: ['SG-All-Staff'] }], licenceRules: [{ licences: [{ sku: 'SPE_E3' }] }], massLeaver: { threshold: 2, windowMinutes: 60 } },
    mapping: {
      sources: {
        'hr-report': {
          type: 'IIF([Active] = "1", "joiner", "leaver")',
          attributes: { employeeId: '[Worker_ID]', givenName: '[Legal_First]', surname: '[Legal_Last]', department: '[Cost_Center]', country: '[ISO_Country]', usageLocation: '[ISO_Country]' },
        },
      },
    },
    hrReport: {
      url: server.reportUrl('Staff', 'csv'),
      format: 'csv',
      auth: { type: 'oauth', tokenUrl: server.tokenUrl, clientIdSetting: 'FABRIKAM_WD_CLIENT_ID', clientSecretSetting: 'FABRIKAM_WD_CLIENT_SECRET', refreshTokenSetting: 'FABRIKAM_WD_REFRESH_TOKEN' },
      // The mass-leaver guard is what this tenant relies on here, not the shrink guard.
      shrinkGuard: { maxGonePercent: 100, maxGoneWorkers: 100 },
    },
  };
  writeFileSync(path.join(dir, 'fabrikam.json'), JSON.stringify(config));
  host = await startTestHost({
    env: {
      TENANTS_SOURCE: 'folder',
      TENANTS_DIR: dir,
      HR_SECRET_FABRIKAM: 'fabrikam-hr-secret-0123456789abcdef-x',
      FABRIKAM_WD_CLIENT_ID: OAUTH.clientId,
      FABRIKAM_WD_CLIENT_SECRET: OAUTH.clientSecret,
      FABRIKAM_WD_REFRESH_TOKEN: OAUTH.refreshToken,
    },
  });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await Promise.all([server?.close(), fabrikam?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function status(tenant: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${host.url}/api/manage/hr-reports?tenant=${tenant}`)).json()) as Record<string, unknown>;
}
async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a customer tenant's polled report", () => {
  it('when the timer runs, then the customer report is read through its own mapping over OAuth, and its workers get accounts in its own tenant only', async () => {
    expect(await host.runFunction('hr-report-poll')).toBe(true);
    expect(await status('fabrikam')).toMatchObject({ configured: true, format: 'csv', auth: 'oauth', lastRun: { outcome: 'accepted', rows: 4, emitted: { joiner: 4 } } });
    await eventually(() => (['F201', 'F202', 'F203', 'F204'].every((id) => usersOf(id).length === 1) ? true : undefined));
    expect(usersOf('F201')[0]).toMatchObject({ userPrincipalName: 'ann.fabf201@fabrikam.example', department: 'Finance' });
    expect(host.simulator!.snapshot().users.filter((u) => String(u.employeeId).startsWith('F20'))).toEqual([]);
    expect(server.requests().every((r) => r.auth === 'bearer')).toBe(true);
    expect(await status('default')).toMatchObject({ configured: false, lastRun: null });
  });

  it("when three workers leave at once, then the leavers are emitted and the tenant's mass-leaver guard holds those over its threshold", async () => {
    server.setReport('Staff', [staff('F201', 'Ann'), staff('F202', 'Bo', { Active: '0' })]);
    expect(await host.runFunction('hr-report-poll')).toBe(true);
    expect(await status('fabrikam')).toMatchObject({ lastRun: { outcome: 'accepted', emitted: { leaver: 3 } } });
    const offboarded = await eventually(() => {
      const disabled = ['F202', 'F203', 'F204'].filter((id) => usersOf(id)[0]?.accountEnabled === false);
      return disabled.length >= 2 ? disabled : undefined;
    });
    expect(offboarded).toHaveLength(2);
    const deadLetters = await eventually(async () => {
      const listed = (await (await fetch(`${host.url}/api/manage/dead-letters?tenant=fabrikam`)).json()) as { deadLetters: { reason: string; employeeId?: string }[] };
      return listed.deadLetters.length > 0 ? listed.deadLetters : undefined;
    });
    expect(deadLetters).toEqual([expect.objectContaining({ reason: 'mass-leaver-guard: MassLeaverHold' })]);
    expect(usersOf(deadLetters[0]!.employeeId as string)[0]).toMatchObject({ accountEnabled: true });
  });

  it("when the tenant's report server fails, then the timer's run fails naming the tenant and the reason, and the next good run carries on", async () => {
    const logsBefore = host.logs.length;
    server.setFault('Staff', { status: 503, times: 1 });
    await host.runFunction('hr-report-poll');
    expect(host.logs.slice(logsBefore).join('\n')).toMatch(/HR report poll failed for fabrikam \(fetch: the report server answered 503\)/);
    expect(await status('fabrikam')).toMatchObject({ lastRun: { outcome: 'failed' } });
    await host.runFunction('hr-report-poll');
    expect(await status('fabrikam')).toMatchObject({ lastRun: { outcome: 'unchanged' } });
    expect(host.logs.join('\n')).not.toContain(OAUTH.refreshToken);
  });
});
