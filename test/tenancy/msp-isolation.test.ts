import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import { postHrEvents } from '../../dev/hr-client';
import { startSimulator } from '../graph-simulator/harness';
import { hrEvent } from '../support/tenant';
import { startTestHost, TEST_HR_SECRET, type TestHost } from '../support/test-host';

/**
 * One deployment, several tenants side by side: the home tenant (the host's embedded
 * simulator), two customers with simulators of their own — one of them throttled hard in some
 * tests — a customer whose configuration is broken, and one that is disabled.
 */
const SECRETS = { fabrikam: 'fabrikam-hr-secret-0123456789abcdef-x', northwind: 'northwind-hr-secret-0123456789abcdef-y', brokenco: 'brokenco-hr-secret-0123456789abcdef-z' };
const RULES = { groupRules: [{ groups: ['SG-All-Staff'] }], licenceRules: [{ licences: [{ sku: 'SPE_E3' }] }] };

function customer(key: string, sim: RunningGraphSimulator | undefined, extra: Record<string, unknown> = {}) {
  return {
    key,
    displayName: `${key[0]!.toUpperCase()}${key.slice(1)} Ltd`,
    directoryTenantId: '00000000-0000-4000-8000-00000000000' + (key.length % 10),
    hrWebhookSecretSetting: `HR_SECRET_${key.toUpperCase()}`,
    upnDomain: `${key}.example`,
    rules: RULES,
    ...(sim ? { graphBaseUrl: sim.url } : {}),
    ...extra,
  };
}

let fabrikam: RunningGraphSimulator;
let northwind: RunningGraphSimulator;
let host: TestHost;
let dir: string;

const writeTenant = (config: Record<string, unknown>) => writeFileSync(path.join(dir, `${String(config.key)}.json`), JSON.stringify(config));
const usersOf = (sim: RunningGraphSimulator, employeeId: string) => (sim.snapshot().users as { employeeId?: string; userPrincipalName: string }[]).filter((u) => u.employeeId === employeeId);
const worker = (employeeId: string) => ({ employeeId, givenName: 'Tenant', surname: `Case${employeeId}`, department: 'Sales', country: 'GB' });

async function post(tenant: string | undefined, events: unknown, secret?: string): Promise<Response> {
  const key = tenant as keyof typeof SECRETS | undefined;
  return postHrEvents(host.url, JSON.stringify(events), { secret: secret ?? (key ? SECRETS[key] : TEST_HR_SECRET), ...(tenant ? { tenant } : {}) });
}
async function postAccepted(tenant: string | undefined, events: unknown): Promise<string[]> {
  const response = await post(tenant, events);
  expect(response.status).toBe(202);
  return ((await response.json()) as { events: { eventId: string }[] }).events.map((e) => e.eventId);
}
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
async function tenantsView(): Promise<{ key: string; state: string; issues?: string[]; graph?: { throttled: number }; eventsInFlight: number }[]> {
  return ((await (await fetch(`${host.url}/api/manage/tenants`)).json()) as { tenants: never[] }).tenants;
}

