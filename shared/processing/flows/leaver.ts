import type { LifecycleEvent } from '../../domain/events';
import { groupsIn, type DirectoryGroup } from '../../graph/groups';
import { assignLicences } from '../../graph/licences';
import { deleteUser, findDeletedUserByEmployeeId, findUserByUpn, type DirectoryUser } from '../../graph/users';
import { existingAccountReads, type AccountRead, type AccountReads } from '../account-reads';
import type { OffboardingContext } from '../offboarding/context';
import { runStage, type StageName } from '../offboarding';
import { withoutBlockGroup } from '../offboarding/block-group';
import type { ProcessingDeps } from '../deps';
import type { EventPhase, HoldName } from '../outcome';
import { approvalGate, approvalHold } from '../steps/approval-gate';
import type { StepRunner } from '../step-runner';
import { undoOfLeaver } from '../undo/undo-event';
import { applyMembershipChanges } from '../steps/access';
import { licensingGroupsToLeave, licensingMembershipIds } from '../steps/licensing-groups';
import { revokeSessions, setAccountEnabled, setLeaveDate } from '../steps/account';
import { findUser } from '../steps/find-user';
import { checkProtection } from '../steps/protection';
import { guardMassLeavers } from '../steps/mass-leaver-guard';
import { linkManager, linkWaitingReports } from '../steps/manager';
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
    await runner.run('wait-until-effective', async () => ({ outcome: 'pending', detail: `scheduled for ${leaveAt.toISOString()}`, dueAt: leaveAt }));
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
  if (phase === 'remove-licences') {
    // With licensing groups in the rules the phase reads the memberships too: one round trip for both.
    const later = new Set<AccountRead>(deps.policy.ruleManagedLicensingGroups().size > 0 ? ['licences', 'memberships'] : []);
    return removeLicencesPhase(user, existingAccountReads(deps.graph, user.id, later), runner, deps, leaveAt);
  }
  if (phase === 'delete-account') return deletePhase(user, runner, deps);

  const policy = deps.policy.leaver;
  const grace = policy.licenceGraceDays;
  // Memberships for the protection check and the group removal, licences and the manager for the
  // snapshot (and the licence removal, and steps that hand something to the manager): one round trip.
  const wanted: AccountRead[] = ['memberships', 'licences', 'manager'];
  const reads = existingAccountReads(deps.graph, user.id, new Set<AccountRead>(wanted));
  const ctx = offboardingContext(event, user, runner, deps, reads, leaveAt);
  await checkProtection(user, reads, runner, deps);
  await guardMassLeavers(event, runner, deps, release);
  const stage = (name: StageName) => runStage(name, ctx);

  let paused = await stage('beforeFirstChange');
  if (paused) return paused;
  await setAccountEnabled(user, false, runner, deps);
  // Reports HR gave this worker while their account did not exist yet wait for it; a joiner that a
  // leaver superseded after making the account never linked them. The org chart follows HR either way.
  await linkWaitingReports(event, user, runner, deps);
  await linkMissingManager(event, user, reads, ctx, runner, deps);
  if (policy.revokeSessions) await revokeSessions(user, runner, deps);
  paused = (await stage('closeAccess')) ?? (await stage('accessClosed'));
  if (paused) return paused;
  await setLeaveDate(user, leaveAt, runner, deps);
  paused = (await stage('handOver')) ?? (await stage('beforeLicences'));
  if (paused) return paused;
  await runner.run('remove-groups', async () => {
    const memberOf = groupsIn(await reads.memberships());
    // A membership that licenses the worker is the licence: it goes at the licence phase, not now.
    const licensing = await licensingMembershipIds(memberOf, await reads.licences(), deps);
    const removable = (policy.removeGroups === 'all-removable' ? memberOf : await ruleManaged(memberOf, deps)).filter((g) => !licensing.has(g.id));
    const changed = await applyMembershipChanges(user, [], await withoutBlockGroup(removable, deps), deps);
    const kept = memberOf.filter((g) => licensing.has(g.id)).map((g) => g.displayName);
    return kept.length ? { ...changed, detail: `${changed.detail}; licensing group(s) kept until the licences go: ${kept.join(', ')}` } : changed;
  });
  const licences = grace > 0 ? await scheduleLicenceRemoval(leaveAt, grace, runner) : await removeLicencesPhase(user, reads, runner, deps, leaveAt);
  paused = await stage('offboarded');
  return paused ?? licences;
}

/**
 * The manager HR names, linked when the account has none — a joiner the leaver superseded before it
 * linked them, or an account made by hand — so the hand-over and the manager's summary go to HR's
 * manager. An account that has a manager keeps it: a leaver is not a mover.
 */
