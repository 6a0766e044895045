// The app on Azure: Flex Consumption Function App, Service Bus, storage, Key Vault, monitoring,
// one user-assigned managed identity and identity-based connections only (no keys, no
// connection strings). Graph app roles are granted separately: scripts/grant-graph-permissions.sh.
targetScope = 'resourceGroup'

@description('Short name used to derive resource names (lower-case letters and digits).')
@minLength(3)
@maxLength(12)
param appName string

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('HMAC secret HR systems sign requests with (at least 32 characters). Stored in Key Vault only.')
@secure()
@minLength(32)
param hrWebhookSecret string

@description('Verified domain for new users\' userPrincipalName.')
param upnDomain string

@description('Template for the UPN local part.')
param upnTemplate string = '{givenName}.{surname}'

@description('IANA time zone of the home tenant\'s hire dates (TENANT_TIME_ZONE): a future-dated hire starts at hireStartHour of its hire date there.')
param tenantTimeZone string = 'UTC'

@description('Local hour (0-23) a hire date starts (HIRE_START_HOUR): sign-in is enabled and the Temporary Access Pass issued then.')
@minValue(0)
@maxValue(23)
param hireStartHour int = 0

@description('Microsoft Graph endpoint (national clouds: https://graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn).')
param graphBaseUrl string = 'https://graph.microsoft.com'

@description('`webhook` to deliver Temporary Access Passes to credentialWebhookUrl; `none` to issue none.')
@allowed(['none', 'webhook'])
param credentialDelivery string = 'none'

@description('Receiver of Temporary Access Passes (https). Empty when credentialDelivery is none.')
param credentialWebhookUrl string = ''

@description('HMAC secret for the credential webhook (at least 32 characters). Empty when credentialDelivery is none.')
@secure()
param credentialWebhookSecret string = ''

@description('PSA webhook each ticket\'s result is POSTed to when its event ends (https; docs/tickets.md), unless the ticket names its own callbackUrl. Empty: only tickets with a callbackUrl are answered.')
param ticketWriteBackUrl string = ''

@description('HMAC secret ticket write-backs are signed with (at least 32 characters). Empty: no ticket result is posted.')
@secure()
param ticketWriteBackSecret string = ''

@description('Bearer token SCIM clients (Rippling, Okta, Entra provisioning) present at /api/scim/v2 for the home tenant (at least 32 characters; docs/scim.md). Empty: no SCIM endpoint.')
@secure()
param scimBearerToken string = ''

@description('Teams or Slack incoming webhook for licence audit alerts (empty: none).')
param auditNotifyWebhookUrl string = ''

@description('The home tenant\'s polled HR report (a Workday RaaS URL with ?format=json or csv; empty: none). Its password, client secret or refresh token go into the vault by hand as hr-report-password, hr-report-client-secret, hr-report-refresh-token (docs/polled-reports.md).')
param hrReportUrl string = ''

@description('How the HR report answers: json (Report_Entry) or csv.')
@allowed(['json', 'csv'])
param hrReportFormat string = 'json'

@description('How the HR report is fetched: basic (an integration system user) or oauth (a refresh token).')
@allowed(['basic', 'oauth'])
param hrReportAuth string = 'basic'

@description('The integration system user\'s name (hrReportAuth basic), or the OAuth client id (oauth).')
param hrReportUser string = ''

@description('OAuth token endpoint (Workday: https://<host>/ccx/oauth2/<tenant>/token), with hrReportAuth oauth.')
param hrReportTokenUrl string = ''

@description('Teams or Slack incoming webhook told when an HR report is held by the shrink guard (empty: log and Application Insights only).')
param hrReportAlertWebhookUrl string = ''

@description('Customer tenants for an MSP deployment: none, folder (TENANTS_DIR in the package) or table (Table Storage). See docs/msp.md.')
@allowed(['none', 'folder', 'table'])
param tenantsSource string = 'none'

