import { startTestHost, type TestHost } from './test-host';
import type { LocalHostOptions } from '../../dev/local-host/local-host';

/** The simulated tenant as tests see it: its state, and Graph calls made over HTTPS like the app's. */
export interface SimUser {
  id: string;
  userPrincipalName: string;
  employeeId?: string | null;
  accountEnabled?: boolean;
  department?: string | null;
  usageLocation?: string | null;
  managerId?: string | null;
  employeeLeaveDateTime?: string | null;
  assignedLicenses?: { skuId: string }[];
}
export interface SimGroup {
  id: string;
  displayName: string;
  memberIds: string[];
}

export function tenant(host: TestHost) {
  const snapshot = () => host.simulator!.snapshot() as unknown as { users: SimUser[]; deletedUsers: SimUser[]; groups: SimGroup[]; subscribedSkus: { skuId: string; skuPartNumber: string }[] };
  const userByEmployeeId = (employeeId: string) => snapshot().users.filter((u) => u.employeeId === employeeId);
  const groupsOf = (userId: string) => snapshot().groups.filter((g) => g.memberIds.includes(userId)).map((g) => g.displayName).sort();
  const skusOf = (user: SimUser) => {
    const parts = new Map(snapshot().subscribedSkus.map((s) => [s.skuId, s.skuPartNumber]));
    return (user.assignedLicenses ?? []).map((l) => parts.get(l.skuId)).sort();
  };
  async function graph(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${host.simulator!.url}/v1.0${path}`, {
      method,
      headers: { authorization: 'Bearer local-simulator-token', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }
  return { snapshot, userByEmployeeId, groupsOf, skusOf, graph };
}

export function hrEvent(type: string, employee: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { type, occurredAt: new Date().toISOString(), employee, ...extra };
}

/**
 * Posts one event and waits until it is finished, or — for events that schedule later phases
 * (a leaver's deletion) — until the named step has been recorded.
 */
export async function postAndWait(host: TestHost, event: unknown, untilStep?: string): Promise<Record<string, unknown>> {
  const response = await host.postHr(JSON.stringify(event));
  if (response.status !== 202) throw new Error(`expected 202, got ${response.status}: ${await response.text()}`);
  const { events } = (await response.json()) as { events: { eventId: string }[] };
  const eventId = events[0]!.eventId;
  if (!untilStep) return host.waitForStatus(eventId);
  const deadline = Date.now() + 20_000;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    const status = await fetch(`${host.url}/api/events/${encodeURIComponent(eventId)}`);
    if (status.status === 200) {
      last = (await status.json()) as Record<string, unknown>;
      if (last.status === 'dead-lettered') {
        // The ledger says dead-lettered just before the handler settles the message on the bus.
        await host.bus.waitForIdle();
        return last;
      }
      if (stepsOf(last)[untilStep] && last.status !== 'processing') return last;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`event ${eventId} never recorded step ${untilStep}; last: ${JSON.stringify(last)}`);
}

export function stepsOf(status: Record<string, unknown>): Record<string, { outcome: string; detail?: string }> {
  return Object.fromEntries((status.steps as { name: string; outcome: string; detail?: string }[]).map((s) => [s.name, s]));
}

/** A local host with its simulated tenant for one test file: started before, stopped after. */
export function useTenantHost(options: Partial<LocalHostOptions> = {}): { host: TestHost; sim: ReturnType<typeof tenant> } {
  const context = {} as { host: TestHost; sim: ReturnType<typeof tenant> };
  beforeAll(async () => {
    context.host = await startTestHost(options);
    context.sim = tenant(context.host);
  }, 60_000);
  afterAll(() => context.host?.stop());
  return context;
}
