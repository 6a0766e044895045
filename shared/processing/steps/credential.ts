import type { LifecycleEvent } from '../../domain/events';
import { createTemporaryAccessPass, deleteTemporaryAccessPass, listTemporaryAccessPasses, type IssuedTemporaryAccessPass } from '../../graph/authentication';
import { GraphRequestError } from '../../graph/errors';
import { fitToPolicy, temporaryAccessPassPolicy, type PassTerms, type TemporaryAccessPassPolicy } from '../../graph/temporary-access-pass-policy';
import type { DirectoryUser } from '../../graph/users';
import type { CredentialDelivery } from '../../credentials/channel';
import type { ProcessingDeps } from '../deps';
import { StepFailure } from '../outcome';
import type { StepRunner } from '../step-runner';

const STEP = 'issue-temporary-access-pass';

/**
 * Issues a one-use Temporary Access Pass and hands it to the configured channel — the only place
 * it goes. Only to an account that can sign in: a future-dated hire's pass comes at its start, when
 * sign-in is enabled, never with the account made days before (it would expire, or be used, first).
 * Graph shows a pass only when it is created, so a pass left by an attempt whose delivery failed cannot be re-sent: it is deleted and a new one issued. A step completed earlier is not
 * repeated, so a redelivered event does not invalidate a pass the worker already received.
 * The tenant's TAP policy decides whether a pass may be issued and how long it may last.
 */
export async function issueTemporaryAccessPass(
  event: LifecycleEvent,
  user: DirectoryUser,
  reason: CredentialDelivery['reason'],
  runner: StepRunner,
  deps: ProcessingDeps,
): Promise<void> {
  await runner.run(STEP, async () => {
    const channel = deps.credentials;
    if (!channel) return { outcome: 'skipped', detail: 'no credential channel configured (CREDENTIAL_DELIVERY=none): the worker signs in through self-service' };
    if (runner.completedEarlier(STEP)) return { outcome: 'already-done', detail: 'a Temporary Access Pass was delivered in an earlier attempt' };
    // Not for an account that cannot sign in (a hire before its start, an undo that left sign-in off): the pass would expire, or wait for someone, unused.
    if (user.accountEnabled === false && !signInPlanned(runner, deps)) return { outcome: 'skipped', detail: `sign-in is off for ${user.userPrincipalName}: a Temporary Access Pass is issued once it can sign in (a future-dated hire gets one at its start)` };
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would issue a Temporary Access Pass and deliver it via ${channel.name}` };
    let policy = await temporaryAccessPassPolicy(deps.graph, deps.now());
    const stale = await listTemporaryAccessPasses(deps.graph, user.id);
    // Deleting a pass, or giving up, is decided on today's policy rather than one read minutes ago.
    if (stale.length > 0 || !policy.enabled) policy = await temporaryAccessPassPolicy(deps.graph, deps.now(), { fresh: true });
    requireEnabled(policy, user);
    for (const method of stale) await deleteTemporaryAccessPass(deps.graph, user.id, method.id);
    const { issued, terms } = await createWithinPolicy(user, fitToPolicy(deps.settings.TAP_LIFETIME_MINUTES, policy), deps);
    await channel.deliver({
      eventId: event.eventId,
      tenantId: event.tenantId,
      employeeId: event.employee.employeeId,
      userPrincipalName: user.userPrincipalName,
      ...(event.employee.managerEmployeeId ? { managerEmployeeId: event.employee.managerEmployeeId } : {}),
      kind: 'temporary-access-pass',
      secret: issued.pass,
      expiresAt: issued.expiresAt,
      reason,
    });
    const notes = [...terms.notes, ...(stale.length ? ['replaced an undelivered earlier pass'] : [])];
    const suffix = notes.length ? ` (${notes.join('; ')})` : '';
    return { outcome: 'done', detail: `one-use Temporary Access Pass valid until ${issued.expiresAt} delivered via ${channel.name}${suffix}` };
  });
}

/** A dry run plans sign-in enabled (a rehire, a hire's start) without changing the account it read: the pass is planned after it. */
function signInPlanned(runner: StepRunner, deps: ProcessingDeps): boolean {
  return deps.mode === 'plan' && runner.record.steps.some((s) => s.name === 'enable-sign-in' && s.outcome === 'planned');
}

/**
 * Creates the pass; if Graph refuses it (400), the policy may have changed since it was read:
 * read it again and, when that gives other terms, try once more with them.
 */
async function createWithinPolicy(user: DirectoryUser, terms: PassTerms, deps: ProcessingDeps): Promise<{ issued: IssuedTemporaryAccessPass; terms: PassTerms }> {
  const create = (t: PassTerms) => createTemporaryAccessPass(deps.graph, user.id, { lifetimeInMinutes: t.lifetimeInMinutes, isUsableOnce: t.isUsableOnce }, deps.now());
  try {
    return { issued: await create(terms), terms };
  } catch (error) {
    if (!(error instanceof GraphRequestError) || error.failure.status !== 400) throw error;
    const today = await temporaryAccessPassPolicy(deps.graph, deps.now(), { fresh: true });
    requireEnabled(today, user);
    const refitted = fitToPolicy(deps.settings.TAP_LIFETIME_MINUTES, today);
    if (refitted.lifetimeInMinutes === terms.lifetimeInMinutes) throw error;
    return { issued: await create(refitted), terms: refitted };
  }
}

function requireEnabled(policy: TemporaryAccessPassPolicy, user: DirectoryUser): void {
  if (policy.enabled) return;
  throw new StepFailure(
    STEP,
    false,
    'TemporaryAccessPassDisabled',
    `no Temporary Access Pass was issued for ${user.userPrincipalName}: Temporary Access Pass is disabled in the tenant's authentication methods policy`,
    "Enable Temporary Access Pass in the tenant's authentication methods policy (Entra admin center: Protection > Authentication methods > Policies > Temporary Access Pass) for the users concerned, then replay.",
  );
}
