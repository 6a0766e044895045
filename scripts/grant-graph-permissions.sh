#!/usr/bin/env bash
# Grants the app's managed identity exactly the Microsoft Graph application permissions (app
# roles) the app needs — no more. The list is read from shared/graph/permissions.ts
# (GRAPH_APP_ROLES, plus CONDITIONAL_GRAPH_APP_ROLES whose switch is set below), the one list the
# tests check every Graph call against; scripts/lib/graph-app-roles.sh has a fallback copy used
# only if that file is missing. Managed identities get app roles only through Graph
# (POST /servicePrincipals/{id}/appRoleAssignedTo); the portal has no UI for it.
#
# Some permissions are needed only by a feature; say which features the app has on:
#   CREDENTIAL_DELIVERY=webhook    (the app setting) Temporary Access Passes are issued:
#                                  UserAuthMethod-TAP.ReadWrite.All, Policy.Read.AuthenticationMethod
#   ROLE_ASSIGNABLE_GROUPS=manage  the rules say "roleAssignableGroups": "manage":
#                                  RoleManagement.ReadWrite.Directory (see docs/permissions.md first)
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
#   CREDENTIAL_DELIVERY=webhook scripts/grant-graph-permissions.sh …   (Temporary Access Passes on)
#   GRAPH_BASE_URL=https://graph.microsoft.us scripts/grant-graph-permissions.sh …   (national cloud)
set -euo pipefail


principal_id="${1:?usage: $0 <managed-identity-principal-id>}"
repo_root="$(cd "$(dirname "$0")/.." && pwd)"
graph="${GRAPH_BASE_URL:-https://graph.microsoft.com}"
graph_app_id='00000003-0000-0000-c000-000000000000' # Microsoft Graph, in every tenant

# shellcheck source=lib/graph-app-roles.sh
. "$repo_root/scripts/lib/graph-app-roles.sh"
read_app_roles

az account show --query tenantId -o tsv >/dev/null || { echo 'run `az login` first' >&2; exit 1; }

graph_sp_id="$(az rest --method GET --url "$graph/v1.0/servicePrincipals(appId='$graph_app_id')?\$select=id" --query id -o tsv)"
# Check the principal exists (a typo would otherwise fail on the first POST with a vaguer error).
az rest --method GET --url "$graph/v1.0/servicePrincipals/$principal_id?\$select=id,displayName" --query displayName -o tsv >/dev/null \
  || { echo "no service principal with object id $principal_id" >&2; exit 1; }
app_roles="$(az rest --method GET --url "$graph/v1.0/servicePrincipals/$graph_sp_id?\$select=appRoles" \
  --query "appRoles[?contains(allowedMemberTypes, 'Application')].[value, id]" -o tsv)"
grant_app_roles "$principal_id"
