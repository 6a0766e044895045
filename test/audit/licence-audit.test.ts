import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LicenceAuditReport } from '../../shared/audit/report';
import { startTestHost, type TestHost } from '../support/test-host';
import { seedAuditTenant } from './seeded-tenant';

let host: TestHost;
let receiver: Server;
const notices: string[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      notices.push((JSON.parse(body) as { text: string }).text);
      res.writeHead(200).end('1');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  host = await startTestHost({ env: { AUDIT_NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, AUDIT_CONTAINER_NAME: `audit-${Date.now()}` } });
  await seedAuditTenant(host);
}, 120_000);
afterAll(async () => {
  await host?.stop();
  await new Promise<void>((r) => receiver.close(() => r()));
});

async function runAudit(): Promise<LicenceAuditReport> {
  const run = await fetch(`${host.url}/api/licence-audit/run`, { method: 'POST' });
  expect(run.status).toBe(200);
  return (await (await fetch(`${host.url}/api/licence-audit/report.json`)).json()) as LicenceAuditReport;
}

const upnsOf = (report: LicenceAuditReport, reason: string) => report.waste.find((w) => w.reason === reason)!.sample.map((s) => s.userPrincipalName);
const driftOf = (report: LicenceAuditReport, kind: string) => report.drift.find((d) => d.kind === kind)!.sample;

describe('licence audit', () => {
  let report: LicenceAuditReport;
  beforeAll(async () => {
    report = await runAudit();
  });

  it('when a licensed account is disabled, past its leave date or dormant, then each is waste under its own reason with its monthly cost', () => {
    expect(upnsOf(report, 'disabled-account')).toEqual(['audit.disabled@contoso.com']);
    expect(upnsOf(report, 'past-leave-date')).toEqual(['audit.departed@contoso.com']);
    expect(upnsOf(report, 'inactive')).toEqual(['audit.dormant@contoso.com']);
    expect(report.waste.find((w) => w.reason === 'disabled-account')).toMatchObject({ userCount: 1, licenceCount: 1, monthlyCost: 36 });
  });

  it('when a user holds E5 and E3, then E3 is overlapping waste', () => {
    expect(report.waste.find((w) => w.reason === 'overlapping')?.sample).toEqual([
      expect.objectContaining({ userPrincipalName: 'audit.doubled@contoso.com', items: ['SPE_E3'] }),
    ]);
    expect(report.wasteMonthlyCost).toBe(36 * 4);
  });

  it('when licences or rule groups were changed by hand, then drift is reported both ways', () => {
    expect(driftOf(report, 'missing-group')).toEqual([expect.objectContaining({ userPrincipalName: 'audit.drifted@contoso.com', items: ['SG-Sales'] })]);
    expect(driftOf(report, 'extra-group')).toEqual([expect.objectContaining({ userPrincipalName: 'audit.drifted@contoso.com', items: ['SG-Engineering'] })]);
    expect(driftOf(report, 'missing-licence')).toEqual(expect.arrayContaining([expect.objectContaining({ userPrincipalName: 'audit.drifted@contoso.com', items: ['SPE_E3'] })]));
  });

  it('when a worker holds a rule-managed licence the rules do not give them, then it is extra-licence drift', () => {
    expect(driftOf(report, 'extra-licence')).toEqual([expect.objectContaining({ userPrincipalName: 'audit.contractor@contoso.com', items: ['SPE_E3'] })]);
  });

  it('when a worker the rules license holds no licence at all, then the second pass over unlicensed users still finds the drift', () => {
    // Marie Curie (seed, employeeId M001) has never been licensed.
    expect(driftOf(report, 'missing-licence')).toEqual(expect.arrayContaining([expect.objectContaining({ userPrincipalName: 'marie.curie@contoso.com', items: ['SPE_E3'] })]));
  });

  it('reports every SKU with friendly name, units and utilisation, and flags one with no free units as low stock', () => {
    const exchange = report.skus.find((s) => s.skuPartNumber === 'EXCHANGESTANDARD')!;
    expect(exchange).toMatchObject({ productName: 'Exchange Online (Plan 1)', available: 0, utilisationPercent: 100, lowStock: true });
    const e3 = report.skus.find((s) => s.skuPartNumber === 'SPE_E3')!;
    expect(e3.available).toBe(e3.enabled - e3.consumed);
    expect(e3.productName).toBe('Microsoft 365 E3');
    expect(report.skus.find((s) => s.skuPartNumber === 'SPE_E5')).toMatchObject({ skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06', productName: 'Microsoft 365 E5', suspended: 2, warning: 3 });
  });

  it('when a threshold is crossed, then the webhook gets counts and products, never user names', () => {
    expect(notices.length).toBeGreaterThanOrEqual(1);
    expect(notices[0]).toContain('Exchange Online (Plan 1)');
    expect(notices[0]).not.toMatch(/@contoso\.com/);
  });

  it('when the tenant has no Entra ID P1, then the report says inactive users were not checked and carries on', async () => {
    host.simulator!.setSignInActivityAvailable(false);
    try {
      const limited = await runAudit();
      expect(limited.signInActivity).toBe('unavailable');
      expect(limited.notes.join(' ')).toMatch(/Entra ID P1/);
      expect(limited.waste.find((w) => w.reason === 'inactive')?.userCount).toBe(0);
      expect(upnsOf(limited, 'disabled-account')).toEqual(['audit.disabled@contoso.com']);
    } finally {
      host.simulator!.setSignInActivityAvailable(true);
    }
  });

  it('when the timer fires, then another report joins the history', async () => {
    const before = ((await (await fetch(`${host.url}/api/licence-audit/reports`)).json()) as { reports: unknown[] }).reports.length;
    expect(await host.runFunction('licence-audit')).toBe(true);
    const after = ((await (await fetch(`${host.url}/api/licence-audit/reports`)).json()) as { reports: unknown[] }).reports.length;
    expect(after).toBe(before + 1);
  });

  it('reads users with only the fields it needs, filtered to licensed users with the advanced-query header', () => {
    const routes = host.simulator!.stats().byRoute;
    expect(routes['GET /users']).toBeGreaterThan(0);
    expect(routes['GET /users/{id}/memberOf'] ?? 0).toBe(0);
  });
});
