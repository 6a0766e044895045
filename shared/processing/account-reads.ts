import type { Client } from '@microsoft/microsoft-graph-client';
import type { LifecycleEvent } from '../domain/events';
import { batchGet, type BatchAnswer } from '../graph/batch';
import { MAX_IN_PLACE_RETRY_AFTER_SECONDS } from '../graph/client';
import { memberOfUrl, readMemberOf, type Membership } from '../graph/groups';
import { assignedLicencesOf, assignedLicencesUrl, getAssignedLicences, type AssignedLicence } from '../graph/licences';
import { getManagerId, managerUrl } from '../graph/manager';
import type { DirectoryUser } from '../graph/users';
import type { ProcessingDeps } from './deps';
import { groupsInScope, licencesInScope } from './steps/access';

export type AccountRead = 'memberships' | 'manager' | 'licences';

/**
 * What an event's steps read about an account before changing it: its direct memberships (the
 * protection check and the group step both look at them), its manager and its licences. Each is
 * read once per attempt, and none of our steps' writes change what another step reads.
 */
export interface AccountReads {
  memberships(): Promise<Membership[]>;
  managerId(): Promise<string | undefined>;
  licences(): Promise<AssignedLicence[]>;
}

/** An account this attempt created holds nothing yet: there is nothing to ask Graph. */
export const newAccountReads: AccountReads = {
  memberships: async () => [],
  managerId: async () => undefined,
  licences: async () => [],
};

const single: Record<AccountRead, (graph: Client, userId: string) => Promise<unknown>> = {
  memberships: (graph, userId) => readMemberOf(graph, userId),
  manager: (graph, userId) => getManagerId(graph, userId),
  licences: (graph, userId) => getAssignedLicences(graph, userId),
};

const asBatchItem: Record<AccountRead, (userId: string) => { url: string; operation: string }> = {
  memberships: (userId) => ({ url: memberOfUrl(userId), operation: 'list user memberships' }),
  manager: (userId) => ({ url: managerUrl(userId), operation: 'read manager' }),
  licences: (userId) => ({ url: assignedLicencesUrl(userId), operation: 'read assigned licences' }),
};

/**
 * Reads of an existing account. The first one a step asks for fetches every read in `expected`
 * in one `$batch` round trip instead of one each; a read nobody expected is made on its own.
 */
export function existingAccountReads(graph: Client, userId: string, expected: ReadonlySet<AccountRead>): AccountReads {
  const reads = new Map<AccountRead, Promise<unknown>>();

  const fromAnswer = async (read: AccountRead, answer: BatchAnswer): Promise<unknown> => {
    if (answer.ok) {
      if (read === 'memberships') return readMemberOf(graph, userId, answer.body);
      if (read === 'manager') return (answer.body as { id: string }).id;
      return assignedLicencesOf(answer.body);
    }
    const { kind } = answer.error.failure;
    if (read === 'manager' && kind === 'not-found') return undefined; // no manager: Graph answers 404
    if (kind !== 'transient') throw answer.error;
    // Graph asks for a throttled item to be retried after its own Retry-After; the SDK does not
    // retry batch items (https://learn.microsoft.com/graph/throttling#throttling-and-batching).
    // A wait longer than the SDK sleeps through fails the read as transient, like a single call's,
    // so the event is rescheduled for then instead of holding its session slot.
    if ((answer.error.failure.retryAfterMs ?? 0) > MAX_IN_PLACE_RETRY_AFTER_SECONDS * 1000) throw answer.error;
    // Otherwise asked again on its own, where the SDK's retries apply; the tenant's governor read
    // the item's 429 and holds this re-ask until then (and the tenant's other requests too, when
    // the 429 showed the tenant's budget spent).
    return single[read](graph, userId);
  };

  const remember = (read: AccountRead, pending: Promise<unknown>): Promise<unknown> => {
    // A step that never comes (an earlier one failed) must not leave an unhandled rejection behind.
    pending.catch(() => undefined);
    reads.set(read, pending);
    return pending;
  };

  const read = (wanted: AccountRead): Promise<unknown> => {
    const known = reads.get(wanted);
    if (known) return known;
    const together = [...expected].filter((r) => !reads.has(r));
    if (!together.includes(wanted) || together.length < 2) return remember(wanted, single[wanted](graph, userId));
    const answers = batchGet(graph, together.map((r) => ({ id: r, ...asBatchItem[r](userId) })));
    for (const r of together) remember(r, answers.then((all) => fromAnswer(r, all.get(r) as BatchAnswer)));
    return reads.get(wanted) as Promise<unknown>;
  };

  return {
    memberships: () => read('memberships') as Promise<Membership[]>,
    managerId: () => read('manager') as Promise<string | undefined>,
    licences: () => read('licences') as Promise<AssignedLicence[]>,
  };
}

export interface AccountChange {
  /** Movers and re-posted joiners lose rule-managed groups and licences the rules no longer give. */
  removeUnwanted: boolean;
  /** Whether the flow sets the manager from the HR record (a ticket's access change does not). */
  linksManager: boolean;
}

/** The reads a flow that reconciles an existing account will make, from the rules and the HR record, so they share one round trip. */
export function accountReadsFor(event: LifecycleEvent, user: DirectoryUser, deps: ProcessingDeps, change: AccountChange): AccountReads {
  const { policy } = deps;
  const { employee } = event;
  const expected = new Set<AccountRead>();
  if (policy.protection.directoryRoleHolders || policy.protection.groups.length > 0) expected.add('memberships');
  const groups = groupsInScope(policy, employee, change.removeUnwanted);
  if (groups.wanted.length > 0 || groups.managed.length > 0) expected.add('memberships');
  if (change.linksManager && employee.managerEmployeeId && employee.managerEmployeeId !== employee.employeeId) expected.add('manager');
  const licences = licencesInScope(policy, employee, change.removeUnwanted);
  if (licences.wanted.length > 0 || licences.managed.size > 0) expected.add('licences');
  return existingAccountReads(deps.graph, user.id, expected);
}