@description('Client id of the multi-tenant app registration whose federated credential is this deployment\'s managed identity (MSP deployments).')
param mspAppClientId string = ''

@description('Each customer tenant\'s HR signing secret as a Key Vault reference: [{ setting: \'HR_SECRET_FABRIKAM\', secretName: \'hr-secret-fabrikam\' }]. The secrets are put in the vault by hand (docs/msp.md); listing them here keeps a redeploy from dropping their app settings.')
param customerHrSecrets array = []

@description('Client id of the operator console\'s Entra app registration (app roles Reader and Operator; docs/console.md, made by hand). Empty: App Service Authentication stays off and the console answers nobody.')
param consoleClientId string = ''

@description('Entra tenant id the console\'s operators sign in from (default: this subscription\'s tenant).')
param consoleTenantId string = subscription().tenantId

@description('Most instances Flex Consumption may scale to.')
param maximumInstanceCount int = 40

@description('Instances assumed to share the app\'s Graph limits across all tenants (GRAPH_INSTANCE_COUNT): each keeps to the limits divided by this. 1 lets one instance use them all and relies on Graph\'s app-scoped 429s when several are busy; set to maximumInstanceCount, the app never goes over them, at that share of throughput per instance (docs/benchmarks.md, "App-wide limits"). Unused while GRAPH_WRITE_SHARE is table (as this template sets it): the instances calling Graph divide the limits through the write-share table.')
@minValue(1)
param graphInstanceCount int = 1

var suffix = uniqueString(resourceGroup().id, appName)
var names = {
  identity: 'id-${appName}-${suffix}'
  storage: take('st${appName}${suffix}', 24)
  serviceBus: 'sb-${appName}-${suffix}'
  keyVault: take('kv-${appName}-${suffix}', 24)
  logs: 'log-${appName}-${suffix}'
  insights: 'appi-${appName}-${suffix}'
  plan: 'plan-${appName}-${suffix}'
  app: 'func-${appName}-${suffix}'
}
var processingQueueName = 'lifecycle-events'
var ticketQueueName = 'ticket-requests'
var deploymentContainer = 'app-package'

// Built-in role definition ids.
var roles = {
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: names.storage
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: names.serviceBus
  location: location
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

// Sessions give per-worker order; duplicate detection drops re-posted events (messageId = eventId).
resource processingQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: serviceBus
  name: processingQueueName
  properties: {
    requiresSession: true
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
    maxDeliveryCount: 10
    lockDuration: 'PT1M'
    defaultMessageTimeToLive: 'P14D'
    deadLetteringOnMessageExpiration: true
  }
}

resource ticketQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: serviceBus
  name: ticketQueueName
  properties: {
    requiresSession: false
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
    maxDeliveryCount: 10
    lockDuration: 'PT1M'
    defaultMessageTimeToLive: 'P14D'
    deadLetteringOnMessageExpiration: true
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: names.keyVault
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
  }
}

resource hrSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'hr-webhook-secret'
  properties: { value: hrWebhookSecret }
}

resource credentialSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(credentialWebhookSecret)) {
  parent: keyVault
  name: 'credential-webhook-secret'
  properties: { value: credentialWebhookSecret }
}

resource ticketWriteBackKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(ticketWriteBackSecret)) {
  parent: keyVault
  name: 'ticket-write-back-secret'
  properties: { value: ticketWriteBackSecret }
}

