/**
 * The Microsoft Graph application permissions (app roles) the app needs, and why — one list,
 * least privilege per operation, each checked against the API's "Permissions" table on
 * learn.microsoft.com (docs/permissions.md cites them). `scripts/grant-graph-permissions.sh` and
 * `scripts/msp-onboard.sh` read these two arrays from this file as text, so keep one entry a line.
 * Tests drive every event type and check each Graph route called is in GRAPH_ROUTE_PERMISSIONS,
 * that the scripts grant exactly `graphAppRolesFor`, and that docs/permissions.md matches.
 */

/** Always granted. */
export const GRAPH_APP_ROLES = [
  'User.ReadWrite.All',
  'User-LifeCycleInfo.ReadWrite.All',
  'User.RevokeSessions.All',
  'GroupMember.ReadWrite.All',
  'LicenseAssignment.ReadWrite.All',
  'LicenseAssignment.Read.All',
  'AuditLog.Read.All',
] as const;

/**
 * Granted only while the feature that needs them is on: `[role, 'SWITCH=value']`; a role may be
 * listed under several switches. OFFBOARD_AUTH_METHODS=on stands for `leaver.authenticationMethods:
 * "remove"`, OFFBOARD_ENTRA_DEVICES=on for `leaver.devices.registered` other than keep,
 * OFFBOARD_INTUNE_DEVICES=on for `leaver.devices.companyOwned` or `.personal` other than keep. The grant
 * scripts grant a role when their environment has that switch (`CREDENTIAL_DELIVERY=webhook
 * scripts/grant-graph-permissions.sh …`). CREDENTIAL_DELIVERY is the app setting;
 * ROLE_ASSIGNABLE_GROUPS=manage stands for `"roleAssignableGroups": "manage"` in any tenant's rules,
 * OFFBOARD_FILES=on for `leaver.files.managerAccess`, OFFBOARD_OWNERSHIP=on for
 * `leaver.ownership.groups: "hand-to-manager"`, OFFBOARD_MAIL=on for `leaver.mail` (automatic replies or
 * forwarding), NOTIFY_MANAGER=email for `leaver.notifyManager.channel: "email"`.
 */
export const CONDITIONAL_GRAPH_APP_ROLES = [
  ['UserAuthMethod-TAP.ReadWrite.All', 'CREDENTIAL_DELIVERY=webhook'],
  ['Policy.Read.AuthenticationMethod', 'CREDENTIAL_DELIVERY=webhook'],
  ['RoleManagement.ReadWrite.Directory', 'ROLE_ASSIGNABLE_GROUPS=manage'],
  ['UserAuthenticationMethod.Read.All', 'OFFBOARD_AUTH_METHODS=on'],
  ['UserAuthMethod-Phone.ReadWrite.All', 'OFFBOARD_AUTH_METHODS=on'],
  ['UserAuthMethod-MicrosoftAuthApp.ReadWrite.All', 'OFFBOARD_AUTH_METHODS=on'],
  ['UserAuthMethod-Passkey.ReadWrite.All', 'OFFBOARD_AUTH_METHODS=on'],
  ['UserAuthMethod-SoftwareOATH.ReadWrite.All', 'OFFBOARD_AUTH_METHODS=on'],
  ['UserAuthMethod-Email.ReadWrite.All', 'OFFBOARD_AUTH_METHODS=on'],
  ['UserAuthMethod-WindowsHello.ReadWrite.All', 'OFFBOARD_AUTH_METHODS=on'],
  ['UserAuthMethod-PlatformCred.ReadWrite.All', 'OFFBOARD_AUTH_METHODS=on'],
  ['UserAuthMethod-TAP.ReadWrite.All', 'OFFBOARD_AUTH_METHODS=on'],
  ['Device.ReadWrite.All', 'OFFBOARD_ENTRA_DEVICES=on'],
  ['DeviceManagementManagedDevices.Read.All', 'OFFBOARD_INTUNE_DEVICES=on'],
  ['DeviceManagementManagedDevices.PrivilegedOperations.All', 'OFFBOARD_INTUNE_DEVICES=on'],
  ['Files.ReadWrite.All', 'OFFBOARD_FILES=on'],
  ['Group.ReadWrite.All', 'OFFBOARD_OWNERSHIP=on'],
  ['Application.Read.All', 'OFFBOARD_OWNERSHIP=on'],
  ['MailboxSettings.ReadWrite', 'OFFBOARD_MAIL=on'],
  ['Mail.Send', 'NOTIFY_MANAGER=email'],
] as const;

