import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SETTING_NAMES } from '../../shared/config/settings';

const template = readFileSync(path.join(__dirname, '..', '..', 'infra', 'main.bicep'), 'utf8');
const appSettings = new Set([...template.matchAll(/\{ name: '([A-Za-z_]+)', value:/g)].map((m) => m[1] as string));

/** Settings the template deliberately does not set, and why. */
const NOT_SET_IN_AZURE: Record<string, string> = {
  AzureWebJobsStorage: 'a connection string; Azure uses the identity-based AzureWebJobsStorage__accountName instead',
};

function queueBlock(name: string): string {
  const start = template.indexOf(`name: ${name}`);
  expect(start).toBeGreaterThan(-1);
  return template.slice(start, template.indexOf('}\n}', start));
}

describe('infra/main.bicep', () => {
  it('sets every setting the app reads, except the ones deliberately left out', () => {
    const missing = SETTING_NAMES.filter((name) => !appSettings.has(name) && !NOT_SET_IN_AZURE[name]);
    expect(missing).toEqual([]);
    for (const name of Object.keys(NOT_SET_IN_AZURE)) expect(appSettings.has(name)).toBe(false);
  });

  it('connects to storage and Service Bus by identity, with no keys or connection strings anywhere', () => {
    for (const name of ['AzureWebJobsStorage__accountName', 'AzureWebJobsStorage__credential', 'ServiceBusConnection__fullyQualifiedNamespace', 'ServiceBusConnection__credential']) {
      expect(appSettings.has(name)).toBe(true);
    }
    expect(template).not.toMatch(/listKeys\(|AccountKey=|SharedAccessKey|connectionStrings/i);
    expect(template).toMatch(/allowSharedKeyAccess: false/);
    expect(template).toMatch(/disableLocalAuth: true/);
  });

  it('keeps secrets in Key Vault: the HR secret is a Key Vault reference and a @secure() parameter', () => {
    expect(template).toMatch(/@secure\(\)\s*\n@minLength\(32\)\s*\nparam hrWebhookSecret string/);
    expect(template).toMatch(/name: 'HR_WEBHOOK_SECRET', value: '@Microsoft\.KeyVault\(SecretUri=/);
  });

  it('gives the processing queue sessions, duplicate detection and dead-lettering as the code relies on', () => {
    const processing = queueBlock('processingQueueName');
    expect(processing).toMatch(/requiresSession: true/);
    expect(processing).toMatch(/requiresDuplicateDetection: true/);
    expect(processing).toMatch(/maxDeliveryCount: 10/);
    const tickets = queueBlock('ticketQueueName');
    expect(tickets).toMatch(/requiresDuplicateDetection: true/);
    expect(tickets).toMatch(/requiresSession: false/);
  });

  it('runs Node 20 on Flex Consumption', () => {
    expect(template).toMatch(/tier: 'FlexConsumption', name: 'FC1'/);
    expect(template).toMatch(/runtime: \{ name: 'node', version: '20' \}/);
  });
});
