import type { AccessChange, LifecycleEvent } from '../../domain/events';
import type { ProcessingDeps } from '../deps';
import { StepFailure } from '../outcome';
import type { AccessPolicy } from '../../rules/access-policy';
import type { StepRunner } from '../step-runner';
import { reconcileGroups, reconcileLicences } from '../steps/access';
import { issueTemporaryAccessPass } from '../steps/credential';
import { requireAccount } from '../steps/find-user';

/**
 * A one-off access change from a ticket, for a worker who has an account. Group and licence
 * changes run through the same reconciliation as the rules, with a policy of just this change:
 * the same checks (group exists and is changeable, licence units free, usage location) and the
 * same idempotence ("already a member", "not a member" count as done).
 */
export async function runAccessChange(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  const change = event.change;
  if (!change) throw new StepFailure('access', false, 'MissingChange', 'an access event carries no change');
  const oneOff = { ...deps, policy: policyFor(change, deps.policy) };
  const removeUnwanted = change.action === 'remove-group' || change.action === 'remove-licence';
  const { user, reads } = await requireAccount(event, runner, oneOff, { removeUnwanted, linksManager: false }, 'Send a joiner for this worker first, then replay.');
  if (change.action === 'reset-credential') {
    if (!deps.credentials) {
      throw new StepFailure('issue-temporary-access-pass', false, 'NoCredentialChannel', 'a credential reset was asked for but no credential channel is configured', 'Set CREDENTIAL_DELIVERY=webhook with its URL and secret, then replay.');
    }
    await issueTemporaryAccessPass(event, user, 'reset', runner, deps);
    return;
  }
  if (change.action === 'add-group' || change.action === 'remove-group') {
    await reconcileGroups(event, user, runner, oneOff, { removeUnwanted, reads });
  } else {
    await reconcileLicences(event, user, runner, oneOff, { removeUnwanted, reads });
  }
}

/** The rules as this one change sees them: it wants (or manages, to remove) exactly one thing; a credential reset, nothing. */
function policyFor(change: AccessChange, rules: AccessPolicy): AccessPolicy {
  const none = new Set<string>();
  // A ticket adds or removes its one group or SKU: the rules' licensing groups are not its to change.
  const base: AccessPolicy = { ...rules, desiredLicensingGroups: () => [], ruleManagedLicensingGroups: () => none };
  switch (change.action) {
    case 'reset-credential':
      return { ...base, desiredGroups: () => [], ruleManagedGroups: () => none, desiredLicences: () => [], ruleManagedSkus: () => none };
    case 'add-group':
      return { ...base, desiredGroups: () => [change.group], ruleManagedGroups: () => none };
    case 'remove-group':
      return { ...base, desiredGroups: () => [], ruleManagedGroups: () => new Set([change.group]) };
    case 'assign-licence':
      return { ...base, desiredLicences: () => [{ skuPartNumber: change.sku, disabledPlans: change.disabledPlans ?? [] }], ruleManagedSkus: () => none };
    case 'remove-licence':
      return { ...base, desiredLicences: () => [], ruleManagedSkus: () => new Set([change.sku]) };
  }
}
