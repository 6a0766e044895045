#!/usr/bin/env bash
# Grants the app's managed identity exactly the Microsoft Graph application permissions (app
# roles) the app needs — no more. The list is read from shared/graph/permissions.ts
# (GRAPH_APP_ROLES), the one list the tests check every Graph call against; the array below is
# used only if that file is missing. Managed identities get app roles only through Graph
# (POST /servicePrincipals/{id}/appRoleAssignedTo); the portal has no UI for it.
#
# Prerequisites:
#   - Azure CLI, signed in with `az login` to the tenant of the managed identity;
#   - the signed-in account is a Privileged Role Administrator or Global Administrator
#     (granting application permissions is admin consent);
#   - the managed identity's principal (object) id: the Bicep output `managedIdentityPrincipalId`.
# Idempotent: roles already granted are skipped, so it is safe to re-run after the list grows.
# It never removes a role; revoke extra ones by hand (DELETE …/appRoleAssignedTo/{id}).
#
# Usage: scripts/grant-graph-permissions.sh <managed-identity-principal-id>
#   GRAPH_BASE_URL=https://graph.microsoft.us scripts/grant-graph-permissions.sh …   (national cloud)
set -euo pipefail

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

principal_id="${1:?usage: $0 <managed-identity-principal-id>}"
repo_root="$(cd "$(dirname "$0")/.." && pwd)"
permissions_file="$repo_root/shared/graph/permissions.ts"
graph="${GRAPH_BASE_URL:-https://graph.microsoft.com}"
graph_app_id='00000003-0000-0000-c000-000000000000' # Microsoft Graph, in every tenant

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
  echo "roles from the fallback list in $0: ${roles[*]}"
fi

az account show --query tenantId -o tsv >/dev/null || { echo 'run `az login` first' >&2; exit 1; }

graph_sp_id="$(az rest --method GET --url "$graph/v1.0/servicePrincipals(appId='$graph_app_id')?\$select=id" --query id -o tsv)"
# Check the principal exists (a typo would otherwise fail on the first POST with a vaguer error).
az rest --method GET --url "$graph/v1.0/servicePrincipals/$principal_id?\$select=id,displayName" --query displayName -o tsv >/dev/null \
  || { echo "no service principal with object id $principal_id" >&2; exit 1; }
app_roles="$(az rest --method GET --url "$graph/v1.0/servicePrincipals/$graph_sp_id?\$select=appRoles" \
  --query "appRoles[?contains(allowedMemberTypes, 'Application')].[value, id]" -o tsv)"
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
