import type { Client } from '@microsoft/microsoft-graph-client';
import * as z from 'zod';
import { graphCall } from './errors';

/**
 * The tenant's Temporary Access Pass policy (part of its authentication methods policy): whether
 * passes may be issued at all, the lifetimes they may have and whether they must be one-time.
 * https://learn.microsoft.com/graph/api/temporaryaccesspassauthenticationmethodconfiguration-get
 * (application permission Policy.Read.AuthenticationMethod).
 */
export interface TemporaryAccessPassPolicy {
  enabled: boolean;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  defaultLifetimeInMinutes: number;
  /** true: every pass in the tenant is one-time use. */
  isUsableOnce: boolean;
}

const POLICY_PATH = '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass';

/** Graph's own bounds for any pass, used where the policy leaves a value out. */
const HARD_BOUNDS = { min: 10, max: 43_200 } as const;

const minutes = z.number().int().min(HARD_BOUNDS.min).max(HARD_BOUNDS.max);
const policySchema = z.object({
  state: z.string(),
  minimumLifetimeInMinutes: minutes.nullish(),
  maximumLifetimeInMinutes: minutes.nullish(),
  defaultLifetimeInMinutes: minutes.nullish(),
  isUsableOnce: z.boolean().nullish(),
});

export async function readTemporaryAccessPassPolicy(client: Client): Promise<TemporaryAccessPassPolicy> {
  const raw = await graphCall('read Temporary Access Pass policy', () => client.api(POLICY_PATH).get());
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`the Temporary Access Pass policy Graph returned is not understood: ${parsed.error.issues.map((i) => i.path.join('.') || '(policy)').join(', ')}`);
  }
  const p = parsed.data;
  const min = p.minimumLifetimeInMinutes ?? HARD_BOUNDS.min;
  const max = Math.max(min, p.maximumLifetimeInMinutes ?? HARD_BOUNDS.max);
  return {
    enabled: p.state === 'enabled',
    minimumLifetimeInMinutes: min,
    maximumLifetimeInMinutes: max,
    defaultLifetimeInMinutes: Math.min(max, Math.max(min, p.defaultLifetimeInMinutes ?? min)),
    isUsableOnce: p.isUsableOnce === true,
  };
}

/** Policies change rarely and every pass needs one: read at most every few minutes per tenant. */
const POLICY_TTL_MS = 5 * 60_000;
/** Keyed by the tenant runtime's Graph client, so each tenant has its own and it goes with the runtime. */
const cached = new WeakMap<Client, { at: number; policy: Promise<TemporaryAccessPassPolicy> }>();

/** The policy as read in the last few minutes; `fresh` reads it again (before anything destructive or final). */
export function temporaryAccessPassPolicy(client: Client, now: Date, options: { fresh?: boolean } = {}): Promise<TemporaryAccessPassPolicy> {
  const hit = cached.get(client);
  if (hit && !options.fresh && now.getTime() - hit.at < POLICY_TTL_MS) return hit.policy;
  const policy = readTemporaryAccessPassPolicy(client);
  const entry = { at: now.getTime(), policy };
  cached.set(client, entry);
  // A failed read is not remembered: the next pass asks Graph again.
  policy.catch(() => {
    if (cached.get(client) === entry) cached.delete(client);
  });
  return policy;
}

export interface PassTerms {
  lifetimeInMinutes: number;
  isUsableOnce: true;
  /** Why the pass differs from what was asked, for the step detail. */
  notes: string[];
}

/**
 * The pass to ask for: the configured lifetime fitted inside the policy's bounds (Graph refuses
 * one outside them), always one-time use (the app's choice; a policy may also require it).
 */
export function fitToPolicy(wantedMinutes: number, policy: TemporaryAccessPassPolicy): PassTerms {
  const notes: string[] = [];
  let lifetimeInMinutes = wantedMinutes;
  if (wantedMinutes > policy.maximumLifetimeInMinutes) {
    lifetimeInMinutes = policy.maximumLifetimeInMinutes;
    notes.push(`TAP_LIFETIME_MINUTES (${wantedMinutes}) is above the tenant's Temporary Access Pass policy maximum of ${lifetimeInMinutes} minutes: issued for ${lifetimeInMinutes}`);
  } else if (wantedMinutes < policy.minimumLifetimeInMinutes) {
    lifetimeInMinutes = policy.minimumLifetimeInMinutes;
    notes.push(`TAP_LIFETIME_MINUTES (${wantedMinutes}) is below the tenant's Temporary Access Pass policy minimum of ${lifetimeInMinutes} minutes: issued for ${lifetimeInMinutes}`);
  }
  if (policy.isUsableOnce) notes.push("one-time use, as the tenant's policy requires");
  return { lifetimeInMinutes, isUsableOnce: true, notes };
}
