#!/usr/bin/env bash
# MSP onboarding for m365-lifecycle (docs/msp.md): one deployment, many customer tenants, no
# secrets. The home tenant uses the Function App's user-assigned managed identity; customer
# tenants use one multi-tenant app registration whose only credential is a federated identity
# credential naming that managed identity. The Graph application permissions are read from
# shared/graph/permissions.ts (GRAPH_APP_ROLES), the one list the tests check every Graph call
# against; the array below is used only if that file is missing.
#
# Commands:
#   setup <managed-identity-principal-id> [app-display-name]
#       Once, signed in (`az login`) to the HOME tenant as an Application Administrator or Cloud
#       Application Administrator (or anyone allowed to register apps). Creates the multi-tenant
#       app registration if absent (found by MSP_APP_CLIENT_ID, else by display name, default
#       `m365-lifecycle-msp`), lists the Graph application permissions on it (what admin consent
#       grants), and adds the federated identity credential: issuer
#       <authority>/<home tenant id>/v2.0, subject = the managed identity's principal (object) id,
#       audience api://AzureADTokenExchange. Prints the MSP_APP_CLIENT_ID to set. It never adds a
#       secret or certificate, and never removes anything.
#   consent-url <customer-tenant-id> <app-client-id>
#       Prints the admin-consent URL to send to the customer's Global Administrator or
#       Privileged Role Administrator. Needs no sign-in.
#   grant <customer-tenant-id> <app-client-id>
#       The alternative to (or check after) the consent URL, run with the CUSTOMER's admin signed in
#       (`az login --tenant <customer-tenant-id> --allow-no-subscriptions`; Privileged Role
#       Administrator or Global Administrator). Creates the app's service principal (enterprise
#       app) in the customer tenant if absent and grants it the Graph app roles, the same way
#       scripts/grant-graph-permissions.sh does for the managed identity. Refuses to run when the
#       signed-in tenant is not the customer tenant named. Idempotent; never removes a role.
#
# Environment (all optional):
#   MSP_APP_CLIENT_ID        setup: use this existing app registration instead of finding one by name
#   GRAPH_BASE_URL           national cloud Graph, e.g. https://graph.microsoft.us (default https://graph.microsoft.com)
#   AUTHORITY_HOST           national cloud Entra, e.g. https://login.microsoftonline.us (default https://login.microsoftonline.com)
#   TOKEN_EXCHANGE_AUDIENCE  the federated credential's audience; national clouds: api://AzureADTokenExchangeUSGov,
#                            api://AzureADTokenExchangeChina (default api://AzureADTokenExchange); must equal the
#                            app setting MSP_TOKEN_EXCHANGE_AUDIENCE
#
# Examples:
#   scripts/msp-onboard.sh setup "$(az deployment group show -g rg-lifecycle -n main --query properties.outputs.managedIdentityPrincipalId.value -o tsv)"
#   scripts/msp-onboard.sh consent-url 3d1e2be9-a10a-4a0c-8380-7ce190f98ed9 <app-client-id>
#   az login --tenant 3d1e2be9-a10a-4a0c-8380-7ce190f98ed9 --allow-no-subscriptions
#   scripts/msp-onboard.sh grant 3d1e2be9-a10a-4a0c-8380-7ce190f98ed9 <app-client-id>
set -euo pipefail


usage() {
  cat >&2 <<EOF
usage: $0 setup <managed-identity-principal-id> [app-display-name]
       $0 consent-url <customer-tenant-id> <app-client-id>
       $0 grant <customer-tenant-id> <app-client-id>
(see the comment at the top of $0)
EOF
  exit 2
}

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
graph="${GRAPH_BASE_URL:-https://graph.microsoft.com}"
graph="${graph%/}"
authority="${AUTHORITY_HOST:-https://login.microsoftonline.com}"
authority="${authority%/}"
audience="${TOKEN_EXCHANGE_AUDIENCE:-api://AzureADTokenExchange}"
graph_app_id='00000003-0000-0000-c000-000000000000' # Microsoft Graph, in every tenant
guid_re='^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

die() {
  echo "$*" >&2
  exit 1
}

require_guid() { # <what> <value>
  [[ "$2" =~ $guid_re ]] || die "$1 must be a GUID, got '$2'"
}

require_az() {
  command -v az >/dev/null || die 'the Azure CLI (az) is required: https://aka.ms/azure-cli'
  az account show --query tenantId -o tsv >/dev/null 2>&1 || die 'run `az login` first (customer tenants: `az login --tenant <id> --allow-no-subscriptions`)'
}

signed_in_tenant() {
  az account show --query tenantId -o tsv
}

# shellcheck source=lib/graph-app-roles.sh
. "$repo_root/scripts/lib/graph-app-roles.sh"
read_roles() { read_app_roles; }

