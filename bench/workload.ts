// The bench's input: HR records for scenario 1 (joiners, managers after their teams) and scenario 2
// (a joiner/mover/leaver stream against a seeded population), the seeded populations themselves,
// and what the tenant must look like afterwards. Deterministic: the same sizes give the same input.
import type { GraphSeed } from '../dev/graph-simulator';

export const E3_SKU_ID = '05e9a617-0261-4cee-bb44-138d3ef5d965';
export const GROUP_IDS = {
  'SG-All-Staff': '11111111-1111-4111-8111-111111111111',
  'SG-Sales': '22222222-2222-4222-8222-222222222222',
  'SG-Engineering': '33333333-3333-4333-8333-333333333333',
  'SG-Contractors': '44444444-4444-4444-8444-444444444444',
} as const;
export type GroupName = keyof typeof GROUP_IDS;

/** Three groups and one licence for everyone; the department picks Sales or Engineering. */
export const BENCH_RULES = {
  groupRules: [
    { name: 'everyone', groups: ['SG-All-Staff'] },
    { name: 'contractors-pool', groups: ['SG-Contractors'] },
    { name: 'sales', when: { department: 'Sales' }, groups: ['SG-Sales'] },
    { name: 'engineering', when: { department: 'Engineering' }, groups: ['SG-Engineering'] },
  ],
  licenceRules: [{ name: 'staff', licences: [{ sku: 'SPE_E3' }] }],
  // Licences go at once; the soft delete is scheduled 30 days out, so a leaver settles as
  // `scheduled` (first phase done) and no deletion runs during the bench. No mass-leaver guard:
  // the stream's leavers would otherwise be held by design.
  leaver: { removeGroups: 'rule-based', licenceGraceDays: 0, deleteAfterDays: 30, revokeSessions: true },
  protected: { userPrincipalNames: ['breakglass@contoso.com'], groups: [], directoryRoleHolders: true },
};

export type Department = 'Sales' | 'Engineering';
const departmentOf = (i: number): Department => (i % 2 ? 'Sales' : 'Engineering');
export const otherDepartment = (d: Department): Department => (d === 'Sales' ? 'Engineering' : 'Sales');
export const departmentGroup = (d: Department): GroupName => (d === 'Sales' ? 'SG-Sales' : 'SG-Engineering');
export const groupsFor = (d: Department): GroupName[] => ['SG-All-Staff', 'SG-Contractors', departmentGroup(d)];

export interface HrRecord {
  eventId: string;
  type: 'joiner' | 'mover' | 'leaver';
  occurredAt: string;
  employee: { employeeId: string; givenName: string; surname: string; department: Department; country: string; managerEmployeeId?: string };
}

/** Scenario 1: `n` joiners in teams of ten (the first of each team manages it); managers come last in the feed. */
export function joinerFeed(n: number, prefix: string): { feed: HrRecord[]; expectedManager: Map<string, string> } {
  const occurredAt = new Date(Date.now() - 1000).toISOString();
  const events: HrRecord[] = Array.from({ length: n }, (_, i) => ({
    type: 'joiner',
    eventId: `bench-${prefix}-${i}`,
    occurredAt,
    employee: {
      employeeId: `${prefix}${i}`,
      givenName: 'Bench',
      surname: `${prefix}Joiner${i}`,
      department: departmentOf(i),
      country: 'GB',
      ...(i % 10 ? { managerEmployeeId: `${prefix}${i - (i % 10)}` } : {}),
    },
  }));
  const expectedManager = new Map(events.filter((e) => e.employee.managerEmployeeId).map((e) => [e.employee.employeeId, e.employee.managerEmployeeId as string]));
  return { feed: [...events.filter((_, i) => i % 10 !== 0), ...events.filter((_, i) => i % 10 === 0)], expectedManager };
}

/** A worker that exists before scenario 2 starts (seeded straight into the simulated tenant). */
export interface PopulationWorker {
  id: string;
  employeeId: string;
  givenName: string;
  surname: string;
  upn: string;
  department: Department;
  managerEmployeeId?: string;
}

export interface Population {
  prefix: string;
  workers: PopulationWorker[];
  managers: PopulationWorker[];
  /** Everyone who is not a manager, in order: movers and leavers are drawn from here, each once. */
  others: PopulationWorker[];
}

