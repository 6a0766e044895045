import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { functionDeclarations } from '../../functions/declarations';
import { processEventFunction } from '../../functions/process-event';
import type { ObservedRequest } from '../../dev/graph-simulator';
import { heldSchedules } from './held-schedules';
import { startReceiver, type Receiver } from './custom-steps';
import { startTestHost, type TestHost } from './test-host';
import { hrEvent, tenant, type SimUser } from './tenant';

/**
 * A tenant for future-dated hires, days passing on a clock the test moves (see heldSchedules): its
 * zone is Auckland (far from UTC) and a hire date starts at 09:00 there; PRE_HIRE_DAYS is the default
 * 7. Temporary Access Passes go to a webhook the test reads; a joiner's custom steps at
 * `account-created` and `onboarded` call a receiver. A manager, PH-BOSS, exists from the start.
 */
export const ZONE = 'Pacific/Auckland';
export const START_HOUR = 9;
export const DAY = 24 * 3600_000;
export const MINUTE = 60_000;
export const WRITES = /^(POST|PATCH|PUT|DELETE) /;
const STEP_SECRET = 'welcome-step-secret-0123456789abcdef-0001';

export function usePreHireHost() {
  const time = heldSchedules();
  const observed: ObservedRequest[] = [];
  const passes: { userPrincipalName: string; reason: string }[] = [];
  const context = { time, observed, passes } as { time: typeof time; observed: ObservedRequest[]; passes: typeof passes; host: TestHost; sim: ReturnType<typeof tenant>; steps: Receiver };
  let credentialReceiver: Server | undefined;

  beforeAll(async () => {
    credentialReceiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        passes.push(JSON.parse(body) as { userPrincipalName: string; reason: string });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => credentialReceiver!.listen(0, '127.0.0.1', () => r()));
    context.steps = await startReceiver({ '/account-created': STEP_SECRET, '/onboarded': STEP_SECRET });
    const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'rules-')), 'rules.json');
    writeFileSync(
      rulesFile,
      JSON.stringify({
        groupRules: [{ name: 'everyone', groups: ['SG-All-Staff'] }],
        licenceRules: [{ name: 'staff', licences: [{ sku: 'SPE_E3' }] }],
        leaver: { licenceGraceDays: 0, deleteAfterDays: 30 },
        joiner: {
          customSteps: [
            { name: 'order-laptop', at: 'account-created', url: `${context.steps.url}/account-created`, secretSetting: 'CUSTOM_STEP_SECRET' },
            { name: 'welcome', at: 'onboarded', url: `${context.steps.url}/onboarded`, secretSetting: 'CUSTOM_STEP_SECRET' },
          ],
        },
      }),
    );
    context.host = await startTestHost({
      declarations: functionDeclarations.map((d) => (d === processEventFunction ? time.declaration : d)),
      observeGraph: (r) => observed.push(r),
      env: {
        RULES_FILE: rulesFile,
        TENANT_TIME_ZONE: ZONE,
        HIRE_START_HOUR: String(START_HOUR),
        CUSTOM_STEP_SECRET: STEP_SECRET,
        CREDENTIAL_DELIVERY: 'webhook',
        CREDENTIAL_WEBHOOK_URL: `http://127.0.0.1:${(credentialReceiver.address() as AddressInfo).port}/credentials`,
        CREDENTIAL_WEBHOOK_SECRET: 'credential-webhook-secret-0123456789abcdef',
      },
    });
    context.sim = tenant(context.host);
    await post(hrEvent('joiner', { employeeId: 'PH-BOSS', givenName: 'Pat', surname: 'Boss', country: 'NZ' }, { eventId: 'prehire-boss' }));
  }, 60_000);
  afterAll(async () => {
    await context.host?.stop();
    await context.steps?.close();
    await new Promise<void>((r) => (credentialReceiver ? credentialReceiver.close(() => r()) : r()));
  });

  async function post(event: unknown): Promise<void> {
    const response = await context.host.postHr(JSON.stringify(event));
    expect(response.status).toBe(202);
    await context.host.bus.waitForIdle(30_000);
  }

  return {
    context,
    post,
    /** The hire date `days` from the test's today, as the tenant's calendar has it. */
    hireDay(days: number): string {
      return DateTime.fromJSDate(time.now()).setZone(ZONE).plus({ days }).toISODate() as string;
    },
    /** 09:00 of that day in Auckland, and seven days before it. */
    startOf(day: string): { start: Date; preHire: Date } {
      const start = DateTime.fromISO(day, { zone: ZONE }).set({ hour: START_HOUR });
      return { start: start.toJSDate(), preHire: start.minus({ days: 7 }).toJSDate() };
    },
    /** The clock moves to `when` and the copies then due are delivered. */
    async at(when: Date): Promise<void> {
      time.advanceTo(when);
      await time.deliverDue(context.host);
    },
    statusOf: async (eventId: string) => (await (await fetch(`${context.host.url}/api/events/${encodeURIComponent(eventId)}`)).json()) as Record<string, unknown>,
    accountOf: (employeeId: string) => context.sim.userByEmployeeId(employeeId)[0] as (SimUser & { employeeHireDate?: string }) | undefined,
    passesFor: (upn: string | undefined) => passes.filter((p) => p.userPrincipalName === upn),
    callsAt: (point: 'account-created' | 'onboarded', employeeId: string) => context.steps.callsTo(`/${point}`).filter((c) => JSON.stringify(c.body).includes(employeeId)),
    /** An HR event that happened now by the test's clock (a leaver is effective then). */
    hrEventNow: (type: string, employee: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...hrEvent(type, employee, extra), occurredAt: time.now().toISOString() }),
    joiner(employeeId: string, hireDate: string, extra: Record<string, unknown> = {}) {
      const employee = { employeeId, givenName: 'Future', surname: employeeId.replace('-', ''), country: 'NZ', hireDate, managerEmployeeId: 'PH-BOSS', ...extra };
      return { ...hrEvent('joiner', employee, { eventId: `prehire-${employeeId}` }), occurredAt: time.now().toISOString() };
    },
  };
}