# Sets graph_sp_id and app_roles ("<value>\t<id>" lines) from the signed-in tenant's Microsoft Graph service principal.
read_graph_app_roles() {
  graph_sp_id="$(az rest --method GET --url "$graph/v1.0/servicePrincipals(appId='$graph_app_id')?\$select=id" --query id -o tsv)"
  [ -n "$graph_sp_id" ] || die 'Microsoft Graph has no service principal in this tenant (unexpected: check GRAPH_BASE_URL)'
  app_roles="$(az rest --method GET --url "$graph/v1.0/servicePrincipals/$graph_sp_id?\$select=appRoles" \
    --query "appRoles[?contains(allowedMemberTypes, 'Application')].[value, id]" -o tsv)"
}

role_id_of() { # <role value>
  local id
  id="$(awk -v r="$1" '$1 == r { print $2 }' <<<"$app_roles")"
  [ -n "$id" ] || die "unknown Graph application permission: $1"
  echo "$id"
}

consent_url() { # <customer tenant id> <app client id>
  echo "$authority/$1/adminconsent?client_id=$2"
}

cmd_setup() {
  local principal_id="${1:-}" display_name="${2:-m365-lifecycle-msp}"
  [ -n "$principal_id" ] || usage
  require_guid 'managed-identity-principal-id' "$principal_id"
  [[ "$display_name" =~ ^[A-Za-z0-9][A-Za-z0-9\ ._-]{0,119}$ ]] || die 'app-display-name: letters, digits, spaces, dots, dashes and underscores only'
  require_az
  read_roles

  local home_tenant
  home_tenant="$(signed_in_tenant)"
  echo "home tenant (signed in): $home_tenant"

  # The managed identity must be a service principal of this tenant: the federated credential's
  # issuer is this tenant, and Microsoft requires the app and the managed identity to share it.
  local mi_type mi_names
  mi_type="$(az rest --method GET --url "$graph/v1.0/servicePrincipals/$principal_id?\$select=id,servicePrincipalType" --query servicePrincipalType -o tsv 2>/dev/null)" \
    || die "no service principal with object id $principal_id in tenant $home_tenant (sign in to the deployment's tenant; pass the managed identity's principal id, not its client id)"
  [ "$mi_type" = 'ManagedIdentity' ] || die "$principal_id is a '$mi_type' service principal, not a managed identity"
  # Only user-assigned managed identities can be an app's federated credential; a system-assigned
  # one is listed with isExplicit=False.
  mi_names="$(az rest --method GET --url "$graph/v1.0/servicePrincipals/$principal_id?\$select=alternativeNames" --query 'alternativeNames[]' -o tsv)"
  if grep -qx 'isExplicit=False' <<<"$mi_names"; then
    die "$principal_id is a system-assigned managed identity; use the deployment's user-assigned one (Bicep output managedIdentityPrincipalId)"
  fi

  local app_id
  if [ -n "${MSP_APP_CLIENT_ID:-}" ]; then
    require_guid 'MSP_APP_CLIENT_ID' "$MSP_APP_CLIENT_ID"
    app_id="$(az ad app show --id "$MSP_APP_CLIENT_ID" --query appId -o tsv 2>/dev/null)" || die "no app registration with client id $MSP_APP_CLIENT_ID in tenant $home_tenant"
    echo "app registration (MSP_APP_CLIENT_ID): $app_id"
  else
    local found
    # `az ad app list --display-name` matches by prefix: keep exact matches only.
    found="$(az ad app list --display-name "$display_name" --query "[?displayName=='$display_name'].appId" -o tsv)"
    if [ -z "$found" ]; then
      app_id="$(az ad app create --display-name "$display_name" --sign-in-audience AzureADMultipleOrgs --query appId -o tsv)"
      echo "created app registration '$display_name': $app_id"
    elif [ "$(wc -l <<<"$found")" -gt 1 ]; then
      die "several app registrations are named '$display_name'; pick one with MSP_APP_CLIENT_ID=<client id>"
    else
      app_id="$found"
      echo "app registration '$display_name' exists: $app_id"
    fi
  fi

  local audience_kind
  audience_kind="$(az ad app show --id "$app_id" --query signInAudience -o tsv)"
  if [ "$audience_kind" != 'AzureADMultipleOrgs' ]; then
    az ad app update --id "$app_id" --sign-in-audience AzureADMultipleOrgs
    echo "made the app multi-tenant (was $audience_kind)"
  fi

  # The Graph application permissions the app asks for: what the admin-consent URL grants.
  read_graph_app_roles
  local configured wanted=() role role_id
  configured="$(az ad app show --id "$app_id" --query "requiredResourceAccess[?resourceAppId=='$graph_app_id'].resourceAccess[] | [?type=='Role'].id" -o tsv)"
  for role in "${roles[@]}"; do
    role_id="$(role_id_of "$role")"
    if grep -qx "$role_id" <<<"$configured"; then
      echo "already requested: $role"
    else
      wanted+=("$role_id=Role")
      echo "requesting: $role"
    fi
  done
  if [ "${#wanted[@]}" -gt 0 ]; then
    # Adds to the app's requiredResourceAccess; consent is given per customer (consent-url or grant).
    az ad app permission add --id "$app_id" --api "$graph_app_id" --api-permissions "${wanted[@]}" --only-show-errors >/dev/null
  fi

  # The federated identity credential: this tenant's managed identity tokens are the app's credential.
  local issuer="$authority/$home_tenant/v2.0" existing
  existing="$(az ad app federated-credential list --id "$app_id" \
    --query "[?issuer=='$issuer' && subject=='$principal_id'].name" -o tsv)"
  if [ -n "$existing" ]; then
    echo "federated credential already present: $existing"
    local audiences
    audiences="$(az ad app federated-credential list --id "$app_id" --query "[?name=='$existing'].audiences[]" -o tsv)"
    grep -qx "$audience" <<<"$audiences" || die "federated credential '$existing' has audiences '$audiences', not $audience: fix it or set TOKEN_EXCHANGE_AUDIENCE"
  else
    local name="managed-identity-${principal_id:0:8}"
    az ad app federated-credential create --id "$app_id" --only-show-errors -o none --parameters "{
      \"name\": \"$name\",
      \"issuer\": \"$issuer\",
      \"subject\": \"$principal_id\",
      \"audiences\": [\"$audience\"],
      \"description\": \"m365-lifecycle: the Function App's user-assigned managed identity is this app's credential (docs/msp.md)\"
    }"
    echo "added federated credential '$name': issuer $issuer, subject $principal_id, audience $audience"
  fi

  local passwords keys
  read -r passwords keys <<<"$(az ad app show --id "$app_id" --query '[length(passwordCredentials), length(keyCredentials)]' -o tsv | tr '\n' ' ')"
  if [ "${passwords:-0}" != '0' ] || [ "${keys:-0}" != '0' ]; then
    echo "warning: the app registration also has ${passwords:-0} secret(s) and ${keys:-0} certificate(s); this app never uses them — remove them unless something else does" >&2
  fi

  cat <<EOF

