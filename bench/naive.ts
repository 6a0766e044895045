// The naive baseline: what typical MSP automation guides do — one worker after another, one Graph
// request per operation (look the user up, write, look the group up, add, look the SKUs up, assign),
// no `$batch`, no caching, no concurrency; retrying 429/503/504 after Retry-After as the Graph SDKs
// do. It checks less than the engine (no protection or idempotence checks), so the ratio is
// conservative. Plain fetch, so the baseline does not move when the engine's Graph client does.
import type { Department, GroupName, HrRecord, PopulationWorker } from './workload';
import { departmentGroup, otherDepartment, groupsFor } from './workload';
import { sleep } from './support';

const TOKEN = 'local-simulator-token';

interface NaiveGraph {
  call(method: string, path: string, body?: unknown): Promise<unknown>;
}

function naiveGraph(baseUrl: string): NaiveGraph {
  return {
    async call(method, path, body) {
      for (let attempt = 1; ; attempt++) {
        const response = await fetch(`${baseUrl}/v1.0${path}`, {
          method,
          headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        if ([429, 503, 504].includes(response.status) && attempt < 8) {
          await sleep(Math.max(1, Number(response.headers.get('retry-after') ?? 3)) * 1000);
          continue;
        }
        if (response.status >= 400) throw new Error(`naive ${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
        return text ? JSON.parse(text) : undefined;
      }
    },
  };
}

const q = (s: string) => s.replace(/'/g, "''");
type Listed = { value: Array<Record<string, unknown> & { id: string }> };

async function userByEmployeeId(graph: NaiveGraph, employeeId: string): Promise<(Record<string, unknown> & { id: string }) | undefined> {
  const found = (await graph.call('GET', `/users?$filter=${encodeURIComponent(`employeeId eq '${q(employeeId)}'`)}`)) as Listed;
  return found.value[0];
}

async function groupId(graph: NaiveGraph, name: GroupName): Promise<string> {
  const found = (await graph.call('GET', `/groups?$filter=${encodeURIComponent(`displayName eq '${q(name)}'`)}`)) as Listed;
  const group = found.value[0];
  if (!group) throw new Error(`naive: no group ${name}`);
  return group.id;
}

export interface NaiveRun {
  /** ms since the epoch when the run started and when each event was done. */
  startedAt: number;
  doneAt: number[];
  failed: string[];
}

export interface NaiveJoiner {
  employeeId: string;
  upnLocal: string;
  department: Department;
  managerEmployeeId: string;
}

async function naiveJoiner(graph: NaiveGraph, baseUrl: string, j: NaiveJoiner): Promise<void> {
  const existing = await userByEmployeeId(graph, j.employeeId);
  if (existing) return;
  const user = (await graph.call('POST', '/users', {
    accountEnabled: true,
    displayName: `Naive ${j.upnLocal}`,
    mailNickname: j.upnLocal,
    userPrincipalName: `${j.upnLocal}@contoso.com`,
    employeeId: j.employeeId,
    department: j.department,
    usageLocation: 'GB',
    passwordProfile: { password: `Aa1!${j.upnLocal}xxxxxxxx`, forceChangePasswordNextSignIn: true },
  })) as { id: string };
  const manager = await userByEmployeeId(graph, j.managerEmployeeId);
  if (!manager) throw new Error(`naive: no manager ${j.managerEmployeeId}`);
  await graph.call('PUT', `/users/${user.id}/manager/$ref`, { '@odata.id': `${baseUrl}/v1.0/users/${manager.id}` });
  for (const name of groupsFor(j.department)) {
    await graph.call('POST', `/groups/${await groupId(graph, name)}/members/$ref`, { '@odata.id': `${baseUrl}/v1.0/directoryObjects/${user.id}` });
  }
  const skus = (await graph.call('GET', '/subscribedSkus')) as { value: Array<{ skuId: string; skuPartNumber: string }> };
  const e3 = skus.value.find((s) => s.skuPartNumber === 'SPE_E3');
  if (!e3) throw new Error('naive: no SPE_E3');
  await graph.call('POST', `/users/${user.id}/assignLicense`, { addLicenses: [{ skuId: e3.skuId, disabledPlans: [] }], removeLicenses: [] });
}

async function naiveMover(graph: NaiveGraph, baseUrl: string, record: HrRecord, from: Department, managerChanges: boolean): Promise<void> {
  const user = await userByEmployeeId(graph, record.employee.employeeId);
  if (!user) throw new Error(`naive: no user ${record.employee.employeeId}`);
  await graph.call('PATCH', `/users/${user.id}`, { department: record.employee.department });
  if (managerChanges && record.employee.managerEmployeeId) {
    const manager = await userByEmployeeId(graph, record.employee.managerEmployeeId);
    if (!manager) throw new Error(`naive: no manager ${record.employee.managerEmployeeId}`);
    await graph.call('PUT', `/users/${user.id}/manager/$ref`, { '@odata.id': `${baseUrl}/v1.0/users/${manager.id}` });
  }
  const memberOf = (await graph.call('GET', `/users/${user.id}/memberOf`)) as Listed;
  const oldGroup = await groupId(graph, departmentGroup(from));
  if (memberOf.value.some((g) => g.id === oldGroup)) await graph.call('DELETE', `/groups/${oldGroup}/members/${user.id}/$ref`);
  const newGroup = await groupId(graph, departmentGroup(otherDepartment(from)));
  await graph.call('POST', `/groups/${newGroup}/members/$ref`, { '@odata.id': `${baseUrl}/v1.0/directoryObjects/${user.id}` });
}

async function naiveLeaver(graph: NaiveGraph, record: HrRecord): Promise<void> {
  const user = await userByEmployeeId(graph, record.employee.employeeId);
  if (!user) throw new Error(`naive: no user ${record.employee.employeeId}`);
  await graph.call('PATCH', `/users/${user.id}`, { accountEnabled: false });
  await graph.call('POST', `/users/${user.id}/revokeSignInSessions`);
  await graph.call('PATCH', `/users/${user.id}`, { employeeLeaveDateTime: new Date().toISOString() });
  const memberOf = (await graph.call('GET', `/users/${user.id}/memberOf`)) as Listed;
  for (const group of memberOf.value) {
    if (group['@odata.type'] !== '#microsoft.graph.group' || (Array.isArray(group.groupTypes) && group.groupTypes.includes('DynamicMembership'))) continue;
    await graph.call('DELETE', `/groups/${group.id}/members/${user.id}/$ref`);
  }
  const licences = (await graph.call('GET', `/users/${user.id}/licenseDetails`)) as { value: Array<{ skuId: string }> };
  if (licences.value.length > 0) await graph.call('POST', `/users/${user.id}/assignLicense`, { addLicenses: [], removeLicenses: licences.value.map((l) => l.skuId) });
}

async function runSequentially(items: number, one: (i: number) => Promise<void>): Promise<NaiveRun> {
  const run: NaiveRun = { startedAt: Date.now(), doneAt: [], failed: [] };
  for (let i = 0; i < items; i++) {
    try {
      await one(i);
    } catch (error) {
      run.failed.push(error instanceof Error ? error.message : String(error));
    }
    run.doneAt.push(Date.now());
  }
  return run;
}

/** `count` joiners (three groups, E3, a manager who already has an account), one after another. */
export function runNaiveJoiners(baseUrl: string, count: number, prefix: string, manager: PopulationWorker): Promise<NaiveRun> {
  const graph = naiveGraph(baseUrl);
  return runSequentially(count, (i) =>
    naiveJoiner(graph, baseUrl, { employeeId: `${prefix}${i}`, upnLocal: `naive.${prefix.toLowerCase()}${i}`, department: i % 2 ? 'Sales' : 'Engineering', managerEmployeeId: manager.employeeId }),
  );
}

/** The mixed stream, one event after another; `from` is each mover's department before the move. */
export function runNaiveMixed(baseUrl: string, events: readonly HrRecord[], before: ReadonlyMap<string, PopulationWorker>): Promise<NaiveRun> {
  const graph = naiveGraph(baseUrl);
  return runSequentially(events.length, async (i) => {
    const record = events[i] as HrRecord;
    if (record.type === 'joiner') {
      const { employeeId, department, managerEmployeeId } = record.employee;
      return naiveJoiner(graph, baseUrl, { employeeId, upnLocal: `naive.${employeeId.toLowerCase()}`, department, managerEmployeeId: managerEmployeeId as string });
    }
    if (record.type === 'leaver') return naiveLeaver(graph, record);
    const worker = before.get(record.employee.employeeId);
    if (!worker) throw new Error(`naive: mover ${record.employee.employeeId} is not in the population`);
    return naiveMover(graph, baseUrl, record, worker.department, worker.managerEmployeeId !== record.employee.managerEmployeeId);
  });
}