resource scimSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(scimBearerToken)) {
  parent: keyVault
  name: 'scim-bearer-token'
  properties: { value: scimBearerToken }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: names.logs
  location: location
  properties: { retentionInDays: 30, sku: { name: 'PerGB2018' } }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: names.insights
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    // The Functions host sends with Entra auth (APPLICATIONINSIGHTS_AUTHENTICATION_STRING), but the
    // app's own telemetry (shared/telemetry/telemetry.ts: applicationinsights.setup(connectionString))
    // passes no credential, so key-based ingestion must stay on or its events and dependencies are
    // refused. Turn this to true once telemetry.ts sets aadTokenCredential.
    DisableLocalAuth: false
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: names.plan
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: names.app
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: 2048 }
      runtime: { name: 'node', version: '22' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat([
        // Identity-based host storage and Service Bus (the binding reads <Connection>__*).
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'ServiceBusConnection__fullyQualifiedNamespace', value: '${serviceBus.name}.servicebus.windows.net' }
        { name: 'ServiceBusConnection__credential', value: 'managedidentity' }
        { name: 'ServiceBusConnection__clientId', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD;ClientId=${identity.properties.clientId}' }
        // The app's own settings (shared/config/settings.ts).
        { name: 'LIFECYCLE_RUNTIME', value: 'azure' }
        { name: 'GRAPH_BASE_URL', value: graphBaseUrl }
        { name: 'GRAPH_CREDENTIAL', value: 'managed-identity' }
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        // Each instance starts at the tenant's whole write budget and backs off on 429 (AIMD), so
        // instances scaled out for one tenant settle on shares of it (docs/benchmarks.md).
        { name: 'GRAPH_WRITES_PER_SECOND', value: '19.5' }
        { name: 'GRAPH_MAX_CONCURRENCY', value: '32' }
        { name: 'GRAPH_BATCH_WAIT_MS', value: '1000' }
        // The app's limits across all tenants, shared in turn by every tenant an instance serves;
        // each instance keeps to them divided by graphInstanceCount (docs/benchmarks.md, "App-wide limits").
        { name: 'GRAPH_APP_WRITES_PER_5MIN', value: '35000' }
        { name: 'GRAPH_APP_RESOURCE_UNITS_PER_20S', value: '150000' }
        { name: 'GRAPH_INSTANCE_COUNT', value: string(graphInstanceCount) }
        // The instances writing to a tenant divide its write budget through rows in the storage
        // account's Table service (the ledger's account and identity): scaled out, they neither
        // overshoot into 429s nor each keep a fixed 1/maximumInstanceCount (docs/benchmarks.md, "Scale-out").
        { name: 'GRAPH_WRITE_SHARE', value: 'table' }
        { name: 'GRAPH_WRITE_SHARE_TABLE_NAME', value: 'graphWriteShare' }
        { name: 'HR_WEBHOOK_SECRET', value: '@Microsoft.KeyVault(SecretUri=${hrSecret.properties.secretUri})' }
        { name: 'HR_MAX_BODY_BYTES', value: '1048576' }
        { name: 'HR_MAX_RECORDS', value: '500' }
        { name: 'SCIM_BEARER_TOKEN', value: empty(scimBearerToken) ? '' : '@Microsoft.KeyVault(SecretUri=${scimSecret.properties.secretUri})' }
        { name: 'PROCESSING_QUEUE_NAME', value: processingQueue.name }
        { name: 'TICKET_QUEUE_NAME', value: ticketQueue.name }
        { name: 'LEDGER_TABLE_NAME', value: 'lifecycleLedger' }
        { name: 'UPN_DOMAIN', value: upnDomain }
        { name: 'UPN_TEMPLATE', value: upnTemplate }
        { name: 'RULES_FILE', value: 'config/rules.json' }
        // Unset: the default HR attribute mappings (docs/mapping.md). A file here ships with the app, as RULES_FILE does.
        { name: 'MAPPING_FILE', value: '' }
        // Unset: no thin-webhook HR connectors for the home tenant (docs/connectors.md). Their secrets are app settings the file names, as Key Vault references.
        { name: 'HR_CONNECTORS_FILE', value: '' }
        // Unset: a joiner HR sends without a country stops at its licences, naming the field.
        { name: 'DEFAULT_USAGE_LOCATION', value: '' }
        { name: 'CREDENTIAL_DELIVERY', value: credentialDelivery }
        { name: 'CREDENTIAL_WEBHOOK_URL', value: credentialWebhookUrl }
        { name: 'CREDENTIAL_WEBHOOK_SECRET', value: empty(credentialWebhookSecret) ? '' : '@Microsoft.KeyVault(SecretUri=${credentialSecret.properties.secretUri})' }
        // A future-dated hire: the account is made, sign-in off, this many days before its start; enabled, with its pass, at the start.
        { name: 'PRE_HIRE_DAYS', value: '7' }
        { name: 'TENANT_TIME_ZONE', value: tenantTimeZone }
        { name: 'HIRE_START_HOUR', value: string(hireStartHour) }
        { name: 'TAP_LIFETIME_MINUTES', value: '480' }
        // Where custom steps' receivers call back (POST /api/callbacks/{token}): this app's default host name.
        { name: 'CALLBACK_BASE_URL', value: 'https://${names.app}.azurewebsites.net' }
        // A ticket's result, signed, to its callbackUrl or this PSA webhook when its event ends (docs/tickets.md).
        { name: 'TICKET_WRITE_BACK_URL', value: ticketWriteBackUrl }
        { name: 'TICKET_WRITE_BACK_SECRET', value: empty(ticketWriteBackSecret) ? '' : '@Microsoft.KeyVault(SecretUri=${ticketWriteBackKey.properties.secretUri})' }
        { name: 'LICENCE_AUDIT_SCHEDULE', value: '0 0 6 * * *' }
        { name: 'LICENCE_LOW_STOCK_THRESHOLD', value: '5' }
        { name: 'LICENCE_INACTIVE_DAYS', value: '90' }
        { name: 'LICENCE_PRICES_FILE', value: '' }
        { name: 'LICENCE_WASTE_ALERT_MONTHLY', value: '500' }
        { name: 'AUDIT_CONTAINER_NAME', value: 'licence-audits' }
        { name: 'AUDIT_NOTIFY_WEBHOOK_URL', value: auditNotifyWebhookUrl }
        // A polled HR report (docs/polled-reports.md): its secrets are Key Vault references, set only when a report is configured.
        { name: 'HR_REPORT_URL', value: hrReportUrl }
        { name: 'HR_REPORT_FORMAT', value: hrReportFormat }
        { name: 'HR_REPORT_AUTH', value: hrReportAuth }
        { name: 'HR_REPORT_USERNAME', value: hrReportAuth == 'basic' ? hrReportUser : '' }
        { name: 'HR_REPORT_PASSWORD', value: !empty(hrReportUrl) && hrReportAuth == 'basic' ? '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=hr-report-password)' : '' }
        { name: 'HR_REPORT_TOKEN_URL', value: hrReportAuth == 'oauth' ? hrReportTokenUrl : '' }
        { name: 'HR_REPORT_CLIENT_ID', value: hrReportAuth == 'oauth' ? hrReportUser : '' }
        { name: 'HR_REPORT_CLIENT_SECRET', value: !empty(hrReportUrl) && hrReportAuth == 'oauth' ? '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=hr-report-client-secret)' : '' }
        { name: 'HR_REPORT_REFRESH_TOKEN', value: !empty(hrReportUrl) && hrReportAuth == 'oauth' ? '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=hr-report-refresh-token)' : '' }
        { name: 'HR_REPORT_SCHEDULE', value: '0 0 * * * *' }
        { name: 'HR_REPORT_MAX_GONE_PERCENT', value: '10' }
        { name: 'HR_REPORT_MAX_GONE_WORKERS', value: '50' }
        { name: 'HR_REPORT_MAX_BYTES', value: '134217728' }
        { name: 'HR_REPORT_TIMEOUT_SECONDS', value: '300' }
        { name: 'HR_REPORT_ALERT_WEBHOOK_URL', value: hrReportAlertWebhookUrl }
        // Customer tenants (docs/msp.md): configuration without secrets; each tenant's HR secret
        // is its own Key Vault reference in an app setting the tenant's file names.
        { name: 'TENANTS_SOURCE', value: tenantsSource }
        { name: 'TENANTS_DIR', value: tenantsSource == 'folder' ? 'config/tenants' : '' }
        { name: 'TENANTS_TABLE_NAME', value: 'lifecycleTenants' }
        { name: 'TENANTS_RELOAD_SECONDS', value: '60' }
        { name: 'TENANT_MAX_CONCURRENT_EVENTS', value: '32' }
        { name: 'MSP_APP_CLIENT_ID', value: mspAppClientId }
        { name: 'MSP_TOKEN_EXCHANGE_AUDIENCE', value: 'api://AzureADTokenExchange' }
      ], [for secret in customerHrSecrets: {
        name: secret.setting
        value: '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=${secret.secretName})'
      }])
    }
  }
}