export type GraphAppRole = (typeof GRAPH_APP_ROLES)[number] | (typeof CONDITIONAL_GRAPH_APP_ROLES)[number][0];

/** The roles to grant for these switches (the same rule the grant scripts apply to their environment). */
export function graphAppRolesFor(switches: Readonly<Record<string, string | undefined>>): GraphAppRole[] {
  const conditional = CONDITIONAL_GRAPH_APP_ROLES.filter(([, when]) => {
    const [name, value] = when.split('=') as [string, string];
    return switches[name] === value;
  }).map(([role]) => role);
  // A role two switches need (the TAP one) is granted once.
  return [...new Set([...GRAPH_APP_ROLES, ...conditional])];
}

interface RoutePermission {
  roles: readonly GraphAppRole[];
  why: string;
}

const USERS: RoutePermission = { roles: ['User.ReadWrite.All'], why: 'find, create and update workers' };
const GROUPS: RoutePermission = { roles: ['GroupMember.ReadWrite.All'], why: 'read groups and their members (not group settings)' };
const MEMBERS: RoutePermission = {
  roles: ['GroupMember.ReadWrite.All', 'RoleManagement.ReadWrite.Directory'],
  why: 'change memberships; a role-assignable group also needs RoleManagement.ReadWrite.Directory, asked for only when the rules opt in',
};
const FILES: RoutePermission = {
  roles: ['Files.ReadWrite.All'],
  why: "give a leaver's manager access to the leaver's OneDrive (the least an app may share another user's files with)",
};
const MAILBOX: RoutePermission = {
  roles: ['MailboxSettings.ReadWrite'],
  why: "a leaver's automatic replies and the inbox rule that forwards to the manager (not their mail: MailboxSettings.* reads and writes settings and rules only)",
};
const TAP: RoutePermission = { roles: ['UserAuthMethod-TAP.ReadWrite.All'], why: 'issue and replace Temporary Access Passes (no other authentication method)' };
/** Deleting a leaver's method of one type: that type's own permission, never every method's (nor the password's). */
const deletesMethod = (role: GraphAppRole, type: string): RoutePermission => ({ roles: [role], why: `remove a leaver's ${type} sign-in methods (that type only)` });
const ENTRA_DEVICES: RoutePermission = { roles: ['Device.ReadWrite.All'], why: "disable or delete a leaver's Entra devices (the app's service principal also needs the Cloud Device Administrator role to set accountEnabled)" };

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
  // A leaver's snapshot lists them (User.Read.All: https://learn.microsoft.com/graph/api/user-list-directreports); an undo re-points them.
  'GET /users/{id}/directReports': USERS,
  'GET /users/{id}/ownedObjects': {
    roles: ['User.ReadWrite.All', 'Application.Read.All'],
    why: 'groups and apps a leaver owns; app registrations and service principals come back without names unless the app may read applications',
  },
  'GET /users/{id}/drive': FILES,
  'GET /drives/{id}/root': FILES,
  'GET /drives/{id}/items/{itemId}/permissions': FILES,
  'POST /drives/{id}/items/{itemId}/invite': FILES,
  'GET /users/{id}/memberOf': {
    roles: ['User.ReadWrite.All', 'GroupMember.ReadWrite.All'],
    why: 'groups to reconcile; directory roles come back typed (@odata.type, id) without a role permission, enough to protect admins',
  },
  'POST /users/{id}/revokeSignInSessions': { roles: ['User.RevokeSessions.All'], why: "end a leaver's sessions" },
  'POST /users/{id}/assignLicense': { roles: ['LicenseAssignment.ReadWrite.All'], why: 'assign and remove licences' },
  'GET /users/{id}/licenseDetails': USERS,
  'GET /subscribedSkus': { roles: ['LicenseAssignment.Read.All'], why: 'licence stock before assigning, and the licence audit' },
  'GET /groups': GROUPS,
  'GET /groups/{id}': GROUPS,
  'GET /groups/{id}/members': GROUPS,
  'GET /groups/{id}/owners': GROUPS,
  // Only when ownedObjects is refused: the documented fallback, every group with its owners.
  'GET /groups?$expand=owners': GROUPS,
  'POST /groups/{id}/owners/$ref': { roles: ['Group.ReadWrite.All'], why: "make a leaver's manager owner of groups the leaver owned alone (GroupMember.ReadWrite.All may not change owners)" },
  'POST /groups/{id}/members/$ref': MEMBERS,
  'DELETE /groups/{id}/members/{memberId}/$ref': MEMBERS,
  'PATCH /groups/{id}': { ...MEMBERS, why: `add up to 20 members at once (members@odata.bind); ${MEMBERS.why}` },
  'GET /directory/deletedItems/microsoft.graph.user': USERS,
  'GET /directory/deletedItems/{id}': USERS,
  'POST /directory/deletedItems/{id}/restore': { roles: ['User.ReadWrite.All'], why: 'restore a rehire within 30 days' },
  'POST /users/{id}/authentication/temporaryAccessPassMethods': TAP,
  'GET /users/{id}/authentication/temporaryAccessPassMethods': TAP,
  'DELETE /users/{id}/authentication/temporaryAccessPassMethods/{methodId}': { ...TAP, why: `${TAP.why}; remove a leaver's passes` },
  'GET /users/{id}/authentication/methods': { roles: ['UserAuthenticationMethod.Read.All'], why: "list a leaver's sign-in methods before removing them (read only; never the password or a secret)" },
  'DELETE /users/{id}/authentication/phoneMethods/{methodId}': deletesMethod('UserAuthMethod-Phone.ReadWrite.All', 'phone'),
  'DELETE /users/{id}/authentication/microsoftAuthenticatorMethods/{methodId}': deletesMethod('UserAuthMethod-MicrosoftAuthApp.ReadWrite.All', 'Microsoft Authenticator'),
  'DELETE /users/{id}/authentication/fido2Methods/{methodId}': deletesMethod('UserAuthMethod-Passkey.ReadWrite.All', 'FIDO2 / passkey'),
  'DELETE /users/{id}/authentication/softwareOathMethods/{methodId}': deletesMethod('UserAuthMethod-SoftwareOATH.ReadWrite.All', 'software OATH'),
  'DELETE /users/{id}/authentication/emailMethods/{methodId}': deletesMethod('UserAuthMethod-Email.ReadWrite.All', 'email'),
  'DELETE /users/{id}/authentication/windowsHelloForBusinessMethods/{methodId}': deletesMethod('UserAuthMethod-WindowsHello.ReadWrite.All', 'Windows Hello for Business'),
  'DELETE /users/{id}/authentication/platformCredentialMethods/{methodId}': deletesMethod('UserAuthMethod-PlatformCred.ReadWrite.All', 'platform credential'),
  'GET /users/{id}/ownedDevices': { roles: ['User.ReadWrite.All', 'Device.ReadWrite.All'], why: "the Entra devices a leaver joined or registered; without a device permission Graph gives only their ids" },
  'PATCH /devices/{id}': ENTRA_DEVICES,
  'DELETE /devices/{id}': ENTRA_DEVICES,
  'GET /users/{id}/managedDevices': { roles: ['DeviceManagementManagedDevices.Read.All'], why: "a leaver's Intune devices, their ownership and any action already under way" },
  'POST /deviceManagement/managedDevices/{id}/retire': { roles: ['DeviceManagementManagedDevices.PrivilegedOperations.All'], why: "retire a leaver's Intune device (remove company data)" },
  'POST /deviceManagement/managedDevices/{id}/wipe': { roles: ['DeviceManagementManagedDevices.PrivilegedOperations.All'], why: "wipe a leaver's company-owned Intune device (never a personal one)" },
  'GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}': {
    roles: ['Policy.Read.AuthenticationMethod'],
    why: "the tenant's Temporary Access Pass policy (on or off, lifetime bounds, one-time use) before issuing a pass",
  },
  'GET /users/{id}/mailboxSettings/automaticRepliesSetting': MAILBOX,
  'PATCH /users/{id}/mailboxSettings': MAILBOX,
  'GET /users/{id}/mailFolders/inbox/messageRules': MAILBOX,
  'POST /users/{id}/mailFolders/inbox/messageRules': MAILBOX,
  'POST /users/{id}/sendMail': { roles: ['Mail.Send'], why: "the manager's summary by e-mail from the configured mailbox; scope it to that mailbox with Exchange's RBAC for Applications (docs/permissions.md)" },
  // Items of a batch are checked as the requests they carry.
  'POST /$batch': { roles: [], why: 'a container; each item needs its own permission' },
};
