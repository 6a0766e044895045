import { groupsIn, type DirectoryGroup } from '../../graph/groups';
import type { AssignedLicence } from '../../graph/licences';
import type { AccountReads } from '../account-reads';
import type { ProcessingDeps } from '../deps';

/**
 * A leaver's licensing groups (group-based licensing): a membership that gives a licence is the
 * licence, so it is left at the licence phase — after the mail steps and the grace period
 * (licenceGraceDays) — never with the other groups. Entra takes the licence away when the
 * membership goes ("When they leave the group, those licenses are removed":
 * https://learn.microsoft.com/en-us/training/modules/create-configure-manage-identities/8-manage-licenses).
 */

/** The ids of the rules' licensing groups (one cached resolve; none named, no request). */
export async function ruleLicensingGroupIds(deps: ProcessingDeps): Promise<Set<string>> {
  const refs = [...deps.policy.ruleManagedLicensingGroups()];
  if (refs.length === 0) return new Set();
  return new Set([...(await deps.directory.resolveGroups(refs)).values()].map((g) => g.id));
}

/** Of the direct memberships, those that license the worker: a rules' licensing group, or a group a held licence comes through. */
export async function licensingMembershipIds(memberOf: readonly DirectoryGroup[], held: readonly AssignedLicence[], deps: ProcessingDeps): Promise<Set<string>> {
  const licensing = new Set([...(await ruleLicensingGroupIds(deps)), ...held.flatMap((l) => l.viaGroups ?? [])]);
  return new Set(memberOf.filter((g) => licensing.has(g.id)).map((g) => g.id));
}

/**
 * The licensing groups the leaver's licence phase leaves: the rules' own always; any other group a
 * licence comes through only when the leaver policy removes every removable group. Memberships are
 * read only when one of those can exist.
 */
export async function licensingGroupsToLeave(held: readonly AssignedLicence[], reads: AccountReads, deps: ProcessingDeps): Promise<DirectoryGroup[]> {
  const rule = await ruleLicensingGroupIds(deps);
  const allRemovable = deps.policy.leaver.removeGroups === 'all-removable';
  const via = new Set(allRemovable ? held.flatMap((l) => l.viaGroups ?? []) : []);
  if (rule.size === 0 && via.size === 0) return [];
  return groupsIn(await reads.memberships()).filter((g) => rule.has(g.id) || via.has(g.id));
}
