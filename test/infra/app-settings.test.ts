import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SETTING_NAMES } from '../../shared/config/settings';

// No Bicep compiler here: the template is read as text. The assertions lean on the layout of
// infra/main.bicep (one `{ name: '…', value: … }` per app setting, one resource per queue).
const template = readFileSync(path.join(__dirname, '..', '..', 'infra', 'main.bicep'), 'utf8');

/** The text of one top-level resource declaration, from its `resource` line to its closing brace. */
function resourceBlock(symbol: string): string {
  const start = template.search(new RegExp(`^resource ${symbol} '`, 'm'));
  expect(start).toBeGreaterThan(-1);
  const end = template.indexOf('\n}\n', start);
  return template.slice(start, end === -1 ? undefined : end + 2);
}

const app = resourceBlock('app');
const appSettingsBlock = app.slice(app.search(/appSettings: (concat\()?\[/));
const appSettings = new Map(
  [...appSettingsBlock.matchAll(/\{ name: '([A-Za-z0-9_]+)', value: (.+) \}$/gm)].map((m) => [m[1] as string, m[2] as string]),
);

/**
 * Settings of shared/config/settings.ts the template deliberately does not set in Azure, and why.
 * Adding a name here is a decision: say why Azure does not need it.
 */
const NOT_SET_IN_AZURE: Readonly<Record<string, string>> = {
  // A connection string carries the account key; Azure connects by identity instead
  // (AzureWebJobsStorage__accountName / __credential / __clientId, and shared keys are off).
  AzureWebJobsStorage: 'identity-based AzureWebJobsStorage__accountName is used instead',
  // App Service sets it itself when authsettingsV2 turns its authentication on; an app setting could only lie about it.
  WEBSITE_AUTH_ENABLED: 'set by the platform from authsettingsV2 (platform.enabled)',
};

describe('infra/main.bicep', () => {
  describe('app settings', () => {
    it('when the app reads a setting, then the Function App sets it or the allow-list says why not', () => {
      const missing = SETTING_NAMES.filter((name) => !appSettings.has(name) && !(name in NOT_SET_IN_AZURE));
      expect(missing).toEqual([]);
    });

    it('when a setting is on the allow-list, then the template really leaves it out and the app still knows it', () => {
      for (const name of Object.keys(NOT_SET_IN_AZURE)) {
        expect(appSettings.has(name)).toBe(false);
        expect(SETTING_NAMES as readonly string[]).toContain(name);
      }
    });

    it('when running in Azure, then the runtime, Graph credential and Graph identity are the managed identity ones', () => {
      expect(appSettings.get('LIFECYCLE_RUNTIME')).toBe("'azure'");
      expect(appSettings.get('GRAPH_CREDENTIAL')).toBe("'managed-identity'");
      expect(appSettings.get('AZURE_CLIENT_ID')).toBe('identity.properties.clientId');
    });

    it('when the host connects to storage and Service Bus, then it does so by the user-assigned identity', () => {
      expect(appSettings.get('AzureWebJobsStorage__accountName')).toBe('storage.name');
      expect(appSettings.get('AzureWebJobsStorage__credential')).toBe("'managedidentity'");
      expect(appSettings.get('AzureWebJobsStorage__clientId')).toBe('identity.properties.clientId');
      expect(appSettings.get('ServiceBusConnection__fullyQualifiedNamespace')).toMatch(/serviceBus\.name/);
      expect(appSettings.get('ServiceBusConnection__credential')).toBe("'managedidentity'");
      expect(appSettings.get('ServiceBusConnection__clientId')).toBe('identity.properties.clientId');
      expect(appSettings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toMatch(/Authorization=AAD;ClientId=\$\{identity\.properties\.clientId\}/);
    });

    it('when on Flex Consumption, then the worker runtime is configured in functionAppConfig, not as an app setting', () => {
      expect(appSettings.has('FUNCTIONS_WORKER_RUNTIME')).toBe(false);
      expect(appSettings.has('FUNCTIONS_EXTENSION_VERSION')).toBe(false);
      expect(app).toMatch(/runtime: \{ name: 'node', version: '22' \}/);
      expect(resourceBlock('plan')).toMatch(/tier: 'FlexConsumption', name: 'FC1'/);
    });
  });

  describe('secrets', () => {
    it('when the template is read, then it contains no keys or connection strings', () => {
      expect(template).not.toMatch(/listKeys\(/);
      expect(template).not.toMatch(/AccountKey=/);
      expect(template).not.toMatch(/SharedAccessKey|listConnectionStrings|connectionStrings:/i);
      expect(resourceBlock('storage')).toMatch(/allowSharedKeyAccess: false/);
      expect(resourceBlock('serviceBus')).toMatch(/disableLocalAuth: true/);
    });

    it('when the app needs the HR secret, then it is a @secure() parameter stored in Key Vault and read by reference', () => {
      expect(template).toMatch(/@secure\(\)\s*\n(@\w+\(.*\)\s*\n)*param hrWebhookSecret string/);
      expect(appSettings.get('HR_WEBHOOK_SECRET')).toMatch(/^'@Microsoft\.KeyVault\(SecretUri=\$\{hrSecret\.properties\.secretUri\}\)'$/);
      expect(appSettings.get('CREDENTIAL_WEBHOOK_SECRET')).toMatch(/@Microsoft\.KeyVault\(SecretUri=/);
      expect(app).toMatch(/keyVaultReferenceIdentity: identity\.id/);
      expect(resourceBlock('keyVault')).toMatch(/enableRbacAuthorization: true/);
    });

    it('when a parameter is declared, then it is documented with @description', () => {
      const lines = template.split('\n');
      const undocumented = lines
        .map((line, i) => ({ line, i }))
        .filter(({ line }) => line.startsWith('param '))
        .filter(({ i }) => {
          let j = i - 1;
          while (j >= 0 && (lines[j] ?? '').startsWith('@') && !(lines[j] ?? '').startsWith('@description(')) j--;
          return !(lines[j] ?? '').startsWith('@description(');
        })
        .map(({ line }) => line);
      expect(undocumented).toEqual([]);
    });
  });

  describe('Service Bus queues', () => {
    it('when events are queued for processing, then the queue has sessions, duplicate detection and dead-lettering', () => {
      const processing = resourceBlock('processingQueue');
      expect(processing).toMatch(/name: processingQueueName/);
      expect(processing).toMatch(/requiresSession: true/);
      expect(processing).toMatch(/requiresDuplicateDetection: true/);
      expect(processing).toMatch(/duplicateDetectionHistoryTimeWindow: 'PT1H'/);
      expect(processing).toMatch(/maxDeliveryCount: 10/);
      expect(processing).toMatch(/deadLetteringOnMessageExpiration: true/);
      expect(processing).toMatch(/lockDuration: 'PT1M'/);
      expect(template).toMatch(/var processingQueueName = 'lifecycle-events'/);
      expect(appSettings.get('PROCESSING_QUEUE_NAME')).toBe('processingQueue.name');
    });

    it('when tickets arrive, then their queue detects duplicates without sessions', () => {
      const tickets = resourceBlock('ticketQueue');
      expect(tickets).toMatch(/name: ticketQueueName/);
      expect(tickets).toMatch(/requiresDuplicateDetection: true/);
      expect(tickets).toMatch(/requiresSession: false/);
      expect(template).toMatch(/var ticketQueueName = 'ticket-requests'/);
      expect(appSettings.get('TICKET_QUEUE_NAME')).toBe('ticketQueue.name');
    });
  });

  describe('operator console sign-in (App Service Authentication)', () => {
    const auth = resourceBlock('consoleAuth');

    it('when a console client id is given, then Entra ID sign-in runs in front of the app with that registration', () => {
      expect(auth).toMatch(/^resource consoleAuth 'Microsoft\.Web\/sites\/config@[\d-]+' = if \(!empty\(consoleClientId\)\)/);
      expect(auth).toMatch(/name: 'authsettingsV2'/);
      expect(auth).toMatch(/parent: app/);
      expect(auth).toMatch(/platform: \{ enabled: true \}/);
      expect(auth).toMatch(/clientId: consoleClientId/);
      expect(auth).toMatch(/openIdIssuer: '\$\{environment\(\)\.authentication\.loginEndpoint\}\$\{consoleTenantId\}\/v2\.0'/);
    });

    it('when a caller has no session, then the platform lets it through: HR webhooks, SCIM, tickets and callbacks keep their own checks', () => {
      expect(auth).toMatch(/requireAuthentication: false/);
      expect(auth).toMatch(/unauthenticatedClientAction: 'AllowAnonymous'/);
    });

    it('when sign-in is configured, then no client secret is involved', () => {
      expect(auth).not.toMatch(/clientSecret/i);
    });
  });

  describe('role assignments', () => {
    it('when the identity is created, then it gets exactly the data-plane roles the app uses', () => {
      const wanted = {
        serviceBus: ['serviceBusDataOwner'],
        storage: ['storageBlobDataOwner', 'storageTableDataContributor', 'storageQueueDataContributor'],
        keyVault: ['keyVaultSecretsUser'],
        insights: ['monitoringMetricsPublisher'],
      };
      const assigned = [...template.matchAll(/\{ scope: '(\w+)', role: roles\.(\w+) \}/g)].map((m) => `${m[1]}:${m[2]}`);
      const expected = Object.entries(wanted).flatMap(([scope, roles]) => roles.map((r) => `${scope}:${r}`));
      expect(assigned.sort()).toEqual(expected.sort());
    });
  });
});
