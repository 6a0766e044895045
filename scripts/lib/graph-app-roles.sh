# Sourced by grant-graph-permissions.sh and msp-onboard.sh: the Graph application permissions
# (app roles) the app needs, read from shared/graph/permissions.ts (GRAPH_APP_ROLES and
# CONDITIONAL_GRAPH_APP_ROLES, the lists the tests check every Graph call against), so the scripts
# can never grant more or less. A conditional role is granted only when its switch is set in the
# environment, as the app is configured:
#   CREDENTIAL_DELIVERY=webhook    the app setting: Temporary Access Passes are issued
#   ROLE_ASSIGNABLE_GROUPS=manage  some tenant's rules say "roleAssignableGroups": "manage"
# Sets the array `roles`; needs `repo_root`.

# ---- FALLBACK ROLE LIST: used only when shared/graph/permissions.ts does not exist ----------
FALLBACK_ROLES=(
  User.ReadWrite.All
  User-LifeCycleInfo.ReadWrite.All
  User.RevokeSessions.All
  GroupMember.ReadWrite.All
  LicenseAssignment.ReadWrite.All
  LicenseAssignment.Read.All
  AuditLog.Read.All
)
FALLBACK_CONDITIONAL_ROLES=(
  'UserAuthMethod-TAP.ReadWrite.All CREDENTIAL_DELIVERY=webhook'
  'Policy.Read.AuthenticationMethod CREDENTIAL_DELIVERY=webhook'
  'RoleManagement.ReadWrite.Directory ROLE_ASSIGNABLE_GROUPS=manage'
)
# ----------------------------------------------------------------------------------------------

read_app_roles() {
  local permissions_file="$repo_root/shared/graph/permissions.ts" conditional=() entry role when name value skipped=()
  if [ -f "$permissions_file" ]; then
    # The quoted names between `export const GRAPH_APP_ROLES = [` and `] as const;`.
    mapfile -t roles < <(sed -n '/^export const GRAPH_APP_ROLES = \[/,/^\] as const;/p' "$permissions_file" | grep -oE "'[A-Za-z.-]+'" | tr -d "'")
    # One `['Role', 'SWITCH=value'],` a line between `export const CONDITIONAL_GRAPH_APP_ROLES = [` and `] as const;`.
    mapfile -t conditional < <(sed -n '/^export const CONDITIONAL_GRAPH_APP_ROLES = \[/,/^\] as const;/p' "$permissions_file" \
      | grep -oE "\['[A-Za-z.-]+', '[A-Z_]+=[A-Za-z-]+'\]" | sed -E "s/\['([^']+)', '([^']+)'\]/\1 \2/")
    if [ "${#roles[@]}" -eq 0 ]; then
      echo "no roles found in GRAPH_APP_ROLES of $permissions_file" >&2
      exit 1
    fi
    echo "roles from $permissions_file: ${roles[*]}"
  else
    roles=("${FALLBACK_ROLES[@]}")
    conditional=("${FALLBACK_CONDITIONAL_ROLES[@]}")
    echo "roles from the fallback list in scripts/lib/graph-app-roles.sh: ${roles[*]}"
  fi
  for entry in "${conditional[@]}"; do
    role="${entry%% *}"
    when="${entry#* }"
    name="${when%%=*}"
    value="${when#*=}"
    if [ "${!name:-}" = "$value" ]; then
      # A role two switches need (the TAP one) is granted once.
      if [[ " ${roles[*]} " != *" $role "* ]]; then
        roles+=("$role")
        echo "also $role ($when)"
      fi
    else
      skipped+=("$role (only with $when)")
    fi
  done
  if [ "${#skipped[@]}" -gt 0 ]; then
    echo "not asked for: ${skipped[*]}"
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