Set on the Function App (no secret involved):
  MSP_APP_CLIENT_ID=$app_id
  MSP_TOKEN_EXCHANGE_AUDIENCE=$audience
e.g. az functionapp config appsettings set -g <resource-group> -n <function-app> --settings MSP_APP_CLIENT_ID=$app_id TENANTS_SOURCE=folder
(or redeploy infra/main.bicep with -p mspAppClientId=$app_id tenantsSource=folder|table)

Per customer: $0 consent-url <customer-tenant-id> $app_id
EOF
}

cmd_consent_url() {
  local tenant_id="${1:-}" app_id="${2:-}"
  [ -n "$tenant_id" ] && [ -n "$app_id" ] || usage
  require_guid 'customer-tenant-id' "$tenant_id"
  require_guid 'app-client-id' "$app_id"
  read_roles >&2
  echo "Send this to a Global Administrator or Privileged Role Administrator of tenant $tenant_id:" >&2
  consent_url "$tenant_id" "$app_id"
}

cmd_grant() {
  local tenant_id="${1:-}" app_id="${2:-}"
  [ -n "$tenant_id" ] && [ -n "$app_id" ] || usage
  require_guid 'customer-tenant-id' "$tenant_id"
  require_guid 'app-client-id' "$app_id"
  require_az
  read_roles

  local current
  current="$(signed_in_tenant)"
  [ "$current" = "$tenant_id" ] || die "signed in to tenant $current, not the customer tenant $tenant_id: run \`az login --tenant $tenant_id --allow-no-subscriptions\` as the customer's admin"

  # The app's service principal (enterprise app) in the customer tenant.
  local sp_id
  sp_id="$(az rest --method GET --url "$graph/v1.0/servicePrincipals?\$filter=appId%20eq%20'$app_id'&\$select=id" --query 'value[0].id' -o tsv)"
  if [ -z "$sp_id" ] || [ "$sp_id" = 'None' ]; then
    sp_id="$(az rest --method POST --url "$graph/v1.0/servicePrincipals" --headers 'Content-Type=application/json' \
      --body "{\"appId\":\"$app_id\"}" --query id -o tsv)" \
      || die "could not create a service principal for app $app_id in tenant $tenant_id (is the app multi-tenant? run setup in the home tenant first)"
    echo "created the service principal (enterprise app) for $app_id: $sp_id"
  else
    echo "service principal for $app_id exists: $sp_id"
  fi

  read_graph_app_roles
  grant_app_roles "$sp_id"

  cat <<EOF

Tenant $tenant_id: app $app_id has its Graph application permissions. New tokens carry them within
a few minutes. Next: the tenant file or row with "directoryTenantId": "$tenant_id" (docs/msp.md).
EOF
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  setup) cmd_setup "$@" ;;
  consent-url) cmd_consent_url "$@" ;;
  grant) cmd_grant "$@" ;;
  *) usage ;;
esac
