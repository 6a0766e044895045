import type { LifecycleEvent } from '../../domain/events';
import { generateInitialPassword } from '../../domain/credentials';
import { buildDisplayName, buildMailNickname, buildUserPrincipalName } from '../../domain/naming';
import { InvalidWorkerDataError } from '../../domain/errors';
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
export async function createAccount(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps, options: { enabled?: boolean } = {}): Promise<DirectoryUser | undefined> {
  let user: DirectoryUser | undefined;
  const enabled = options.enabled ?? true;
  await runner.run('create-user', async () => {
    const usage = withDefaultUsageLocation(resolveUsageLocation(event, 'create-user'), deps);
    // A future-dated hire's account is made before its start with sign-in off: nobody can use it until then.
    const notes = [...(usage.note ? [usage.note] : []), ...(enabled ? [] : ['sign-in off until the start'])];
    const explicit = event.employee.userPrincipalName;
    // A mapping's SelectUniqueValue: its candidates, in order, instead of the template's suffixes.
    const candidates = event.employee.upnCandidates;
    const attempts = candidates ? candidates.length : explicit ? 1 : MAX_UPN_ATTEMPTS;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const naming = candidates
        ? { upn: candidates[attempt] as string, notes: attempt > 0 ? [`candidate ${attempt + 1} of ${candidates.length} (the earlier ones were taken)`] : [] }
        : explicit
          ? { upn: explicit, notes: [] as string[] }
          : templateUpn(event, deps, attempt);
      const allNotes = [...notes, ...naming.notes];
      const suffix = allNotes.length ? ` (${allNotes.join('; ')})` : '';
      if (deps.mode === 'plan') {
        const holder = await findUserByUpn(deps.graph, naming.upn);
        if (holder) continue;
        return { outcome: 'planned', detail: `would create ${naming.upn}${suffix}` };
      }
      try {
        const made = await createUser(deps.graph, newUserBody(event, naming.upn, usage.code, enabled));
        // Graph answers a create with only the user's default properties, accountEnabled not among them
        // (https://learn.microsoft.com/en-us/graph/api/user-post-users): it is what was sent.
        user = { ...made, accountEnabled: made.accountEnabled ?? enabled };
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

/**
 * A new account of a worker HR gives no country: the tenant's DEFAULT_USAGE_LOCATION, as the
 * Microsoft 365 admin center gives a new user the organisation's country. Only at creation: an
 * existing account's usage location is never overwritten by a default.
 */
function withDefaultUsageLocation(usage: { code?: string; note?: string }, deps: ProcessingDeps): { code?: string; note?: string } {
  const fallback = deps.settings.DEFAULT_USAGE_LOCATION;
  if (usage.code || !fallback) return usage;
  return { code: fallback, note: `usageLocation ${fallback} from DEFAULT_USAGE_LOCATION (HR sent no country)` };
}

/** The template's UPN; a name it needs is reported under the sender's field when the event names it (a mapped SCIM or CSV record). */
function templateUpn(event: LifecycleEvent, deps: ProcessingDeps, attempt: number) {
  try {
    return buildUserPrincipalName(event.employee, deps.settings.UPN_TEMPLATE, deps.settings.UPN_DOMAIN, attempt);
  } catch (error) {
    const field = error instanceof InvalidWorkerDataError ? (error.field.replace(/^employee\./, '') as 'givenName' | 'surname') : undefined;
    const sourceField = field ? event.sourceFields?.[field] : undefined;
    if (!sourceField || !(error instanceof InvalidWorkerDataError)) throw error;
    throw new InvalidWorkerDataError(`${sourceField} (${error.field})`, error.message.slice(error.field.length + 2));
  }
}

function newUserBody(event: LifecycleEvent, upn: string, usageLocation: string | undefined, enabled: boolean): NewUserBody {
  const e = event.employee;
  const localPart = upn.split('@')[0] as string;
  return {
    accountEnabled: enabled,
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