beforeAll(async () => {
  [fabrikam, northwind] = await Promise.all([startSimulator(), startSimulator()]);
  // Each customer tenant verifies its own domain (brokenco shares fabrikam's simulator).
  fabrikam.state.verifiedDomains.push('fabrikam.example', 'brokenco.example', 'oldco.example');
  northwind.state.verifiedDomains.push('northwind.example');
  dir = mkdtempSync(path.join(tmpdir(), 'tenants-'));
  writeTenant(customer('fabrikam', fabrikam));
  writeTenant(customer('northwind', northwind));
  writeTenant(customer('brokenco', fabrikam, { rules: { groupRules: [{ groups: [] }] } }));
  writeTenant(customer('oldco', fabrikam, { enabled: false }));
  host = await startTestHost({
    env: {
      TENANTS_SOURCE: 'folder',
      TENANTS_DIR: dir,
      TENANTS_RELOAD_SECONDS: '3600',
      TENANT_MAX_CONCURRENT_EVENTS: '4',
      HR_SECRET_FABRIKAM: SECRETS.fabrikam,
      HR_SECRET_NORTHWIND: SECRETS.northwind,
      HR_SECRET_BROKENCO: SECRETS.brokenco,
      HR_SECRET_OLDCO: 'oldco-hr-secret-0123456789abcdef-000',
    },
  });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await Promise.all([fabrikam?.close(), northwind?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('MSP: tenants side by side', () => {
  it("when two tenants' HR systems post the same worker, then each tenant gets its own account and the other tenants none", async () => {
    const [home] = await postAccepted(undefined, hrEvent('joiner', worker('T100'), { eventId: 'hr-100' }));
    const [fab] = await postAccepted('fabrikam', hrEvent('joiner', worker('T100'), { eventId: 'hr-100' }));
    expect(fab).toBe('fabrikam:hr-100'); // one id per tenant: neither is a duplicate of the other
    expect((await host.waitForStatus(home!)).status).toBe('succeeded');
    const fabStatus = await host.waitForStatus(fab!);
    expect(fabStatus).toMatchObject({ status: 'succeeded' });
    expect(usersOf(host.simulator!, 'T100').map((u) => u.userPrincipalName)).toEqual(['tenant.caset100@contoso.com']);
    expect(usersOf(fabrikam, 'T100').map((u) => u.userPrincipalName)).toEqual(['tenant.caset100@fabrikam.example']);
    expect(usersOf(northwind, 'T100')).toEqual([]);
  }, 30_000);

  it("when a request is signed with another tenant's secret, or names another tenant in a record, then it is refused and nothing is queued", async () => {
    expect((await post('fabrikam', hrEvent('joiner', worker('T200')), SECRETS.northwind)).status).toBe(401);
    expect((await post('fabrikam', hrEvent('joiner', worker('T201')), TEST_HR_SECRET)).status).toBe(401);
    const crossing = await post('fabrikam', { ...hrEvent('joiner', worker('T202')), tenantId: 'northwind' });
    expect(crossing.status).toBe(400);
    expect(JSON.stringify(await crossing.json())).toContain('tenantId');
    await new Promise((r) => setTimeout(r, 500));
    for (const sim of [fabrikam, northwind, host.simulator!]) for (const id of ['T200', 'T201', 'T202']) expect(usersOf(sim, id)).toEqual([]);
  });

  it('when HR posts for an unknown, a disabled or a misconfigured tenant, then it gets 404, 403 or 503 with Retry-After, and no reason leaks the configuration', async () => {
    expect((await post('nobody', hrEvent('joiner', worker('T300')), SECRETS.fabrikam)).status).toBe(404);
    expect((await post('oldco', hrEvent('joiner', worker('T301')), SECRETS.fabrikam)).status).toBe(403);
    const broken = await post('brokenco', hrEvent('joiner', worker('T302')));
    expect(broken.status).toBe(503);
    expect(broken.headers.get('retry-after')).toBe('300');
    expect(await broken.text()).not.toContain('groupRules');
  });

  it('when the operator lists tenants, then each shows its state, a broken one what is wrong, and no secret', async () => {
    const tenants = await tenantsView();
    const byKey = new Map(tenants.map((t) => [t.key, t]));
    expect([...byKey.keys()].sort()).toEqual(['brokenco', 'default', 'fabrikam', 'northwind', 'oldco']);
    expect(byKey.get('fabrikam')?.state).toBe('ready');
    expect(byKey.get('oldco')?.state).toBe('disabled');
    expect(byKey.get('brokenco')?.state).toBe('invalid');
    expect(byKey.get('brokenco')?.issues?.join(' ')).toContain('groupRules');
    const text = JSON.stringify(tenants);
    for (const secret of [...Object.values(SECRETS), TEST_HR_SECRET]) expect(text).not.toContain(secret);
  });

  it('when the licence audit runs, then each ready tenant is audited in its own tenant and the MSP summary shows cost and waste by customer', async () => {
    // One licensed account of fabrikam's is disabled: waste there, not at home.
    const fabUser = (fabrikam.snapshot().users as { id: string; employeeId?: string }[]).find((u) => u.employeeId === 'T100')!;
    fabrikam.state.users.get(fabUser.id)!.accountEnabled = false;
    const disabledLicensed = (sim: RunningGraphSimulator) =>
      (sim.snapshot().users as { accountEnabled?: boolean; assignedLicenses?: unknown[] }[]).filter((u) => u.accountEnabled === false && (u.assignedLicenses ?? []).length > 0).length;
    expect((await fetch(`${host.url}/admin/functions/licence-audit`, { method: 'POST' })).status).toBeLessThan(300);
    const summary = await eventually(async () => {
      const s = (await (await fetch(`${host.url}/api/licence-audit/summary`)).json()) as {
        tenants: { tenant: string; state: string; latest?: { usersScanned: number; wasteMonthlyCost: number; waste: Record<string, { users: number }> } }[];
        totals: { tenantsAudited: number; wasteMonthlyCost: number };
      };
      return s.tenants.filter((t) => t.latest).length >= 3 ? s : undefined;
    }, 30_000);
    const byKey = new Map(summary.tenants.map((t) => [t.tenant, t]));
    expect([...byKey.keys()].sort()).toEqual(['brokenco', 'default', 'fabrikam', 'northwind', 'oldco']);
    expect(byKey.get('brokenco')?.latest).toBeUndefined();
    expect(byKey.get('oldco')?.latest).toBeUndefined();
    expect(byKey.get('fabrikam')?.latest?.waste['disabled-account']?.users).toBe(disabledLicensed(fabrikam));
    expect(byKey.get('default')?.latest?.waste['disabled-account']?.users ?? 0).toBe(disabledLicensed(host.simulator!));
    expect(byKey.get('fabrikam')?.latest?.waste['disabled-account']?.users).toBeGreaterThan(0);
    expect(summary.totals.tenantsAudited).toBe(3);
    const total = ['default', 'fabrikam', 'northwind'].reduce((n, k) => n + (byKey.get(k)?.latest?.wasteMonthlyCost ?? 0), 0);
    expect(summary.totals.wasteMonthlyCost).toBeCloseTo(total, 2);
    const report = (await (await fetch(`${host.url}/api/licence-audit/report.json?tenant=fabrikam`)).json()) as { tenantId: string };
    expect(report.tenantId).toBe('fabrikam');
    fabrikam.state.users.get(fabUser.id)!.accountEnabled = true;
  }, 60_000);

  it("when one tenant is throttled hard by Graph, then another tenant's joiners finish as if nothing were wrong, and the throttled tenant's wait without failing", async () => {
    northwind.setThrottling({ writesPer150s: 3 });
    try {
      const storm = await postAccepted('northwind', Array.from({ length: 12 }, (_, i) => hrEvent('joiner', worker(`N${i}`))));
      await new Promise((r) => setTimeout(r, 1_500));
      const started = Date.now();
      const calm = await postAccepted('fabrikam', Array.from({ length: 6 }, (_, i) => hrEvent('joiner', worker(`F${i}`))));
      for (const id of calm) expect((await host.waitForStatus(id, ['succeeded', 'dead-lettered'], 20_000)).status).toBe('succeeded');
      expect(Date.now() - started).toBeLessThan(15_000);
      const waiting = await Promise.all(storm.map(async (id) => (await (await fetch(`${host.url}/api/events/${id}`)).json()) as { status: string }));
      expect(waiting.filter((w) => w.status === 'succeeded').length).toBeLessThan(storm.length);
      expect(waiting.every((w) => w.status !== 'dead-lettered')).toBe(true);
      const view = (await tenantsView()).find((t) => t.key === 'northwind');
      expect(view?.graph?.throttled).toBeGreaterThan(0);
    } finally {
      northwind.setThrottling(undefined);
    }
  }, 60_000);

  it('when a ticket names an unknown tenant, then it is dead-lettered saying so; naming a customer, it runs in that tenant', async () => {
    const sender = host.bus.createSender(host.settings.TICKET_QUEUE_NAME);
    await sender.sendMessages({ messageId: 'tk-1', body: { requestId: 'INC-1', action: 'onboard', tenantId: 'atlantis', employee: worker('T400') } });
    await sender.sendMessages({ messageId: 'tk-2', body: { requestId: 'INC-2', action: 'onboard', tenantId: 'fabrikam', employee: worker('T401') } });
    expect((await host.waitForStatus('fabrikam:ticket-INC-2')).status).toBe('succeeded');
    expect(usersOf(fabrikam, 'T401')).toHaveLength(1);
    expect(usersOf(host.simulator!, 'T401')).toHaveLength(0);
    const letter = host.bus.peekDeadLetters(host.settings.TICKET_QUEUE_NAME).find((m) => m.messageId === 'tk-1');
    expect(letter?.deadLetterReason).toBe('UnknownTenant');
    expect(letter?.deadLetterErrorDescription).toContain('atlantis');
    const view = (await (await fetch(`${host.url}/api/manage/dead-letters?queue=tickets&tenant=atlantis`)).json()) as { deadLetters: { messageId: string }[] };
    expect(view.deadLetters.map((d) => d.messageId)).toEqual(['tk-1']);
  }, 30_000);

  it("when a tenant's configuration is broken, then its queued events wait and retry while others run, and fixing the file lets them through without a restart", async () => {
    const sender = host.bus.createSender(host.settings.TICKET_QUEUE_NAME);
    await sender.sendMessages({ messageId: 'tk-3', body: { requestId: 'INC-3', action: 'onboard', tenantId: 'brokenco', employee: worker('T500') } });
    const record = await eventually(async () => {
      const r = (await (await fetch(`${host.url}/api/events/brokenco:ticket-INC-3`)).json()) as { status: string; error?: { step?: string; message?: string } };
      return r.error?.step === 'tenant' ? r : undefined;
    });
    expect(record.status).toBe('queued');
    expect(record.error?.message).toContain('configuration is invalid');
    const [other] = await postAccepted('fabrikam', hrEvent('joiner', worker('T501')));
    expect((await host.waitForStatus(other!)).status).toBe('succeeded');

    writeTenant(customer('brokenco', fabrikam));
    expect((await fetch(`${host.url}/api/manage/tenants/reload`, { method: 'POST' })).status).toBe(200);
    // The retry comes after its backoff (5–10 s for the first).
    expect((await host.waitForStatus('brokenco:ticket-INC-3', ['succeeded'], 30_000)).status).toBe('succeeded');
    expect(usersOf(fabrikam, 'T500').map((u) => u.userPrincipalName)).toEqual(['tenant.caset500@brokenco.example']);
  }, 60_000);
});
