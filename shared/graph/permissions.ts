/**
 * The Microsoft Graph application permissions (app roles) the app needs, and why — one list,
 * least privilege per operation. `scripts/grant-graph-permissions.sh` grants exactly these to the
 * managed identity; a test drives every event type and checks each Graph route it called is here.
 */
export const GRAPH_APP_ROLES = [
  'User.ReadWrite.All',
  'User-LifeCycleInfo.ReadWrite.All',
  'User.RevokeSessions.All',
  'UserAuthenticationMethod.ReadWrite.All',
  'GroupMember.ReadWrite.All',
  'LicenseAssignment.ReadWrite.All',
  'Organization.Read.All',
  'RoleManagement.Read.Directory',
  'AuditLog.Read.All',
] as const;

export type GraphAppRole = (typeof GRAPH_APP_ROLES)[number];

interface RoutePermission {
  roles: readonly GraphAppRole[];
  why: string;
}

const USERS: RoutePermission = { roles: ['User.ReadWrite.All'], why: 'find, create and update workers' };
const GROUPS: RoutePermission = { roles: ['GroupMember.ReadWrite.All'], why: 'read groups and change memberships (not group settings)' };
const TAP: RoutePermission = { roles: ['UserAuthenticationMethod.ReadWrite.All'], why: 'issue and replace Temporary Access Passes' };

/** Every Graph route the app calls (`METHOD /pattern`, as the simulator labels them) and what it needs. */
export const GRAPH_ROUTE_PERMISSIONS: Readonly<Record<string, RoutePermission>> = {
  'GET /users': USERS,
  // Not a separate route: the licence audit's `$select=signInActivity` on GET /users.
  'GET /users?$select=signInActivity': { roles: ['AuditLog.Read.All'], why: 'last sign-in for the inactive-licence audit (also needs Entra ID P1)' },
  'POST /users': USERS,
  'GET /users/{id}': USERS,
  'PATCH /users/{id}': { roles: ['User.ReadWrite.All', 'User-LifeCycleInfo.ReadWrite.All'], why: 'attributes; employeeLeaveDateTime needs the lifecycle permission' },
  'DELETE /users/{id}': { roles: ['User.ReadWrite.All'], why: 'soft-delete a leaver after retention' },
  'GET /users/{id}/manager': USERS,
  'PUT /users/{id}/manager/$ref': USERS,
  'DELETE /users/{id}/manager/$ref': USERS,
  'GET /users/{id}/memberOf': {
    roles: ['GroupMember.ReadWrite.All', 'RoleManagement.Read.Directory'],
    why: 'groups to reconcile; directory roles to protect admins (without a role permission Graph returns roles with no details)',
  },
  'POST /users/{id}/revokeSignInSessions': { roles: ['User.RevokeSessions.All'], why: "end a leaver's sessions" },
  'POST /users/{id}/assignLicense': { roles: ['LicenseAssignment.ReadWrite.All'], why: 'assign and remove licences' },
  'GET /users/{id}/licenseDetails': USERS,
  'GET /subscribedSkus': { roles: ['Organization.Read.All'], why: 'licence availability before assigning' },
  'GET /groups': GROUPS,
  'GET /groups/{id}': GROUPS,
  'GET /groups/{id}/members': GROUPS,
  'POST /groups/{id}/members/$ref': GROUPS,
  'DELETE /groups/{id}/members/{memberId}/$ref': GROUPS,
  'PATCH /groups/{id}': { roles: ['GroupMember.ReadWrite.All'], why: 'add up to 20 members at once (members@odata.bind)' },
  'GET /directory/deletedItems/microsoft.graph.user': USERS,
  'GET /directory/deletedItems/{id}': USERS,
  'POST /directory/deletedItems/{id}/restore': { roles: ['User.ReadWrite.All'], why: 'restore a rehire within 30 days' },
  'POST /users/{id}/authentication/temporaryAccessPassMethods': TAP,
  'GET /users/{id}/authentication/temporaryAccessPassMethods': TAP,
  'DELETE /users/{id}/authentication/temporaryAccessPassMethods/{methodId}': TAP,
  // Items of a batch are checked as the requests they carry.
  'POST /$batch': { roles: [], why: 'a container; each item needs its own permission' },
};
