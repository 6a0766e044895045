import type { LifecycleEvent } from '../../domain/events';
import { buildUserPrincipalName } from '../../domain/naming';
import { GraphRequestError } from '../../graph/errors';
import { findDeletedUserByEmployeeId, findUserByUpn, restoreDeletedUser, type DirectoryUser } from '../../graph/users';
import type { ProcessingDeps } from '../deps';
import { StepFailure } from '../outcome';
import type { StepRunner } from '../step-runner';

const STEP = 'restore-user';
/** As many names as a joiner would try (create-user.ts). */
const MAX_UPN_ATTEMPTS = 20;

/**
 * A rehire's account from deleted items, within its 30 days. Its UPN may have gone to another
 * account meanwhile (Graph then refuses the restore): it is restored under the next free name —
 * HR's userPrincipalName, else the template's next suffix, as a joiner would get — so the worker
 * keeps the account (and no second one is made). Each name is checked before it is used; when
 * none is free, or Graph refuses for another reason, nothing is restored and the event stops.
 * Returns undefined when there is nothing to restore (the caller then creates an account).
 */
export async function restoreAccount(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<DirectoryUser | undefined> {
  let user: DirectoryUser | undefined;
  await runner.run(STEP, async () => {
    const deleted = await findDeletedUserByEmployeeId(deps.graph, event.employee.employeeId);
    if (!deleted) return { outcome: 'skipped', detail: 'no deleted account to restore; a new one is created' };
    const original = deleted.userPrincipalName;
    const takenBy = async (upn: string) => (await findUserByUpn(deps.graph, upn)) !== undefined;
    const originalTaken = await takenBy(original);
    for (const upn of candidateNames(event, original, deps)) {
      const renamed = upn.toLowerCase() !== original.toLowerCase();
      if (renamed ? await takenBy(upn) : originalTaken) continue;
      const because = renamed ? ` as ${upn}: ${original} now belongs to another account` : '';
      if (deps.mode === 'plan') return { outcome: 'planned', detail: `would restore ${original} from deleted items${because}` };
      try {
        const restored = await restoreDeletedUser(deps.graph, deleted.id, renamed ? { newUserPrincipalName: upn, autoReconcileProxyConflict: true } : {});
        user = { ...deleted, ...restored, userPrincipalName: restored.userPrincipalName ?? upn };
        return { outcome: 'done', detail: `restored ${original} from deleted items${because}` };
      } catch (error) {
        // Taken since we looked: the next name. Anything else Graph refuses stops the event.
        if (error instanceof GraphRequestError && error.failure.kind === 'conflict') continue;
        throw refused(original, error);
      }
    }
    throw new StepFailure(
      STEP,
      false,
      'NoFreeUserPrincipalName',
      `${original} belongs to another account and no other userPrincipalName for employee ${event.employee.employeeId} is free; nothing was restored or created`,
      'Set userPrincipalName for this worker in HR (or free the old one), then replay.',
    );
  });
  return user;
}

/** The names to try, in order: the account's own, then HR's, else the template's (without repeats). */
function candidateNames(event: LifecycleEvent, original: string, deps: ProcessingDeps): string[] {
  const explicit = event.employee.userPrincipalName;
  const names = explicit
    ? [original, explicit]
    : [original, ...Array.from({ length: MAX_UPN_ATTEMPTS }, (_, attempt) => buildUserPrincipalName(event.employee, deps.settings.UPN_TEMPLATE, deps.settings.UPN_DOMAIN, attempt).upn)];
  return [...new Map(names.map((n) => [n.toLowerCase(), n])).values()];
}

function refused(original: string, error: unknown): unknown {
  if (!(error instanceof GraphRequestError) || error.failure.kind !== 'permanent') return error;
  return new StepFailure(
    STEP,
    false,
    'RestoreRefused',
    `restoring ${original} from deleted items was refused (Graph ${error.failure.status} ${error.failure.code}: ${error.failure.message}); nothing was restored or created`,
    'Resolve what Graph names (for example an address another account now uses), or restore the account by hand in the Entra admin center, then replay.',
  );
}
