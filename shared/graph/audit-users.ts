import type { Client } from '@microsoft/microsoft-graph-client';
import { graphCall, GraphRequestError } from './errors';
import { graphPath } from './odata';

/** The fields the licence audit reads: nothing else, so 100,000 users stay small in memory. */
export interface AuditUser {
  id: string;
  userPrincipalName: string;
  accountEnabled?: boolean;
  employeeId?: string | null;
  employeeLeaveDateTime?: string | null;
  createdDateTime?: string | null;
  assignedLicenses?: { skuId: string; disabledPlans?: string[] }[];
  department?: string | null;
  jobTitle?: string | null;
  employeeType?: string | null;
  companyName?: string | null;
  officeLocation?: string | null;
  city?: string | null;
  country?: string | null;
  usageLocation?: string | null;
  signInActivity?: { lastSignInDateTime?: string | null; lastSuccessfulSignInDateTime?: string | null } | null;
}

const FIELDS = [
  'id', 'userPrincipalName', 'accountEnabled', 'employeeId', 'employeeLeaveDateTime', 'createdDateTime', 'assignedLicenses',
  'department', 'jobTitle', 'employeeType', 'companyName', 'officeLocation', 'city', 'country', 'usageLocation',
];

export interface AuditScan {
  pages: AsyncGenerator<AuditUser[]>;
  /** Known after the first page: whether sign-in activity could be read, and if not, why. */
  signInActivity(): { available: boolean; reason?: string };
  /** Whether Graph accepted the filter that skips unlicensed users. */
  filteredToLicensed(): boolean;
}

/**
 * Licensed users, a page (≤ 999) at a time. Asks for `signInActivity` (needs Entra ID P1 and
 * AuditLog.Read.All) and falls back without it; filters to licensed users with an advanced
 * query (`ConsistencyLevel: eventual` on every page — nextLinks do not carry the header) and
 * falls back to all users if Graph refuses the filter.
 */
export function scanLicensedUsers(graph: Client, options: { withSignInActivity: boolean; unlicensed?: boolean }): AuditScan {
  let signIn: { available: boolean; reason?: string } = { available: options.withSignInActivity, ...(options.withSignInActivity ? {} : { reason: 'not requested' }) };
  let filtered = true;

  async function firstPage(): Promise<{ value: AuditUser[]; '@odata.nextLink'?: string }> {
    for (;;) {
      const select = [...FIELDS, ...(signIn.available ? ['signInActivity'] : [])].join(',');
      let request = graph.api('/users').select(select).top(999);
      if (filtered) request = request.header('ConsistencyLevel', 'eventual').query({ $count: 'true' }).filter(options.unlicensed ? 'assignedLicenses/$count eq 0' : 'assignedLicenses/$count ne 0');
      try {
        return await graphCall('list licensed users', () => request.get());
      } catch (error) {
        if (!(error instanceof GraphRequestError)) throw error;
        const failure = error.failure;
        if (signIn.available && (failure.status === 403 || /signInActivity|premium/i.test(failure.message))) {
          signIn = { available: false, reason: `Graph refused signInActivity (${failure.code}): the tenant needs Microsoft Entra ID P1 and the app AuditLog.Read.All` };
          continue;
        }
        if (filtered && failure.status === 400) {
          filtered = false;
          continue;
        }
        throw error;
      }
    }
  }

  async function* pages(): AsyncGenerator<AuditUser[]> {
    let page = await firstPage();
    yield page.value;
    while (page['@odata.nextLink']) {
      const next = page['@odata.nextLink'];
      page = await graphCall('list licensed users (next page)', () => {
        const request = graph.api(next);
        return (filtered ? request.header('ConsistencyLevel', 'eventual') : request).get();
      });
      yield page.value;
    }
  }

  return { pages: pages(), signInActivity: () => signIn, filteredToLicensed: () => filtered };
}

/** Member ids of one group, paged; used once per rule-managed group instead of memberOf per user. */
export async function groupMemberIds(graph: Client, groupId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let page = (await graphCall('list group members', () => graph.api(graphPath`/groups/${groupId}/members`).select('id').top(999).get())) as { value: { id: string }[]; '@odata.nextLink'?: string };
  for (;;) {
    for (const member of page.value) ids.add(member.id);
    const next = page['@odata.nextLink'];
    if (!next) return ids;
    page = await graphCall('list group members (next page)', () => graph.api(next).get());
  }
}
