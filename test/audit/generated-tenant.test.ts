import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateUsers, startGraphSimulator, type RunningGraphSimulator } from '../../dev/graph-simulator';
import type { GraphSeed } from '../../dev/graph-simulator/types';
import { runLicenceAudit } from '../../shared/audit/run-audit';
import type { LicenceAuditReport } from '../../shared/audit/report';
import { DEFAULT_MONTHLY_PRICES } from '../../shared/audit/sku-catalog';
import { parseSettings } from '../../shared/config/settings';
import { createGraphClient } from '../../shared/graph/client';
import { LocalSimulatorCredential } from '../../shared/graph/credential';
import { loadAccessPolicy } from '../../shared/rules/rules-file';

// 1,200 generated workers: more than one page of 999 (and three of 500 with signInActivity).
const COUNT = 1200;
const NOW = new Date();
const seed = generateUsers(COUNT, { now: NOW });
let sim: RunningGraphSimulator;
const requests: { url: URL; headers: Headers }[] = [];
const realFetch = globalThis.fetch;

beforeAll(async () => {
  const tls = { cert: readFileSync(process.env.DEV_TLS_CERT_FILE!, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE!, 'utf8') };
  sim = await startGraphSimulator({ port: 0, tls, seed });
  // Fake nothing: record what the Graph client puts on the wire, then send it.
  jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push({ url: new URL(request.url), headers: new Headers(init?.headers ?? request.headers) });
    return realFetch(input, init);
  });
});
afterAll(async () => {
  jest.restoreAllMocks();
  await sim?.close();
});

async function audit(): Promise<LicenceAuditReport> {
  requests.length = 0;
  const settings = parseSettings({ LIFECYCLE_RUNTIME: 'local', HR_WEBHOOK_SECRET: 'x'.repeat(32), GRAPH_BASE_URL: sim.url, GRAPH_CREDENTIAL: 'local' });
  return runLicenceAudit(
    {
      graph: createGraphClient(settings, { credential: new LocalSimulatorCredential(sim.url) }),
      policy: loadAccessPolicy(path.join(__dirname, '..', '..', 'config', 'rules.json')),
      now: () => NOW, tenantId: 'generated', prices: DEFAULT_MONTHLY_PRICES, lowStockThreshold: 5, inactiveDays: 90,
    },
    'test',
  );
}

/** What the audit should find, worked out from the seed data alone (not from the audit's code). */
function expected(users: NonNullable<GraphSeed['users']>) {
  const generated = users.filter((u) => u.userPrincipalName.startsWith('worker'));
  const licensed = generated.filter((u) => u.assignedLicenses!.length > 0);
  const disabled = licensed.filter((u) => u.accountEnabled === false);
  const left = licensed.filter((u) => u.accountEnabled !== false && new Date(u.employeeLeaveDateTime as string) < NOW);
  const dormant = licensed.filter(
    (u) => u.accountEnabled !== false && !left.includes(u) && new Date(u.signInActivity!.lastSignInDateTime!).getTime() < NOW.getTime() - 90 * 86_400_000,
  );
  const doubled = licensed.filter((u) => u.assignedLicenses!.length === 2);
  return { licensed: licensed.length, disabled: disabled.length, left: left.length, dormant: dormant.length, doubled: doubled.length };
}

const users = (r: LicenceAuditReport, reason: string) => r.waste.find((w) => w.reason === reason)!.userCount;
const userPages = () => requests.filter((r) => r.url.pathname === '/v1.0/users');

describe('licence audit over a generated tenant of 1,200 workers', () => {
  it('when sign-in activity is readable, then every waste count equals what the tenant holds', async () => {
    const report = await audit();
    const want = expected(seed.users!);
    expect(users(report, 'disabled-account')).toBe(want.disabled);
    expect(users(report, 'past-leave-date')).toBe(want.left);
    expect(users(report, 'inactive')).toBe(want.dormant);
    expect(users(report, 'overlapping')).toBe(want.doubled);
    expect(want.disabled * want.left * want.dormant * want.doubled).toBeGreaterThan(0);
    expect(report.usersScanned).toBe(seed.users!.length);
  });

  it('reads users with only the needed fields, 999 at a time, licensed only, re-sending ConsistencyLevel on every next page', async () => {
    await audit();
    const licensedPages = userPages().filter((r) => r.url.searchParams.get('$filter') === 'assignedLicenses/$count ne 0');
    expect(licensedPages.length).toBe(3); // 500 per page once signInActivity is selected
    for (const page of licensedPages) {
      expect(page.headers.get('ConsistencyLevel')).toBe('eventual');
      expect(page.url.searchParams.get('$count')).toBe('true');
      expect(page.url.searchParams.get('$top')).toBe('999');
      expect(page.url.searchParams.get('$select')!.split(',').sort()).toEqual(
        ['id', 'userPrincipalName', 'accountEnabled', 'employeeId', 'employeeLeaveDateTime', 'createdDateTime', 'assignedLicenses', 'department', 'jobTitle',
          'employeeType', 'companyName', 'officeLocation', 'city', 'country', 'usageLocation', 'signInActivity'].sort(),
      );
    }
    expect(requests.some((r) => /\/users\/[^/]+\/memberOf/.test(r.url.pathname))).toBe(false);
  });

  it('when the tenant has no Entra ID P1, then inactivity is skipped and said so, pages are 999, and other waste is still found', async () => {
    sim.setSignInActivityAvailable(false);
    try {
      const report = await audit();
      expect(report.signInActivity).toBe('unavailable');
      expect(report.notes.join(' ')).toMatch(/Authentication_RequestFromNonPremiumTenantOrB2CTenant/);
      expect(users(report, 'inactive')).toBe(0);
      expect(users(report, 'disabled-account')).toBe(expected(seed.users!).disabled);
      const served = userPages().filter((r) => r.url.searchParams.get('$filter') === 'assignedLicenses/$count ne 0' && !r.url.searchParams.get('$select')!.includes('signInActivity'));
      expect(served.length).toBe(2);
    } finally {
      sim.setSignInActivityAvailable(true);
    }
  });

  it('when Graph refuses the licensed-users filter, then it reads every user without it, says so, and finds the same waste', async () => {
    sim.setFaults([{ method: 'GET', path: '/users', status: 400, times: 1, code: 'Request_UnsupportedQuery', message: 'Unsupported query.' }]);
    try {
      const report = await audit();
      expect(report.notes.join(' ')).toMatch(/refused the licensed-users filter/);
      expect(userPages().slice(1).every((r) => !r.url.searchParams.has('$filter') && !r.headers.has('ConsistencyLevel'))).toBe(true);
      expect(users(report, 'past-leave-date')).toBe(expected(seed.users!).left);
      expect(report.usersScanned).toBe(seed.users!.length);
    } finally {
      sim.setFaults([]);
    }
  });

  it('when workers were moved in and out of rule groups by hand, then drift counts match both ways', async () => {
    const report = await audit();
    const generated = seed.users!.filter((u) => u.userPrincipalName.startsWith('worker') && u.accountEnabled !== false);
    const members = (name: string) => new Set(seed.groups!.find((g) => g.displayName === name)!.memberIds);
    const allStaff = members('SG-All-Staff');
    const contractors = members('SG-Contractors');
    expect(report.drift.find((d) => d.kind === 'missing-group')!.userCount).toBe(generated.filter((u) => !allStaff.has(u.id)).length);
    expect(report.drift.find((d) => d.kind === 'extra-group')!.userCount).toBe(generated.filter((u) => contractors.has(u.id)).length);
  });
});
