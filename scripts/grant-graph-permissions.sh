#!/usr/bin/env bash
# Grants the app's managed identity exactly the Microsoft Graph application permissions in
# shared/graph/permissions.ts (GRAPH_APP_ROLES) — no more. Managed identities get app roles only
# through Graph (`appRoleAssignedTo`); the portal has no UI for it.
#
# Prerequisites: Azure CLI, `az login` as a Privileged Role Administrator (or Global
# Administrator) of the tenant, and the managed identity's principal id (the Bicep output
# `managedIdentityPrincipalId`). Idempotent: roles already granted are skipped.
#
# Usage: scripts/grant-graph-permissions.sh <managed-identity-principal-id>
set -euo pipefail

principal_id="${1:?usage: $0 <managed-identity-principal-id>}"
repo_root="$(cd "$(dirname "$0")/.." && pwd)"
graph="${GRAPH_BASE_URL:-https://graph.microsoft.com}"

# The role names, read from the one list in code so the script cannot drift from it.
mapfile -t roles < <(sed -n "/GRAPH_APP_ROLES = \[/,/\] as const/p" "$repo_root/shared/graph/permissions.ts" | grep -oE "'[A-Za-z.-]+'" | tr -d "'")
if [ "${#roles[@]}" -eq 0 ]; then
  echo "no roles found in shared/graph/permissions.ts" >&2
  exit 1
fi

graph_sp_id="$(az rest --method GET --url "$graph/v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')?\$select=id" --query id -o tsv)"
existing="$(az rest --method GET --url "$graph/v1.0/servicePrincipals/$principal_id/appRoleAssignments?\$select=appRoleId,resourceId" --query "value[?resourceId=='$graph_sp_id'].appRoleId" -o tsv)"

for role in "${roles[@]}"; do
  role_id="$(az rest --method GET --url "$graph/v1.0/servicePrincipals/$graph_sp_id?\$select=appRoles" \
    --query "appRoles[?value=='$role' && contains(allowedMemberTypes, 'Application')].id | [0]" -o tsv)"
  if [ -z "$role_id" ]; then
    echo "unknown Graph application permission: $role" >&2
    exit 1
  fi
  if grep -q "$role_id" <<<"$existing"; then
    echo "already granted: $role"
    continue
  fi
  az rest --method POST --url "$graph/v1.0/servicePrincipals/$graph_sp_id/appRoleAssignedTo" \
    --headers 'Content-Type=application/json' \
    --body "{\"principalId\":\"$principal_id\",\"resourceId\":\"$graph_sp_id\",\"appRoleId\":\"$role_id\"}" >/dev/null
  echo "granted: $role"
done
