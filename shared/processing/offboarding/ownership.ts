import { graphRoot } from '../deps';
import { addGroupOwner, listGroupOwnerIds, listOwnedObjects, type OwnedApp, type OwnedGroup } from '../../graph/owners';
import { findUserByUpn, type DirectoryUser } from '../../graph/users';
import type { OffboardingContext } from './context';
import type { OffboardingStage } from './index';

export const OWNERSHIP_STEP = 'hand-over-group-ownership';
/** The detail names this many groups and apps of each kind at most (a leaver may own hundreds). */
const MAX_NAMED = 25;

/**
 * Why the app does not make anyone an owner of this group, or undefined when it will:
 * - role-assignable: its owners decide who holds its directory role, and Graph guards those groups
 *   with RoleManagement.ReadWrite.Directory (groups-concept page; for owners inferred), which the
 *   app is not given for this — a Privileged Role Administrator hands it over;
 * - made in Exchange, a distribution list, or synchronised from AD: "Owners are currently not
 *   available in Microsoft Graph" for those (https://learn.microsoft.com/graph/api/group-list-owners).
 * Dynamic groups are handed over: their rule sets the members, not the owners.
 */
export function ownerChangeRefusal(group: OwnedGroup): string | undefined {
  if (group.isAssignableToRole) return 'role-assignable: its owners control who holds its directory role; a Privileged Role Administrator hands it over';
  if (group.onPremisesSyncEnabled) return 'synchronised from on-premises AD: its owners are managed there';
  if (group.mailEnabled && !group.groupTypes.includes('Unified')) return 'mail-enabled security group or distribution list: its owners are managed in Exchange';
  return undefined;
}

/** Who takes over: the manager, else `ownership.fallbackOwner` (a UPN or object id). */
async function heirOf(ctx: OffboardingContext): Promise<{ heir?: DirectoryUser; why?: string }> {
  const manager = await ctx.manager();
  if (manager) return { heir: manager };
  const fallback = ctx.policy.ownership?.fallbackOwner;
  if (!fallback) return { why: 'the leaver has no manager and the policy names no ownership.fallbackOwner' };
  const found = await findUserByUpn(ctx.deps.graph, fallback);
  if (!found) return { why: 'ownership.fallbackOwner names no account in the directory' };
  if (found.id === ctx.user.id) return { why: 'ownership.fallbackOwner is the leaver' };
  return { heir: found };
}

const listed = (items: string[]): string => (items.length > MAX_NAMED ? `${items.slice(0, MAX_NAMED).join(', ')} and ${items.length - MAX_NAMED} more` : items.join(', '));

function appsNote(apps: OwnedApp[] | undefined): string {
  if (apps === undefined) return '; app registrations and service principals not listed: Graph refused to list what the leaver owns';
  if (apps.length === 0) return '';
  const name = (a: OwnedApp) => `${a.displayName ?? '(name needs Application.Read.All)'} [${a.kind === 'application' ? 'app registration' : 'service principal'} ${a.id}]`;
  return `; owns ${apps.length} app registration(s)/service principal(s), left as they are: ${listed(apps.map(name))}`;
}

type GroupResult = { kind: 'added' | 'would-add' | 'already' | 'kept' | 'refused'; text: string; group: OwnedGroup };

async function handOverGroup(ctx: OffboardingContext, group: OwnedGroup, heir: DirectoryUser): Promise<GroupResult> {
  const owners = await listGroupOwnerIds(ctx.deps.graph, group.id);
  const name = group.displayName;
  // Others besides the leaver and the heir: the group was never the leaver's alone.
  const others = owners.filter((id) => id !== ctx.user.id && id !== heir.id);
  if (others.length > 0) return { kind: 'kept', text: `${name}: kept (${others.length} other owner(s))`, group };
  if (owners.includes(heir.id)) return { kind: 'already', text: `${name}: ${heir.userPrincipalName} is an owner`, group };
  const refusal = ownerChangeRefusal(group);
  if (refusal) return { kind: 'refused', text: `${name}: not changed — ${refusal}`, group };
  const dynamic = group.groupTypes.includes('DynamicMembership') ? ' (dynamic group: its rule still sets the members)' : '';
  if (ctx.deps.mode === 'plan') return { kind: 'would-add', text: `${name}: would add ${heir.userPrincipalName} as owner${dynamic}`, group };
  const added = await addGroupOwner(ctx.deps.graph, group.id, heir.id, graphRoot(ctx.deps));
  return { kind: added ? 'added' : 'already', text: `${name}: ${heir.userPrincipalName} ${added ? 'added as owner' : 'is an owner'}${dynamic}`, group };
}

/**
 * `ownership.groups: 'hand-to-manager'`: every group (and so Team) the leaver owns where the leaver
 * is the last owner gets the manager — or `ownership.fallbackOwner` — as owner; groups with other
 * owners keep theirs. The leaver stays an owner (the account is disabled, and an undo needs nothing
 * back). App registrations and service principals the leaver owns are named, never changed.
 * Graph's Add owners page: a Team's owners sync within two hours, and an owner acts in the Team
 * only as a member too — the step does not add memberships.
 */
export const handOverGroupOwnership: OffboardingStage = async (ctx) => {
  if (ctx.policy.ownership?.groups !== 'hand-to-manager') return;
  await ctx.runner.run(OWNERSHIP_STEP, async () => {
    const { groups, apps } = await listOwnedObjects(ctx.deps.graph, ctx.user.id);
    const note = appsNote(apps);
    if (groups.length === 0) return { outcome: 'already-done', detail: `the leaver owns no groups${note}` };
    const { heir, why } = await heirOf(ctx);
    if (!heir) return { outcome: 'skipped', detail: `${why}: the ${groups.length} group(s) the leaver owns keep their owners (${listed(groups.map((g) => g.displayName))})${note}` };
    const results: GroupResult[] = [];
    // One at a time: each is a write to a different group, and the detail keeps their order.
    for (const group of groups) results.push(await handOverGroup(ctx, group, heir));
    ctx.handover.ownershipTransferred = results.filter((r) => r.kind === 'added' || r.kind === 'already').map((r) => r.group.displayName);
    const detail = `${listed(results.map((r) => r.text))}${note}`;
    if (results.some((r) => r.kind === 'added')) return { outcome: 'done', detail };
    if (results.some((r) => r.kind === 'would-add')) return { outcome: 'planned', detail };
    return { outcome: 'already-done', detail };
  });
};
