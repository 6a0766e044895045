import { groupsIn, removeGroupMember } from '../../graph/groups';
import type { DirectoryUser } from '../../graph/users';
import type { LeaverSnapshot } from '../../ledger/leaver-snapshots';
import type { AccountReads } from '../account-reads';
import type { ProcessingDeps } from '../deps';
import type { SnapshotGroup } from '../offboarding/snapshot-parts';
import type { StepRunner } from '../step-runner';

const STEP = 'leave-block-group';

/**
 * A worker back from leaving (an undo, a rehire) leaves the group a Conditional Access policy
 * blocks (`leaver.blockGroup`), which nothing in the leaver takes away; unless the snapshot says
 * they were in it before they left, when it stays as it was.
 */
export async function leaveBlockGroup(user: DirectoryUser, snapshot: LeaverSnapshot | undefined, reads: AccountReads, runner: StepRunner, deps: ProcessingDeps): Promise<void> {
  const ref = deps.policy.leaver.blockGroup;
  if (!ref) return;
  await runner.run(STEP, async () => {
    const group = (await deps.directory.resolveGroups([ref])).get(ref);
    if (!group || !groupsIn(await reads.memberships()).some((g) => g.id === group.id)) return { outcome: 'already-done', detail: `not in the block group ${ref}` };
    const groups = snapshot?.parts.groups;
    if (groups?.read && (groups.value as SnapshotGroup[]).some((g) => g.id === group.id)) {
      return { outcome: 'skipped', detail: `kept in the block group ${group.displayName}: it was a member before it left` };
    }
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would remove ${user.userPrincipalName} from the block group ${group.displayName}` };
    await removeGroupMember(deps.graph, group.id, user.id);
    return { outcome: 'done', detail: `removed ${user.userPrincipalName} from the block group ${group.displayName}: Conditional Access no longer blocks it for that` };
  });
}
