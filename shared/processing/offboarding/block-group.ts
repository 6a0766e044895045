import { groupsIn, unmanageableReason, type DirectoryGroup } from '../../graph/groups';
import type { ProcessingDeps } from '../deps';
import { StepFailure } from '../outcome';
import type { OffboardingContext } from './context';

const STEP = 'add-to-block-group';

/**
 * `blockGroup: '<group>'`: the leaver joins the group a Conditional Access policy blocks, so even a
 * token or a device the other steps miss gets no further. The operator asked for this control:
 * a group that does not exist or cannot take members through Graph (dynamic, synchronised,
 * mail-enabled, role-assignable without the opt-in) stops the event, naming the group, rather
 * than being skipped. "Already a member" is done. Nothing later in the leaver removes the
 * membership (`withoutBlockGroup`).
 */
export async function addToBlockGroup(ctx: OffboardingContext): Promise<void> {
  const ref = ctx.policy.blockGroup;
  if (!ref) return;
  const { deps, user, runner } = ctx;
  await runner.run(STEP, async () => {
    const group = await resolveBlockGroup(ref, deps);
    const reason = unmanageableReason(group, deps.policy.roleAssignableGroups);
    if (reason) {
      throw new StepFailure(
        STEP,
        false,
        'BlockGroupNotChangeable',
        `the leaver policy's block group ${group.displayName} cannot take members through Graph: ${reason}`,
        'Point leaver.blockGroup in the rules file at an assigned security group (not dynamic, synchronised, mail-enabled or role-assignable), or add the leaver to it by hand, then replay.',
      );
    }
    if (groupsIn(await ctx.reads.memberships()).some((g) => g.id === group.id)) {
      return { outcome: 'already-done', detail: `${user.userPrincipalName} is already in the block group ${group.displayName}` };
    }
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would add ${user.userPrincipalName} to the block group ${group.displayName}` };
    const added = await deps.directory.addMember(group, user.id);
    return added
      ? { outcome: 'done', detail: `added ${user.userPrincipalName} to the block group ${group.displayName}` }
      : { outcome: 'already-done', detail: `${user.userPrincipalName} is already in the block group ${group.displayName}` };
  });
}

async function resolveBlockGroup(ref: string, deps: ProcessingDeps): Promise<DirectoryGroup> {
  const group = (await deps.directory.resolveGroups([ref])).get(ref);
  if (group) return group;
  throw new StepFailure(STEP, false, 'BlockGroupNotFound', `the leaver policy's block group ${ref} does not exist`, 'Create the group (and the Conditional Access policy that blocks it), or correct leaver.blockGroup in the rules file, then replay.');
}

/**
 * The groups a leaver's group removal may take away, less the block group: with `all-removable`,
 * or a rule that names the block group, the removal would otherwise undo the block on the next
 * delivery or replay.
 */
export async function withoutBlockGroup(groups: DirectoryGroup[], deps: ProcessingDeps): Promise<DirectoryGroup[]> {
  const ref = deps.policy.leaver.blockGroup;
  if (!ref || groups.length === 0) return groups;
  const block = (await deps.directory.resolveGroups([ref])).get(ref);
  return block ? groups.filter((g) => g.id !== block.id) : groups;
}
