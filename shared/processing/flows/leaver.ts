import type { LifecycleEvent } from '../../domain/events';
import { groupsIn, type DirectoryGroup } from '../../graph/groups';
import { assignLicences } from '../../graph/licences';
import { deleteUser, findDeletedUserByEmployeeId, type DirectoryUser } from '../../graph/users';
import { existingAccountReads, type AccountRead, type AccountReads } from '../account-reads';
import type { ProcessingDeps } from '../deps';
import type { EventPhase, HoldName } from '../outcome';
import type { StepRunner } from '../step-runner';
import { applyMembershipChanges } from '../steps/access';
import { revokeSessions, setAccountEnabled, setLeaveDate } from '../steps/account';
import { findUser } from '../steps/find-user';
import { checkProtection } from '../steps/protection';
import { guardMassLeavers } from '../steps/mass-leaver-guard';
import type { FlowResult } from './flow-result';

const DAY_MS = 24 * 3600_000;

/** When the worker leaves: the event's effective time, else HR's leave date, else when it happened. */
export function leaveTime(event: LifecycleEvent): Date {
  return new Date(event.effectiveAt ?? event.employee.leaveDate ?? event.occurredAt);
}

/**
 * Leaver, at its effective time: sign-in off, sessions revoked, leave date set, groups removed;
 * licences removed now or after the grace period; the account soft-deleted after retention.
 * Later parts run as scheduled phases of the same event.
 */
export async function runLeaver(
  event: LifecycleEvent,
  runner: StepRunner,
  deps: ProcessingDeps,
  phase?: EventPhase,
  release?: ReadonlySet<HoldName>,
): Promise<FlowResult> {
  const leaveAt = leaveTime(event);
  if (!phase && leaveAt.getTime() > deps.now().getTime()) {
    await runner.run('wait-until-effective', async () => ({ outcome: 'pending', detail: `scheduled for ${leaveAt.toISOString()}` }));
    return { schedule: { at: leaveAt, reason: `leaver is effective ${leaveAt.toISOString()}` } };
  }
  const user = await findUser(event, runner, deps);
  if (!user) {
    await runner.run('already-gone', async () => {
      const deleted = await findDeletedUserByEmployeeId(deps.graph, event.employee.employeeId);
      return { outcome: 'already-done', detail: deleted ? 'the account is already deleted' : 'no account for this worker; nothing to do' };
    });
    return {};
  }
  await runner.patch((r) => ({ ...r, userId: user.id }));
  if (phase === 'remove-licences') return removeLicencesPhase(user, existingAccountReads(deps.graph, user.id, new Set()), runner, deps, leaveAt);
  if (phase === 'delete-account') return deletePhase(user, runner, deps);

  const grace = deps.policy.leaver.licenceGraceDays;
  // Memberships for the protection check and the group removal, licences when they go now: one round trip.
  const reads = existingAccountReads(deps.graph, user.id, new Set<AccountRead>(grace > 0 ? ['memberships'] : ['memberships', 'licences']));
  await checkProtection(user, reads, runner, deps);
  await guardMassLeavers(event, runner, deps, release);
  await setAccountEnabled(user, false, runner, deps);
  if (deps.policy.leaver.revokeSessions) await revokeSessions(user, runner, deps);
  await setLeaveDate(user, leaveAt, runner, deps);
  await runner.run('remove-groups', async () => {
    const memberOf = groupsIn(await reads.memberships());
    const removable = deps.policy.leaver.removeGroups === 'all-removable' ? memberOf : await ruleManaged(memberOf, deps);
    return applyMembershipChanges(user, [], removable, deps);
  });
  if (grace > 0) {
    const at = new Date(leaveAt.getTime() + grace * DAY_MS);
    await runner.run('remove-licences', async () => ({ outcome: 'pending', detail: `after the ${grace}-day grace period, at ${at.toISOString()}` }));
    return { schedule: { at, phase: 'remove-licences', reason: 'licence grace period' } };
  }
  return removeLicencesPhase(user, reads, runner, deps, leaveAt);
}

async function removeLicencesPhase(user: DirectoryUser, reads: AccountReads, runner: StepRunner, deps: ProcessingDeps, leaveAt: Date): Promise<FlowResult> {
  if (user.accountEnabled) {
    await runner.run('remove-licences', async () => ({ outcome: 'skipped', detail: 'the account is enabled again (rehired?); licences kept' }));
    return {};
  }
  await runner.run('remove-licences', async () => {
    const held = await reads.licences();
    if (held.length === 0) return { outcome: 'already-done', detail: 'no licences assigned' };
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would remove ${held.length} licence(s)` };
    await assignLicences(deps.graph, user.id, [], held.map((l) => l.skuId));
    return { outcome: 'done', detail: `removed ${held.length} licence(s)` };
  });
  const days = deps.policy.leaver.deleteAfterDays;
  if (days === null) return {};
  const at = new Date(leaveAt.getTime() + days * DAY_MS);
  if (at.getTime() <= deps.now().getTime()) return deletePhase(user, runner, deps);
  await runner.run('delete-account', async () => ({ outcome: 'pending', detail: `after ${days} days' retention, at ${at.toISOString()}` }));
  return { schedule: { at, phase: 'delete-account', reason: 'retention before deletion' } };
}

async function deletePhase(user: DirectoryUser, runner: StepRunner, deps: ProcessingDeps): Promise<FlowResult> {
  await runner.run('delete-account', async () => {
    if (user.accountEnabled) return { outcome: 'skipped', detail: 'the account is enabled again (rehired?); not deleted' };
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would soft-delete ${user.userPrincipalName} (restorable for 30 days)` };
    const deleted = await deleteUser(deps.graph, user.id);
    return deleted
      ? { outcome: 'done', detail: `${user.userPrincipalName} soft-deleted (restorable for 30 days)` }
      : { outcome: 'already-done', detail: 'already deleted' };
  });
  return {};
}

async function ruleManaged(memberOf: DirectoryGroup[], deps: ProcessingDeps): Promise<DirectoryGroup[]> {
  const refs = [...deps.policy.ruleManagedGroups()];
  if (refs.length === 0) return [];
  const managedIds = new Set([...(await deps.directory.resolveGroups(refs)).values()].map((g) => g.id));
  return memberOf.filter((g) => managedIds.has(g.id));
}
