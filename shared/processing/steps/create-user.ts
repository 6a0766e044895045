import type { LifecycleEvent } from '../../domain/events';
import { generateInitialPassword } from '../../domain/credentials';
import { buildDisplayName, buildMailNickname, buildUserPrincipalName } from '../../domain/naming';
import { GraphRequestError } from '../../graph/errors';
import { createUser, findUserByUpn, type DirectoryUser, type NewUserBody } from '../../graph/users';
import type { ProcessingDeps } from '../deps';
import { StepFailure } from '../outcome';
import type { StepRunner } from '../step-runner';
import { resolveUsageLocation } from './account';
import { hrOwnedAttributes } from './attributes';
import { sameEmployeeId } from './find-user';

const MAX_UPN_ATTEMPTS = 20;

/**
 * Creates the account with every attribute in one request. The UPN comes from the template;
 * when it is taken, the holder is checked: if it carries this worker's employeeId (an earlier
 * attempt whose response was lost) it is adopted, otherwise the next suffix is tried.
 */
export async function createAccount(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<DirectoryUser | undefined> {
  let user: DirectoryUser | undefined;
  await runner.run('create-user', async () => {
    const usage = resolveUsageLocation(event, 'create-user');
    const notes = usage.note ? [usage.note] : [];
    const explicit = event.employee.userPrincipalName;
    const attempts = explicit ? 1 : MAX_UPN_ATTEMPTS;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const naming = explicit ? { upn: explicit, notes: [] as string[] } : buildUserPrincipalName(event.employee, deps.settings.UPN_TEMPLATE, deps.settings.UPN_DOMAIN, attempt);
      const allNotes = [...notes, ...naming.notes];
      const suffix = allNotes.length ? ` (${allNotes.join('; ')})` : '';
      if (deps.mode === 'plan') {
        const holder = await findUserByUpn(deps.graph, naming.upn);
        if (holder) continue;
        return { outcome: 'planned', detail: `would create ${naming.upn}${suffix}` };
      }
      try {
        user = await createUser(deps.graph, newUserBody(event, naming.upn, usage.code));
        return { outcome: 'done', detail: `created ${naming.upn}${suffix}` };
      } catch (error) {
        if (!(error instanceof GraphRequestError) || error.failure.kind !== 'conflict') throw error;
        const holder = await findUserByUpn(deps.graph, naming.upn);
        if (holder && sameEmployeeId(holder.employeeId, event.employee.employeeId)) {
          user = holder;
          return { outcome: 'already-done', detail: `${naming.upn} already exists for this worker` };
        }
        if (!holder) {
          throw new StepFailure('create-user', true, 'UpnHolderNotVisible', `${naming.upn} is taken but its holder cannot be read yet (replication delay)`);
        }
      }
    }
    throw new StepFailure('create-user', false, 'NoFreeUserPrincipalName', `no free userPrincipalName after ${attempts} attempt(s)`, 'Set userPrincipalName explicitly for this worker in HR, then replay.');
  });
  return user;
}

function newUserBody(event: LifecycleEvent, upn: string, usageLocation: string | undefined): NewUserBody {
  const e = event.employee;
  const localPart = upn.split('@')[0] as string;
  return {
    accountEnabled: true,
    displayName: buildDisplayName(e),
    mailNickname: buildMailNickname(localPart),
    userPrincipalName: upn,
    // A random password nobody sees: the worker gets in with the configured initial credential
    // (Temporary Access Pass) or self-service reset. It is never stored or logged.
    passwordProfile: { password: generateInitialPassword().reveal(), forceChangePasswordNextSignIn: true },
    employeeId: e.employeeId,
    ...hrOwnedAttributes(e, usageLocation),
  };
}