/** `teams` teams of ten; object ids are fixed GUIDs in a range of their own (`tag` 1–9). */
export function population(prefix: string, teams: number, tag: number): Population {
  const workers: PopulationWorker[] = [];
  for (let i = 0; i < teams * 10; i++) {
    workers.push({
      id: `00000000-0000-4000-a00${tag}-${String(i).padStart(12, '0')}`,
      employeeId: `${prefix}${i}`,
      givenName: 'Bench',
      surname: `${prefix}Worker${i}`,
      upn: `bench.${prefix.toLowerCase()}worker${i}@contoso.com`,
      department: departmentOf(i),
      ...(i % 10 ? { managerEmployeeId: `${prefix}${i - (i % 10)}` } : {}),
    });
  }
  return { prefix, workers, managers: workers.filter((w) => !w.managerEmployeeId), others: workers.filter((w) => w.managerEmployeeId) };
}

/** Adds populations (groups and an E3 licence each, managers linked) and enough E3 units to a seed. */
export function seedWith(base: GraphSeed, populations: Population[], extraLicences: number): GraphSeed {
  const seed = structuredClone(base);
  const groups = new Map((seed.groups ?? []).map((g) => [g.id, g]));
  const users = [...(seed.users ?? [])];
  for (const p of populations) {
    const idOf = new Map(p.workers.map((w) => [w.employeeId, w.id]));
    for (const w of p.workers) {
      users.push({
        id: w.id,
        userPrincipalName: w.upn,
        displayName: `${w.givenName} ${w.surname}`,
        mailNickname: w.upn.split('@')[0],
        givenName: w.givenName,
        surname: w.surname,
        accountEnabled: true,
        employeeId: w.employeeId,
        department: w.department,
        country: 'GB',
        usageLocation: 'GB',
        managerId: w.managerEmployeeId ? (idOf.get(w.managerEmployeeId) ?? null) : null,
        assignedLicenses: [{ skuId: E3_SKU_ID, disabledPlans: [] }],
      });
      for (const g of groupsFor(w.department)) {
        const group = groups.get(GROUP_IDS[g]);
        if (!group) throw new Error(`the base seed has no group ${g}`);
        (group.memberIds ??= []).push(w.id);
      }
    }
  }
  const seededLicences = populations.reduce((n, p) => n + p.workers.length, 0);
  const subscribedSkus = (seed.subscribedSkus ?? []).map((sku) => {
    if (sku.skuId !== E3_SKU_ID) return sku;
    const { consumedUnits: _declared, ...rest } = sku; // recounted from the users that hold it
    return { ...rest, enabled: sku.enabled + seededLicences + extraLicences };
  });
  return { ...seed, subscribedSkus, groups: [...groups.values()], users };
}

/** What one event of the mixed stream must leave behind. */
export type Expectation =
  | { type: 'joiner'; employeeId: string; department: Department; managerEmployeeId: string }
  | { type: 'mover'; employeeId: string; from: Department; department: Department; managerEmployeeId: string }
  | { type: 'leaver'; employeeId: string };

export interface MixedStream {
  events: HrRecord[];
  expectations: Expectation[];
}

/** Teams a population needs so that `events` of the mixed pattern find enough movers and leavers. */
export function teamsForMixed(events: number): number {
  const touched = Array.from({ length: events }, (_, k) => k % 5).filter((slot) => slot !== 0 && slot !== 2).length;
  return Math.max(1, Math.ceil(touched / 9));
}

/**
 * Scenario 2: per five events, two joiners (new workers under an existing manager), two movers
 * (department swapped, so one group out and one in; every other mover also changes manager) and
 * one leaver. Movers and leavers are distinct non-manager workers of `pop`, each touched once.
 */
