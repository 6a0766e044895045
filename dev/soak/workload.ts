import { prng } from '../graph-simulator/chaos';

/**
 * The soak's input and, computed from the input alone, the tenant it must produce. Independent of
 * the engine on purpose: if both shared code, a bug in one would hide in the other.
 */

export const DEPARTMENTS = ['Sales', 'Engineering', 'Finance', 'Support'] as const;
const DEPARTMENT_GROUP: Record<string, string | undefined> = { Sales: 'SG-Sales', Engineering: 'SG-Engineering' };

export interface SoakEvent {
  eventId: string;
  type: 'joiner' | 'mover' | 'leaver' | 'rehire';
  occurredAt: string;
  employee: { employeeId: string; givenName: string; surname: string; department: string; country: string; managerEmployeeId?: string };
}

export interface ExpectedWorker {
  employeeId: string;
  department: string;
  accountEnabled: boolean;
  /**
   * A worker who left (and was not rehired) may have no account at all: a leaver supersedes the
   * worker's earlier events still waiting, a joiner retrying before it created the account among
   * them (README, "a leaver never waits"). Without access either way; an account, if there is one,
   * must be as expected.
   */
  mayHaveNoAccount: boolean;
  managerEmployeeId?: string;
  groups: string[];
  skus: string[];
}

export interface Workload {
  /** Phases are posted in order; a worker's events in later phases come after earlier ones. */
  phases: SoakEvent[][];
  expected: Map<string, ExpectedWorker>;
}

/** The rules the soak's host runs with (written to a file for RULES_FILE). */
export const SOAK_RULES = {
  groupRules: [
    { name: 'everyone', groups: ['SG-All-Staff'] },
    { when: { department: 'Sales' }, groups: ['SG-Sales'] },
    { when: { department: 'Engineering' }, groups: ['SG-Engineering'] },
  ],
  licenceRules: [{ licences: [{ sku: 'SPE_E3' }] }],
  leaver: { removeGroups: 'rule-based', licenceGraceDays: 0, deleteAfterDays: null, revokeSessions: true },
  protected: { userPrincipalNames: ['breakglass@contoso.com'], groups: [], directoryRoleHolders: true },
};

/**
 * `workers` joiners (one in ten is a manager of the next nine, and every third team's manager is
 * posted after the team), then movers (20%), leavers (10%) and rehires (half of the leavers).
 */
export function buildWorkload(workers: number, seed = 7): Workload {
  const rand = prng(seed); // deterministic: a soak can be re-run with the same input
  const at = (n: number) => new Date(Date.UTC(2026, 10, 22, 9, 0, n)).toISOString();
  const id = (i: number) => `S${String(i).padStart(5, '0')}`;
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)] as T;
  const state = new Map<string, SoakEvent['employee'] & { enabled: boolean }>();
  const joiners: SoakEvent[] = [];
  for (let i = 0; i < workers; i++) {
    const managerIndex = i - (i % 10);
    const employee = {
      employeeId: id(i),
      givenName: 'Soak',
      surname: `Worker${i}`,
      department: pick(DEPARTMENTS),
      country: pick(['GB', 'UK', 'DE', 'IE', 'US']),
      ...(managerIndex !== i ? { managerEmployeeId: id(managerIndex) } : {}),
    };
    joiners.push({ eventId: `soak-${id(i)}-joiner`, type: 'joiner', occurredAt: at(0), employee });
    state.set(employee.employeeId, { ...employee, enabled: true });
  }
  // Every third team's manager arrives after its reports.
  for (let team = 0; team * 10 < workers; team += 3) {
    const index = joiners.findIndex((e) => e.employee.employeeId === id(team * 10));
    const [manager] = joiners.splice(index, 1);
    const lastOfTeam = Math.min(workers, team * 10 + 10) - 2;
    joiners.splice(Math.max(index, lastOfTeam), 0, manager as SoakEvent);
  }
  const movers: SoakEvent[] = [];
  const leavers: SoakEvent[] = [];
  const rehires: SoakEvent[] = [];
  for (const [employeeId, current] of state) {
    const roll = rand();
    if (roll < 0.2) {
      const department = pick(DEPARTMENTS.filter((d) => d !== current.department));
      const { enabled: _e, ...employee } = { ...current, department };
      movers.push({ eventId: `soak-${employeeId}-mover`, type: 'mover', occurredAt: at(60), employee });
      state.set(employeeId, { ...current, department });
    } else if (roll < 0.3) {
      const { enabled: _e, ...employee } = current;
      leavers.push({ eventId: `soak-${employeeId}-leaver`, type: 'leaver', occurredAt: at(120), employee });
      state.set(employeeId, { ...current, enabled: false });
      if (rand() < 0.5) {
        rehires.push({ eventId: `soak-${employeeId}-rehire`, type: 'rehire', occurredAt: at(180), employee });
        state.set(employeeId, { ...current, enabled: true });
      }
    }
  }
  const expected = new Map<string, ExpectedWorker>();
  for (const [employeeId, w] of state) {
    const groups = w.enabled ? ['SG-All-Staff', DEPARTMENT_GROUP[w.department]].filter((g): g is string => !!g).sort() : [];
    expected.set(employeeId, {
      employeeId,
      department: w.department,
      accountEnabled: w.enabled,
      mayHaveNoAccount: !w.enabled,
      ...(w.managerEmployeeId ? { managerEmployeeId: w.managerEmployeeId } : {}),
      groups,
      skus: w.enabled ? ['SPE_E3'] : [],
    });
  }
  return { phases: [joiners, movers, leavers, rehires].filter((p) => p.length > 0), expected };
}
