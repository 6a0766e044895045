import type { LifecycleEvent } from '../../domain/events';
import { createTemporaryAccessPass, deleteTemporaryAccessPass, listTemporaryAccessPasses } from '../../graph/authentication';
import type { DirectoryUser } from '../../graph/users';
import type { CredentialDelivery } from '../../credentials/channel';
import type { ProcessingDeps } from '../deps';
import type { StepRunner } from '../step-runner';

const STEP = 'issue-temporary-access-pass';

/**
 * Issues a one-use Temporary Access Pass and hands it to the configured channel — the only place
 * it goes. Graph shows a pass only when it is created, so a pass left by an attempt whose delivery
 * failed cannot be re-sent: it is deleted and a new one issued. A step completed earlier is not
 * repeated, so a redelivered event does not invalidate a pass the worker already received.
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
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would issue a Temporary Access Pass and deliver it via ${channel.name}` };
    const stale = await listTemporaryAccessPasses(deps.graph, user.id);
    for (const method of stale) await deleteTemporaryAccessPass(deps.graph, user.id, method.id);
    const issued = await createTemporaryAccessPass(deps.graph, user.id, { lifetimeInMinutes: deps.settings.TAP_LIFETIME_MINUTES, isUsableOnce: true }, deps.now());
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
    const replaced = stale.length ? ' (replaced an undelivered earlier pass)' : '';
    return { outcome: 'done', detail: `one-use Temporary Access Pass valid until ${issued.expiresAt} delivered via ${channel.name}${replaced}` };
  });
}