// The operator console's sign-in (docs/console.md): App Service Authentication with Entra ID in
// front of the app. It must not turn away HR webhooks, SCIM clients, ticket senders or custom-step
// callbacks, which bring their own credentials: no route is behind a login wall
// (AllowAnonymous); the platform validates a session or token when one comes, injects
// X-MS-CLIENT-PRINCIPAL and strips a client's own X-MS-* headers, and each console route refuses a
// request without a principal (401 with the login path) or without its app role (403).
// https://learn.microsoft.com/azure/templates/microsoft.web/sites/config-authsettingsv2
// No client secret: Easy Auth then signs in with the OpenID Connect implicit flow (ID tokens on
// the registration), so no secret exists to rotate.
resource consoleAuth 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(consoleClientId)) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    httpSettings: { requireHttps: true }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: consoleClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${consoleTenantId}/v2.0'
        }
        validation: { allowedAudiences: [ consoleClientId, 'api://${consoleClientId}' ] }
      }
    }
    login: { tokenStore: { enabled: true } }
  }
}

// The identity's data-plane roles: exactly what the app and its bindings use.
var assignments = [
  { scope: 'serviceBus', role: roles.serviceBusDataOwner }
  { scope: 'storage', role: roles.storageBlobDataOwner }
  { scope: 'storage', role: roles.storageTableDataContributor }
  { scope: 'storage', role: roles.storageQueueDataContributor }
  { scope: 'keyVault', role: roles.keyVaultSecretsUser }
  { scope: 'insights', role: roles.monitoringMetricsPublisher }
]