async function linkMissingManager(event: LifecycleEvent, user: DirectoryUser, reads: AccountReads, ctx: OffboardingContext, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  const managerEmployeeId = event.employee.managerEmployeeId;
  if (!managerEmployeeId || (await reads.managerId()) !== undefined) return;
  // A manager with no account yet has nothing to take over: no link is made, and none is left waiting for a leaver.
  const manager = await deps.directory.findByEmployeeId(managerEmployeeId, { reuse: true });
  if (!manager || manager.id === user.id) return;
  await linkManager(event, user, reads, runner, deps);
  // The reads were taken before the link: the steps that hand something over ask for this manager.
  ctx.managerId = () => Promise.resolve(manager.id);
}

/** After the grace period the licences go in a later phase of the event. */
async function scheduleLicenceRemoval(leaveAt: Date, grace: number, runner: StepRunner): Promise<FlowResult> {
  const at = new Date(leaveAt.getTime() + grace * DAY_MS);
  await runner.run('remove-licences', async () => ({ outcome: 'pending', detail: `after the ${grace}-day grace period, at ${at.toISOString()}` }));
  return { schedule: { at, phase: 'remove-licences', reason: 'licence grace period' } };
}

function offboardingContext(event: LifecycleEvent, user: DirectoryUser, runner: StepRunner, deps: ProcessingDeps, reads: AccountReads, leaveAt: Date): OffboardingContext {
  let manager: Promise<DirectoryUser | undefined> | undefined;
  const ctx: OffboardingContext = {
    event,
    user,
    runner,
    deps,
    reads,
    policy: deps.policy.leaver,
    leaveAt,
    managerId: () => reads.managerId(),
    manager: () => (manager ??= ctx.managerId().then((id) => (id ? findUserByUpn(deps.graph, id) : undefined))),
    handover: {},
  };
  return ctx;
}

async function removeLicencesPhase(user: DirectoryUser, reads: AccountReads, runner: StepRunner, deps: ProcessingDeps, leaveAt: Date): Promise<FlowResult> {
  if (user.accountEnabled) {
    await runner.run('remove-licences', async () => ({ outcome: 'skipped', detail: 'the account is enabled again (rehired?); licences kept' }));
    return {};
  }
  const undo = await undoOfLeaver(runner.record, deps.ledger);
  if (undo) {
    await runner.run('remove-licences', async () => ({ outcome: 'skipped', detail: `the leaver was undone (${undo.eventId}); licences kept` }));
    return {};
  }
  await runner.run('remove-licences', async () => {
    const held = await reads.licences();
    // The licensing groups it leaves take their licences with them (the rules' own; with all-removable, any).
    const leaving = await licensingGroupsToLeave(held, reads, deps);
    const leavingIds = new Set(leaving.map((g) => g.id));
    // A licence that comes through a group goes with the membership; assignLicense cannot remove it, so it is reported, not fought.
    const direct = held.filter((l) => l.direct !== false);
    const viaGroups = held.filter((l) => l.direct === false && !(l.viaGroups ?? []).every((g) => leavingIds.has(g))).map((l) => `${l.skuId} (through group ${(l.viaGroups ?? []).join(', ')})`);
    const note = viaGroups.length ? `; left to their groups: ${viaGroups.join('; ')}` : '';
    if (direct.length === 0 && leaving.length === 0) return { outcome: 'already-done', detail: `no licences assigned directly${note}` };
    const groups = leaving.length ? await applyMembershipChanges(user, [], leaving, deps) : undefined;
    const groupPart = groups ? `; licensing group(s), the licence going with the membership: ${groups.detail}` : '';
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would remove ${direct.length} licence(s)${groupPart}${note}` };
    if (direct.length > 0) await assignLicences(deps.graph, user.id, [], direct.map((l) => l.skuId));
    const changed = direct.length > 0 || groups?.outcome === 'done';
    return { outcome: changed ? 'done' : 'already-done', detail: `removed ${direct.length} licence(s)${groupPart}${note}` };
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
    // An undo may have left sign-in off (it was off before the leaver): it keeps the account all the same.
    const undo = await undoOfLeaver(runner.record, deps.ledger);
    if (undo) return { outcome: 'skipped', detail: `the leaver was undone (${undo.eventId}); not deleted` };
    const gate = approvalGate('delete', runner.record, deps.policy.leaver);
    if (gate.kind === 'rejected') return { outcome: 'skipped', detail: `deletion rejected by ${gate.by.name} at ${gate.at}: the account is kept, sign-in off` };
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would soft-delete ${user.userPrincipalName} (restorable for 30 days)${gate.kind === 'held' ? ' once an operator approves (needsApproval: delete)' : ''}` };
    if (gate.kind === 'held') throw approvalHold('delete', `the deletion of ${user.userPrincipalName}`);
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
