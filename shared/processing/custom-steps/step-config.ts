import { MIN_SECRET_LENGTH, type NamedSetting, type Settings } from '../../config/settings';
import type { AccessPolicy } from '../../rules/access-policy';
import { JOINER_CUSTOM_STEP_POINTS, LEAVER_CUSTOM_STEP_POINTS, type CustomStep } from '../../rules/leaver-policy';
import { endpointProblem } from '../../security/outbound-endpoint';

export type CustomStepPoint = (typeof LEAVER_CUSTOM_STEP_POINTS)[number] | (typeof JOINER_CUSTOM_STEP_POINTS)[number];

/** The ledger step of a custom step. */
export const ledgerStepName = (step: Pick<CustomStep, 'name'>): string => `custom:${step.name}`;

/** The points are distinct across flows, so a point says whose policy holds the step. */
export function customStepsAt(policy: AccessPolicy, point: string): CustomStep[] {
  if ((LEAVER_CUSTOM_STEP_POINTS as readonly string[]).includes(point)) return policy.leaver.customSteps.filter((s) => s.at === point);
  if ((JOINER_CUSTOM_STEP_POINTS as readonly string[]).includes(point)) return policy.joiner.customSteps.filter((s) => s.at === point);
  return [];
}

export function findCustomStep(policy: AccessPolicy, point: string, name: string): CustomStep | undefined {
  return customStepsAt(policy, point).find((s) => s.name === name);
}

export type NamedSettings = ((name: string, options?: { minLength?: number }) => NamedSetting) | undefined;

/** Where the step is called and what it is signed with, or why it cannot be: naming settings, never values. */
export type Endpoint = { ok: true; url: string; host: string; secret: string } | { ok: false; code: 'CustomStepNotConfigured' | 'EndpointNotAllowed'; problem: string };

export function resolveEndpoint(step: CustomStep, namedSetting: NamedSettings, settings: Settings): Endpoint {
  if (!namedSetting) return { ok: false, code: 'CustomStepNotConfigured', problem: 'no app settings can be read for this tenant' };
  const secret = namedSetting(step.secretSetting, { minLength: MIN_SECRET_LENGTH });
  if (!secret.ok) return { ok: false, code: 'CustomStepNotConfigured', problem: `secretSetting: ${secret.problem}` };
  let url = step.url;
  if (step.urlSetting) {
    const named = namedSetting(step.urlSetting);
    if (!named.ok) return { ok: false, code: 'CustomStepNotConfigured', problem: `urlSetting: ${named.problem}` };
    url = named.value;
  }
  const field = step.urlSetting ? `urlSetting (${step.urlSetting})` : 'url';
  const problem = url === undefined ? 'is missing' : endpointProblem(url, { allowPrivate: settings.LIFECYCLE_RUNTIME === 'local' });
  if (problem || url === undefined) return { ok: false, code: 'EndpointNotAllowed', problem: `${field} ${problem ?? 'is missing'}` };
  return { ok: true, url, host: new URL(url).host, secret: secret.value };
}

/** Where receivers call back: CALLBACK_BASE_URL, or the local host's default address in local development. */
export function callbackBaseUrl(settings: Settings): string | undefined {
  const base = settings.CALLBACK_BASE_URL ?? (settings.LIFECYCLE_RUNTIME === 'local' ? 'http://localhost:7071' : undefined);
  return base?.replace(/\/+$/, '');
}
