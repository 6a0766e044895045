import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONDITIONAL_GRAPH_APP_ROLES, GRAPH_APP_ROLES, GRAPH_ROUTE_PERMISSIONS, graphAppRolesFor } from '../../shared/graph/permissions';

const repoRoot = path.join(__dirname, '..', '..');
const allRoles: readonly string[] = [...GRAPH_APP_ROLES, ...CONDITIONAL_GRAPH_APP_ROLES.map(([role]) => role)];

/** The roles the grant scripts' shared library reads from permissions.ts, with these switches in its environment. */
function rolesTheScriptGrants(switches: Record<string, string>): string[] {
  const output = execFileSync('bash', ['-c', '. scripts/lib/graph-app-roles.sh && read_app_roles >/dev/null && printf "%s\\n" "${roles[@]}"'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', repo_root: repoRoot, ...switches },
    encoding: 'utf8',
    // Not a socket on stdin: bash would take that for an ssh session and read ~/.bashrc.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return output.split('\n').filter(Boolean);
}

/** docs/permissions.md: each table row's permission and the routes it names. */
function documentedRoutes(): Map<string, string[]> {
  const doc = readFileSync(path.join(repoRoot, 'docs', 'permissions.md'), 'utf8');
  const rows = new Map<string, string[]>();
  for (const line of doc.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const role = /^`([A-Za-z.-]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!role) continue;
    rows.set(role, [...(cells[2] ?? '').matchAll(/`([A-Z]+ [^`]+)`/g)].map((m) => m[1] as string).sort());
  }
  return rows;
}

describe('Graph permissions list', () => {
  it('every route names only roles the scripts may grant, and says why', () => {
    for (const [route, permission] of Object.entries(GRAPH_ROUTE_PERMISSIONS)) {
      for (const role of permission.roles) expect({ route, role, known: allRoles.includes(role) }).toEqual({ route, role, known: true });
      expect(`${route}: ${permission.why}`).toMatch(/: \S/);
    }
  });

  it('every role, always or conditional, is needed by some route (nothing granted "just in case")', () => {
    const used = new Set(Object.values(GRAPH_ROUTE_PERMISSIONS).flatMap((p) => p.roles));
    expect(allRoles.filter((role) => !used.has(role as never))).toEqual([]);
  });

  it('no directory-wide write or read-everything role is asked for', () => {
    for (const broad of ['Directory.ReadWrite.All', 'Directory.Read.All', 'Policy.Read.All']) expect(allRoles).not.toContain(broad);
  });

  it('when a tenant-wide group or file write is needed (group owners, a leaver\'s OneDrive), then only while its offboarding option is on', () => {
    for (const broad of ['Group.ReadWrite.All', 'Files.ReadWrite.All', 'Sites.ReadWrite.All']) expect(GRAPH_APP_ROLES as readonly string[]).not.toContain(broad);
    expect(graphAppRolesFor({ OFFBOARD_FILES: 'on' })).toEqual([...GRAPH_APP_ROLES, 'Files.ReadWrite.All']);
    expect(graphAppRolesFor({ OFFBOARD_OWNERSHIP: 'on' })).toEqual([...GRAPH_APP_ROLES, 'Group.ReadWrite.All', 'Application.Read.All']);
    expect(allRoles).not.toContain('Sites.ReadWrite.All');
  });

  it('when a Temporary Access Pass is issued, then the TAP-only permission is used, never every authentication method', () => {
    for (const route of Object.keys(GRAPH_ROUTE_PERMISSIONS).filter((r) => r.includes('temporaryAccessPassMethods'))) {
      expect(GRAPH_ROUTE_PERMISSIONS[route]!.roles).toEqual(['UserAuthMethod-TAP.ReadWrite.All']);
    }
    expect(allRoles).not.toContain('UserAuthenticationMethod.ReadWrite.All');
  });

  it('when licence stock is read, then LicenseAssignment.Read.All is asked for, not Organization.Read.All', () => {
    expect(GRAPH_ROUTE_PERMISSIONS['GET /subscribedSkus']!.roles).toEqual(['LicenseAssignment.Read.All']);
    expect(allRoles).not.toContain('Organization.Read.All');
  });

  it('when memberships are read, then no role-management permission is needed: directory roles still come back typed', () => {
    expect(GRAPH_ROUTE_PERMISSIONS['GET /users/{id}/memberOf']!.roles).not.toContain('RoleManagement.Read.Directory');
    expect(allRoles).not.toContain('RoleManagement.Read.Directory');
  });

  it('when the features are off, then neither the TAP, the TAP policy nor the role-assignable group permission is granted', () => {
    const roles = graphAppRolesFor({});
    expect(roles).toEqual([...GRAPH_APP_ROLES]);
    for (const role of ['UserAuthMethod-TAP.ReadWrite.All', 'Policy.Read.AuthenticationMethod', 'RoleManagement.ReadWrite.Directory']) expect(roles).not.toContain(role);
  });

  it('when CREDENTIAL_DELIVERY=webhook, then the TAP and TAP-policy permissions join; ROLE_ASSIGNABLE_GROUPS=manage adds RoleManagement.ReadWrite.Directory', () => {
    expect(graphAppRolesFor({ CREDENTIAL_DELIVERY: 'webhook' })).toEqual([...GRAPH_APP_ROLES, 'UserAuthMethod-TAP.ReadWrite.All', 'Policy.Read.AuthenticationMethod']);
    expect(graphAppRolesFor({ ROLE_ASSIGNABLE_GROUPS: 'manage' })).toEqual([...GRAPH_APP_ROLES, 'RoleManagement.ReadWrite.Directory']);
    expect(graphAppRolesFor({ CREDENTIAL_DELIVERY: 'none', ROLE_ASSIGNABLE_GROUPS: 'leave-alone' })).toEqual([...GRAPH_APP_ROLES]);
  });

  it.each<Record<string, string>>([{}, { CREDENTIAL_DELIVERY: 'webhook' }, { ROLE_ASSIGNABLE_GROUPS: 'manage' }, { CREDENTIAL_DELIVERY: 'webhook', ROLE_ASSIGNABLE_GROUPS: 'manage' }, { OFFBOARD_FILES: 'on', OFFBOARD_OWNERSHIP: 'on' }])(
    'when the grant scripts run with %p, then they grant exactly what the app asks for',
    (switches) => {
      expect(rolesTheScriptGrants(switches)).toEqual(graphAppRolesFor(switches));
    },
  );

  it('when a leaver\'s sign-in methods are removed, then each type is deleted with its own permission and listed read-only — never with every method\'s permission or the password\'s', () => {
    const roles = graphAppRolesFor({ OFFBOARD_AUTH_METHODS: 'on' });
    expect(roles).toContain('UserAuthenticationMethod.Read.All');
    for (const role of roles.filter((r) => r.startsWith('UserAuth'))) expect(role).not.toMatch(/^UserAuthenticationMethod\.ReadWrite|Password/);
    const deletes = Object.entries(GRAPH_ROUTE_PERMISSIONS).filter(([route]) => /^DELETE \/users\/\{id\}\/authentication\//.test(route));
    expect(deletes.length).toBeGreaterThanOrEqual(8);
    for (const [route, permission] of deletes) expect({ route, roles: permission.roles }).toEqual({ route, roles: [expect.stringMatching(/^UserAuthMethod-[A-Za-z]+\.ReadWrite\.All$/)] });
    expect(GRAPH_ROUTE_PERMISSIONS['GET /users/{id}/authentication/methods']!.roles).toEqual(['UserAuthenticationMethod.Read.All']);
  });

  it('when devices are offboarded, then Entra and Intune permissions come only with their own switch, and a wipe needs no write of device properties', () => {
    const plain = graphAppRolesFor({});
    for (const role of ['Device.ReadWrite.All', 'DeviceManagementManagedDevices.Read.All', 'DeviceManagementManagedDevices.PrivilegedOperations.All', 'UserAuthenticationMethod.Read.All']) expect(plain).not.toContain(role);
    expect(graphAppRolesFor({ OFFBOARD_ENTRA_DEVICES: 'on' })).toEqual([...GRAPH_APP_ROLES, 'Device.ReadWrite.All']);
    expect(graphAppRolesFor({ OFFBOARD_INTUNE_DEVICES: 'on' })).toEqual([...GRAPH_APP_ROLES, 'DeviceManagementManagedDevices.Read.All', 'DeviceManagementManagedDevices.PrivilegedOperations.All']);
    for (const action of ['retire', 'wipe']) expect(GRAPH_ROUTE_PERMISSIONS[`POST /deviceManagement/managedDevices/{id}/${action}`]!.roles).toEqual(['DeviceManagementManagedDevices.PrivilegedOperations.All']);
    expect(allRoles).not.toContain('DeviceManagementManagedDevices.ReadWrite.All');
  });

  it.each<Record<string, string>>([{ OFFBOARD_AUTH_METHODS: 'on' }, { CREDENTIAL_DELIVERY: 'webhook', OFFBOARD_AUTH_METHODS: 'on', OFFBOARD_ENTRA_DEVICES: 'on', OFFBOARD_INTUNE_DEVICES: 'on' }])(
    'when the grant scripts run with the offboarding switches %p, then they grant exactly what the app asks for, the TAP permission once',
    (switches) => {
      const granted = rolesTheScriptGrants(switches);
      expect(granted).toEqual(graphAppRolesFor(switches));
      expect(granted.filter((r) => r === 'UserAuthMethod-TAP.ReadWrite.All')).toHaveLength(1);
    },
  );

  it('docs/permissions.md lists every permission with exactly the routes that need it', () => {
    const byRole = new Map<string, string[]>();
    for (const [route, permission] of Object.entries(GRAPH_ROUTE_PERMISSIONS)) {
      for (const role of permission.roles) byRole.set(role, [...(byRole.get(role) ?? []), route]);
    }
    const expected = new Map([...byRole].map(([role, routes]) => [role, routes.sort()]));
    expect(Object.fromEntries(documentedRoutes())).toEqual(Object.fromEntries(expected));
  });
});
