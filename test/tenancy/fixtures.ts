import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseSettings, type Settings } from '../../shared/config/settings';
import type { AccessPolicy } from '../../shared/rules/access-policy';
import { loadAccessPolicy } from '../../shared/rules/rules-file';

/** Distinctive values, so a test can prove none of them reaches an issue or a listing. */
export const HOME_SECRET = 'home-hr-secret-value-0123456789-abcdef';
export const FABRIKAM_SECRET = 'fabrikam-hr-secret-value-0123456789-XYZ';

export const SAMPLE_FOLDER = path.join(__dirname, '../../config/tenants.sample');

/** The committed sample, as a fresh object a test may change. */
export function sampleConfig(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(SAMPLE_FOLDER, 'fabrikam.json'), 'utf8')) as Record<string, unknown>;
}

/** The sample as another tenant: its own key, name and secret setting. */
export function tenantConfig(key: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...sampleConfig(), key, displayName: `Tenant ${key}`, hrWebhookSecretSetting: `HR_SECRET_${key.toUpperCase().replace(/-/g, '_')}`, ...overrides };
}

export function localSettings(extra: Record<string, string> = {}): Settings {
  return parseSettings({ LIFECYCLE_RUNTIME: 'local', HR_WEBHOOK_SECRET: HOME_SECRET, ...extra });
}

/** What an MSP deployment in Azure must set; nothing here is contacted. */
export function azureSettings(extra: Record<string, string> = {}): Settings {
  return parseSettings({
    LIFECYCLE_RUNTIME: 'azure',
    HR_WEBHOOK_SECRET: HOME_SECRET,
    ServiceBusConnection__fullyQualifiedNamespace: 'msp-lifecycle.servicebus.windows.net',
    AzureWebJobsStorage__accountName: 'msplifecycle',
    MSP_APP_CLIENT_ID: '0b6f3c8e-1d2a-4f5b-9c7e-8a9b0c1d2e3f',
    ...extra,
  });
}

export const homePolicy = (): AccessPolicy => loadAccessPolicy(path.join(__dirname, '../../config/rules.json'));

/** A fresh folder holding these files: objects are written as JSON, strings as they are. */
export async function tenantFolder(files: Record<string, unknown>): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'tenants-'));
  await writeTenantFiles(folder, files);
  return folder;
}

export async function writeTenantFiles(folder: string, files: Record<string, unknown>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(folder, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
}

/** A clock the test moves. */
export function fakeClock(start = Date.parse('2026-11-22T09:00:00Z')): { now: () => number; advance: (seconds: number) => void } {
  let t = start;
  return { now: () => t, advance: (seconds) => (t += seconds * 1000) };
}
