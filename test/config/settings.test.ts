import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError, parseSettings, SETTING_NAMES, settingsSchema } from '../../shared/config/settings';

const secret = 'x'.repeat(40);
const azureBasics = {
  HR_WEBHOOK_SECRET: secret,
  ServiceBusConnection__fullyQualifiedNamespace: 'contoso.servicebus.windows.net',
  AzureWebJobsStorage__accountName: 'contosolifecycle',
};

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    parseSettings(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('configuration', () => {
  it('when every required setting is present, then defaults fill the rest and the result is frozen', () => {
    const settings = parseSettings(azureBasics);
    expect(settings.GRAPH_BASE_URL).toBe('https://graph.microsoft.com');
    expect(settings.GRAPH_CREDENTIAL).toBe('managed-identity');
    expect(settings.PROCESSING_QUEUE_NAME).toBe('lifecycle-events');
    expect(settings.HR_MAX_RECORDS).toBe(500);
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it('when settings are missing or invalid, then one error names each of them and never echoes a value', () => {
    const problems = problemsOf({ HR_WEBHOOK_SECRET: 'short-secret-value', HR_MAX_RECORDS: 'many', GRAPH_BASE_URL: 'http://graph.example.com' });
    const text = problems.join('\n');
    expect(text).toMatch(/HR_WEBHOOK_SECRET: must be at least 32 characters/);
    expect(text).toMatch(/HR_MAX_RECORDS/);
    expect(text).toMatch(/GRAPH_BASE_URL: must be an https:\/\/ URL/);
    expect(text).toMatch(/ServiceBusConnection__fullyQualifiedNamespace: is required in Azure/);
    expect(text).toMatch(/AzureWebJobsStorage__accountName/);
    expect(text).not.toContain('short-secret-value');
  });

  it('when the local credential is asked for with a non-loopback Graph endpoint, then configuration is refused', () => {
    expect(problemsOf({ ...azureBasics, GRAPH_CREDENTIAL: 'local' }).join()).toMatch(/GRAPH_CREDENTIAL: `local` is allowed only when GRAPH_BASE_URL is a loopback address/);
    expect(parseSettings({ ...azureBasics, GRAPH_CREDENTIAL: 'local', GRAPH_BASE_URL: 'https://localhost:8443' }).GRAPH_CREDENTIAL).toBe('local');
  });

  it('local.settings.sample.json documents exactly the settings the schema reads (plus the host runtime)', () => {
    const sample = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'local.settings.sample.json'), 'utf8')) as { Values: Record<string, string> };
    const documented = Object.keys(sample.Values).filter((k) => k !== 'FUNCTIONS_WORKER_RUNTIME').sort();
    expect(documented).toEqual([...SETTING_NAMES].sort());
  });

  it('every setting carries a description, which is its documentation', () => {
    for (const [name, schema] of Object.entries(settingsSchema.shape)) {
      expect([name, (schema as { description?: string }).description?.length ?? 0]).not.toEqual([name, 0]);
    }
  });
});
