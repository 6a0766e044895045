import type { LifecycleEvent } from '../../domain/events';
import { usageLocationFor } from '../../domain/usage-location';
import { revokeSignInSessions, updateUser, type DirectoryUser, type UserPatch } from '../../graph/users';
import type { ProcessingDeps } from '../deps';
import { StepFailure } from '../outcome';
import type { StepRunner } from '../step-runner';
import { changedAttributes, clearedAttributes, hrOwnedAttributes } from './attributes';

/** The usage location to record, with a note when HR's value was corrected (UK → GB). */
export function resolveUsageLocation(event: LifecycleEvent, step: string): { code?: string; note?: string } {
  const usage = usageLocationFor(event.employee);
  if (!usage) return {};
  if (!usage.ok) {
    throw new StepFailure(step, false, 'InvalidUsageLocation', `usageLocation/country: ${usage.reason}`, "Correct the worker's country or usage location in HR, then replay.");
  }
  return { code: usage.code, ...(usage.corrected ? { note: `usageLocation ${usage.corrected.from} recorded as ${usage.code}` } : {}) };
}

/** Writes only the HR-owned attributes that differ from the account. */
export async function updateAttributes(event: LifecycleEvent, user: DirectoryUser, runner: StepRunner, deps: ProcessingDeps, extra: UserPatch = {}): Promise<void> {
  await runner.run('update-attributes', async () => {
    const usage = resolveUsageLocation(event, 'update-attributes');
    // An account claimed by UPN (it had no employeeId) becomes this worker's.
    const claim = user.employeeId ? {} : { employeeId: event.employee.employeeId };
    const patch = changedAttributes(user, { ...hrOwnedAttributes(event.employee, usage.code), ...clearedAttributes(event.employee), ...claim, ...extra });
    const note = usage.note ? ` (${usage.note})` : '';
    const names = Object.keys(patch);
    if (names.length === 0) return { outcome: 'already-done', detail: `attributes already match HR${note}` };
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would update ${names.join(', ')}${note}` };
    await updateUser(deps.graph, user.id, patch);
    Object.assign(user, patch);
    return { outcome: 'done', detail: `updated ${names.join(', ')}${note}` };
  });
}

export async function setAccountEnabled(user: DirectoryUser, enabled: boolean, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  const name = enabled ? 'enable-sign-in' : 'disable-sign-in';
  await runner.run(name, async () => {
    if (user.accountEnabled === enabled) return { outcome: 'already-done', detail: `sign-in already ${enabled ? 'enabled' : 'disabled'}` };
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would ${enabled ? 'enable' : 'disable'} sign-in` };
    await updateUser(deps.graph, user.id, { accountEnabled: enabled });
    user.accountEnabled = enabled;
    return { outcome: 'done', detail: `sign-in ${enabled ? 'enabled' : 'disabled'}` };
  });
}

export async function revokeSessions(user: DirectoryUser, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  await runner.run('revoke-sessions', async () => {
    if (runner.completedEarlier('revoke-sessions')) return { outcome: 'already-done', detail: 'sessions were revoked in an earlier attempt' };
    if (deps.mode === 'plan') return { outcome: 'planned', detail: 'would revoke sign-in sessions and refresh tokens' };
    await revokeSignInSessions(deps.graph, user.id);
    return { outcome: 'done', detail: 'sign-in sessions and refresh tokens revoked' };
  });
}

export async function setLeaveDate(user: DirectoryUser, leaveAt: Date | null, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  const name = leaveAt ? 'set-leave-date' : 'clear-leave-date';
  await runner.run(name, async () => {
    const wanted = leaveAt ? leaveAt.toISOString() : null;
    const current = user.employeeLeaveDateTime ?? null;
    if ((current === null && wanted === null) || (current && wanted && new Date(current).getTime() === new Date(wanted).getTime())) {
      return { outcome: 'already-done', detail: wanted ? `employeeLeaveDateTime already ${wanted}` : 'no leave date set' };
    }
    if (deps.mode === 'plan') return { outcome: 'planned', detail: wanted ? `would set employeeLeaveDateTime to ${wanted}` : 'would clear employeeLeaveDateTime' };
    await updateUser(deps.graph, user.id, { employeeLeaveDateTime: wanted });
    user.employeeLeaveDateTime = wanted;
    return { outcome: 'done', detail: wanted ? `employeeLeaveDateTime set to ${wanted}` : 'employeeLeaveDateTime cleared' };
  });
}