export function mixedStream(events: number, pop: Population, joinerPrefix: string): MixedStream {
  const occurredAt = new Date(Date.now() - 1000).toISOString();
  const out: HrRecord[] = [];
  const expectations: Expectation[] = [];
  let joiners = 0;
  let movers = 0;
  let cursor = 0;
  const managerFor = (n: number) => pop.managers[n % pop.managers.length] as PopulationWorker;
  for (let k = 0; k < events; k++) {
    const slot = k % 5;
    if (slot === 0 || slot === 2) {
      const j = joiners++;
      const department = departmentOf(j);
      const manager = managerFor(j).employeeId;
      const employee = { employeeId: `${joinerPrefix}${j}`, givenName: 'Bench', surname: `${joinerPrefix}Joiner${j}`, department, country: 'GB', managerEmployeeId: manager };
      out.push({ type: 'joiner', eventId: `bench-${joinerPrefix}-joiner-${j}`, occurredAt, employee });
      expectations.push({ type: 'joiner', employeeId: employee.employeeId, department, managerEmployeeId: manager });
      continue;
    }
    const worker = pop.others[cursor++];
    if (!worker) throw new Error(`population ${pop.prefix} is too small for ${events} mixed events`);
    const base = { employeeId: worker.employeeId, givenName: worker.givenName, surname: worker.surname, country: 'GB' };
    if (slot === 4) {
      out.push({ type: 'leaver', eventId: `bench-${pop.prefix}-leaver-${worker.employeeId}`, occurredAt, employee: { ...base, department: worker.department, managerEmployeeId: worker.managerEmployeeId as string } });
      expectations.push({ type: 'leaver', employeeId: worker.employeeId });
      continue;
    }
    const m = movers++;
    const department = otherDepartment(worker.department);
    const currentManager = worker.managerEmployeeId as string;
    const managerIndex = pop.managers.findIndex((w) => w.employeeId === currentManager);
    const manager = m % 2 && pop.managers.length > 1 ? (pop.managers[(managerIndex + 1) % pop.managers.length] as PopulationWorker).employeeId : currentManager;
    out.push({ type: 'mover', eventId: `bench-${pop.prefix}-mover-${worker.employeeId}`, occurredAt, employee: { ...base, department, managerEmployeeId: manager } });
    expectations.push({ type: 'mover', employeeId: worker.employeeId, from: worker.department, department, managerEmployeeId: manager });
  }
  return { events: out, expectations };
}

interface TenantView {
  users: Array<{ id: string; employeeId: string | null; managerId: string | null; accountEnabled: boolean; assignedLicenses: Array<{ skuId: string }>; [k: string]: unknown }>;
  groups: Array<{ id: string; memberIds: string[] }>;
}

/** How many events of a mixed stream left the tenant as they must (and the first few that did not). */
export function checkMixed(tenant: TenantView, expectations: readonly Expectation[]): { ok: number; wrong: string[] } {
  const byEmployeeId = new Map(tenant.users.filter((u) => u.employeeId).map((u) => [u.employeeId as string, u]));
  const members = new Map(tenant.groups.map((g) => [g.id, new Set(g.memberIds)]));
  const inGroup = (g: GroupName, userId: string) => members.get(GROUP_IDS[g])?.has(userId) ?? false;
  const hasE3 = (u: TenantView['users'][number]) => u.assignedLicenses.some((l) => l.skuId === E3_SKU_ID);
  const wrong: string[] = [];
  let ok = 0;
  for (const e of expectations) {
    const user = byEmployeeId.get(e.employeeId);
    const problems: string[] = [];
    if (!user) problems.push('no account');
    else if (e.type === 'leaver') {
      if (user.accountEnabled) problems.push('still enabled');
      if (user.assignedLicenses.length > 0) problems.push('still licensed');
      if ((Object.keys(GROUP_IDS) as GroupName[]).some((g) => inGroup(g, user.id))) problems.push('still in a rule group');
      if (!user.employeeLeaveDateTime) problems.push('no leave date');
    } else {
      const manager = byEmployeeId.get(e.managerEmployeeId);
      if (user.department !== e.department) problems.push(`department ${String(user.department)}`);
      if (!groupsFor(e.department).every((g) => inGroup(g, user.id))) problems.push('missing a group');
      if (e.type === 'mover' && inGroup(departmentGroup(e.from), user.id)) problems.push(`still in ${departmentGroup(e.from)}`);
      if (!hasE3(user)) problems.push('no E3');
      if (!manager || user.managerId !== manager.id) problems.push('wrong manager');
    }
    if (problems.length === 0) ok++;
    else if (wrong.length < 5) wrong.push(`${e.type} ${e.employeeId}: ${problems.join(', ')}`);
  }
  return { ok, wrong };
}
