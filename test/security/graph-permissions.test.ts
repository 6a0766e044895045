import { GRAPH_APP_ROLES, GRAPH_ROUTE_PERMISSIONS } from '../../shared/graph/permissions';

describe('Graph permissions list', () => {
  it('every route names only roles from the granted list, and says why', () => {
    for (const [route, permission] of Object.entries(GRAPH_ROUTE_PERMISSIONS)) {
      for (const role of permission.roles) expect(GRAPH_APP_ROLES).toContain(role);
      expect(`${route}: ${permission.why}`).toMatch(/: \S/);
    }
  });

  it('every granted role is needed by some route (nothing granted "just in case")', () => {
    const used = new Set(Object.values(GRAPH_ROUTE_PERMISSIONS).flatMap((p) => p.roles));
    expect(GRAPH_APP_ROLES.filter((role) => !used.has(role))).toEqual([]);
  });

  it('no directory-wide write or read-everything role is asked for', () => {
    expect(GRAPH_APP_ROLES).not.toContain('Directory.ReadWrite.All' as never);
    expect(GRAPH_APP_ROLES).not.toContain('Directory.Read.All' as never);
    expect(GRAPH_APP_ROLES).not.toContain('Group.ReadWrite.All' as never);
  });
});