resource serviceBusRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in filter(assignments, x => x.scope == 'serviceBus'): {
  name: guid(serviceBus.id, identity.id, a.role)
  scope: serviceBus
  properties: { principalId: identity.properties.principalId, principalType: 'ServicePrincipal', roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.role) }
}]

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in filter(assignments, x => x.scope == 'storage'): {
  name: guid(storage.id, identity.id, a.role)
  scope: storage
  properties: { principalId: identity.properties.principalId, principalType: 'ServicePrincipal', roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.role) }
}]

resource keyVaultRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in filter(assignments, x => x.scope == 'keyVault'): {
  name: guid(keyVault.id, identity.id, a.role)
  scope: keyVault
  properties: { principalId: identity.properties.principalId, principalType: 'ServicePrincipal', roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.role) }
}]

resource insightsRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in filter(assignments, x => x.scope == 'insights'): {
  name: guid(insights.id, identity.id, a.role)
  scope: insights
  properties: { principalId: identity.properties.principalId, principalType: 'ServicePrincipal', roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.role) }
}]

@description('Function App name (deploy target).')
output functionAppName string = app.name

@description('Principal id of the managed identity: grant it the Graph app roles with scripts/grant-graph-permissions.sh.')
output managedIdentityPrincipalId string = identity.properties.principalId

@description('Client id of the managed identity.')
output managedIdentityClientId string = identity.properties.clientId
