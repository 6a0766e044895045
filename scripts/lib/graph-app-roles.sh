# Sourced by grant-graph-permissions.sh and msp-onboard.sh: the Graph application permissions
# (app roles) the app needs, read from shared/graph/permissions.ts (GRAPH_APP_ROLES, the one list
# the tests check every Graph call against), so the scripts can never grant more or less.
# Sets the array `roles`; needs `repo_root`.

# ---- FALLBACK ROLE LIST: used only when shared/graph/permissions.ts does not exist ----------
FALLBACK_ROLES=(
  User.ReadWrite.All
  GroupMember.ReadWrite.All
  LicenseAssignment.ReadWrite.All
  Organization.Read.All
  User-LifeCycleInfo.ReadWrite.All
  UserAuthenticationMethod.ReadWrite.All
  User.RevokeSessions.All
  RoleManagement.Read.Directory
  AuditLog.Read.All
)
# ----------------------------------------------------------------------------------------------

read_app_roles() {
  local permissions_file="$repo_root/shared/graph/permissions.ts"
  if [ -f "$permissions_file" ]; then
    # The quoted names between `GRAPH_APP_ROLES = [` and `]`.
    mapfile -t roles < <(sed -n '/GRAPH_APP_ROLES = \[/,/\]/p' "$permissions_file" | grep -oE "'[A-Za-z.-]+'" | tr -d "'")
    if [ "${#roles[@]}" -eq 0 ]; then
      echo "no roles found in GRAPH_APP_ROLES of $permissions_file" >&2
      exit 1
    fi
    echo "roles from $permissions_file: ${roles[*]}"
  else
    roles=("${FALLBACK_ROLES[@]}")
    echo "roles from the fallback list in scripts/lib/graph-app-roles.sh: ${roles[*]}"
  fi
}

# Grants every role in `roles` to a service principal, skipping those it already holds; never
# removes one. Needs `graph` (Graph root), `graph_sp_id` (Microsoft Graph's service principal in
# the signed-in tenant) and `app_roles` ("<value>\t<id>" lines of its application roles).
grant_app_roles() { # <principal object id>
  local principal_id="$1" existing role role_id
  existing="$(az rest --method GET --url "$graph/v1.0/servicePrincipals/$principal_id/appRoleAssignments?\$top=999" \
    --query "value[?resourceId=='$graph_sp_id'].appRoleId" -o tsv)"
  for role in "${roles[@]}"; do
    role_id="$(awk -v r="$role" '$1 == r { print $2 }' <<<"$app_roles")"
    if [ -z "$role_id" ]; then
      echo "unknown Graph application permission: $role" >&2
      exit 1
    fi
    if grep -qx "$role_id" <<<"$existing"; then
      echo "already granted: $role"
      continue
    fi
    az rest --method POST --url "$graph/v1.0/servicePrincipals/$graph_sp_id/appRoleAssignedTo" \
      --headers 'Content-Type=application/json' \
      --body "{\"principalId\":\"$principal_id\",\"resourceId\":\"$graph_sp_id\",\"appRoleId\":\"$role_id\"}" >/dev/null
    echo "granted: $role"
  done
}
