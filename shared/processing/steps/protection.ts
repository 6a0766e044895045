import { directoryRolesIn, groupsIn } from '../../graph/groups';
import type { DirectoryUser } from '../../graph/users';
import type { AccountReads } from '../account-reads';
import { StepFailure } from '../outcome';
import type { ProcessingDeps } from '../deps';
import type { ProtectionPolicy } from '../../rules/access-policy';
import type { StepRunner } from '../step-runner';

/**
 * Break-glass and admin accounts are never touched by automation. Checked before the first
 * write of any event that changes an existing account, so a protected account sees no partial
 * change.
 */
export async function assertNotProtected(user: DirectoryUser, protection: ProtectionPolicy, reads: AccountReads): Promise<void> {
  const upn = user.userPrincipalName.toLowerCase();
  if (protection.userPrincipalNames.some((p) => p.toLowerCase() === upn)) {
    throw refuse(user, 'it is listed as a protected account');
  }
  if (protection.directoryRoleHolders) {
    const roles = directoryRolesIn(await reads.memberships());
    if (roles.length > 0) throw refuse(user, `it holds directory role(s): ${roles.join(', ')}`);
  }
  if (protection.groups.length > 0) {
    const protectedRefs = new Set(protection.groups.map((g) => g.toLowerCase()));
    const groups = groupsIn(await reads.memberships());
    const hit = groups.find((g) => protectedRefs.has(g.id.toLowerCase()) || protectedRefs.has(g.displayName.toLowerCase()));
    if (hit) throw refuse(user, `it is a member of protected group ${hit.displayName}`);
  }
}

function refuse(user: DirectoryUser, why: string): StepFailure {
  return new StepFailure(
    'check-protection',
    false,
    'ProtectedAccount',
    `${user.userPrincipalName} was not changed because ${why}`,
    'Change protected accounts by hand, or remove the protection in the rules file if this account should be managed.',
  );
}

/** The `check-protection` step every flow runs before its first change to an existing account. */
export async function checkProtection(user: DirectoryUser, reads: AccountReads, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  await runner.run('check-protection', async () => {
    await assertNotProtected(user, deps.policy.protection, reads);
    return { outcome: 'done', detail: 'not a protected account' };
  });
}
