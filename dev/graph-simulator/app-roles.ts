import { GraphError } from './errors';
import type { SimContext } from './types';

/**
 * The Graph application permissions the simulated app's token carries. The simulator checks them
 * only where the answer changes what the app sees (everything else is allowed):
 * - members of a role-assignable group change only with RoleManagement.ReadWrite.Directory;
 * - directory roles in `memberOf` carry their properties only with a permission that reads roles;
 * - the Temporary Access Pass policy is readable only with a policy permission;
 * - OneDrives are read and shared only with a Files/Sites permission (drives.ts), group owners change
 *   only with Group.ReadWrite.All, and owned apps' names need an application-reading one (owners.ts).
 * - Mailbox settings, inbox rules and sendMail need MailboxSettings.* and Mail.Send (mail.ts).
 * The default is a generous grant without RoleManagement.ReadWrite.Directory; the local host passes
 * the app's own list (`graphAppRolesFor`), so tests run with what the grant script would grant.
 */
export const DEFAULT_APP_ROLES: readonly string[] = [
  'User.ReadWrite.All',
  'User-LifeCycleInfo.ReadWrite.All',
  'User.RevokeSessions.All',
  'GroupMember.ReadWrite.All',
  'LicenseAssignment.ReadWrite.All',
  'LicenseAssignment.Read.All',
  'AuditLog.Read.All',
  'UserAuthMethod-TAP.ReadWrite.All',
  'Policy.Read.AuthenticationMethod',
  'RoleManagement.Read.Directory',
  // Offboarding: the manager's OneDrive access, group owners, owned apps' names.
  'Files.ReadWrite.All',
  'Group.ReadWrite.All',
  'Application.Read.All',
  // Offboarding: the leaver's automatic replies and inbox rules, the manager's summary by mail (mail.ts).
  'MailboxSettings.ReadWrite',
  'Mail.Send',
];

export function holdsAny(ctx: SimContext, roles: readonly string[]): boolean {
  const granted = ctx.appRoles ?? new Set(DEFAULT_APP_ROLES);
  return roles.some((role) => granted.has(role));
}

/** Graph's answer to a token without the permission (403, as public reports show it). */
export function requireAnyAppRole(ctx: SimContext, roles: readonly string[]): void {
  if (!holdsAny(ctx, roles)) throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

/**
 * "For Microsoft Graph, the RoleManagement.ReadWrite.Directory permission is required to be able to
 * manage the membership of role-assignable groups. The Group.ReadWrite.All permission won't work."
 * https://learn.microsoft.com/entra/identity/role-based-access-control/groups-concept
 * The 403 body is the one reported in microsoftgraph/microsoft-graph-docs#14730.
 */
export const ROLE_ASSIGNABLE_MEMBERSHIP_ROLES = ['RoleManagement.ReadWrite.Directory'] as const;

/** Permissions that read directory roles (the roles' own "List members" page lists these). */
const ROLE_READERS = ['RoleManagement.Read.Directory', 'RoleManagement.ReadWrite.Directory', 'Directory.Read.All', 'Directory.ReadWrite.All'];

/**
 * A directory role as a `directoryObject` relationship shows it. Without permission to read roles
 * Graph still returns the object, "with limited information": `@odata.type` and `id`, every other
 * property null — https://learn.microsoft.com/graph/permissions-overview#limited-information-returned-for-inaccessible-member-objects
 */
export function directoryRoleAsMember(ctx: SimContext, role: { id: string; displayName: string; roleTemplateId?: string }): Record<string, unknown> {
  if (holdsAny(ctx, ROLE_READERS)) return { '@odata.type': '#microsoft.graph.directoryRole', ...role };
  return { '@odata.type': '#microsoft.graph.directoryRole', id: role.id, displayName: null, description: null, roleTemplateId: null };
}
