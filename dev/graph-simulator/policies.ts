import { z } from 'zod';
import { requireAnyAppRole } from './app-roles';
import { badRequest, GraphError, notFound } from './errors';
import type { SimContext } from './types';

/**
 * The tenant's Temporary Access Pass policy (authentication methods policy), as documented:
 * https://learn.microsoft.com/graph/api/resources/temporaryaccesspassauthenticationmethodconfiguration
 * Lifetimes are 10–43,200 minutes, the default between the minimum and the maximum, the length 8–48.
 */
export const temporaryAccessPassPolicySchema = z
  .object({
    state: z.enum(['enabled', 'disabled']),
    defaultLifetimeInMinutes: z.number().int().min(10).max(43_200),
    minimumLifetimeInMinutes: z.number().int().min(10).max(43_200),
    maximumLifetimeInMinutes: z.number().int().min(10).max(43_200),
    isUsableOnce: z.boolean(),
    defaultLength: z.number().int().min(8).max(48),
  })
  .strict()
  .refine((p) => p.minimumLifetimeInMinutes <= p.maximumLifetimeInMinutes, { message: 'minimumLifetimeInMinutes must not exceed maximumLifetimeInMinutes', path: ['minimumLifetimeInMinutes'] })
  .refine((p) => p.defaultLifetimeInMinutes >= p.minimumLifetimeInMinutes && p.defaultLifetimeInMinutes <= p.maximumLifetimeInMinutes, {
    message: 'defaultLifetimeInMinutes must lie between minimumLifetimeInMinutes and maximumLifetimeInMinutes',
    path: ['defaultLifetimeInMinutes'],
  });

export type TemporaryAccessPassPolicy = z.infer<typeof temporaryAccessPassPolicySchema>;

/**
 * Deviation: Entra's defaults are minimum 60, maximum 480, default 60 minutes, and the method is
 * off until an admin enables it (https://learn.microsoft.com/entra/identity/authentication/howto-authentication-temporary-access-pass).
 * The simulator starts enabled with Graph's hard bounds so code meets those unless a test seeds
 * the tenant's policy (seed `policies.temporaryAccessPass`, or `setTemporaryAccessPassPolicy`).
 */
export const DEFAULT_TEMPORARY_ACCESS_PASS_POLICY: TemporaryAccessPassPolicy = {
  state: 'enabled',
  defaultLifetimeInMinutes: 60,
  minimumLifetimeInMinutes: 10,
  maximumLifetimeInMinutes: 43_200,
  isUsableOnce: false,
  defaultLength: 8,
};

/** The seeded or updated policy over the current one; a policy Entra would refuse is refused here too. */
export function mergeTemporaryAccessPassPolicy(current: TemporaryAccessPassPolicy, change: Partial<TemporaryAccessPassPolicy> | undefined): TemporaryAccessPassPolicy {
  const result = temporaryAccessPassPolicySchema.safeParse({ ...current, ...change });
  if (!result.success) throw new Error(`Temporary Access Pass policy: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return result.data;
}

/**
 * `GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}`: only the
 * TemporaryAccessPass configuration is modelled (id matched case-insensitively: Graph's own
 * examples use both spellings). Least privileged application permission:
 * Policy.Read.AuthenticationMethod (https://learn.microsoft.com/graph/api/temporaryaccesspassauthenticationmethodconfiguration-get).
 */
export function getAuthenticationMethodConfiguration(ctx: SimContext, id: string): Record<string, unknown> {
  requireAnyAppRole(ctx, ['Policy.Read.AuthenticationMethod', 'Policy.ReadWrite.AuthenticationMethod', 'Policy.Read.All']);
  if (id.toLowerCase() !== 'temporaryaccesspass') throw notFound(id);
  return {
    '@odata.context': `${ctx.baseUrl}/$metadata#authenticationMethodConfigurations/$entity`,
    '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
    id: 'TemporaryAccessPass',
    ...ctx.state.temporaryAccessPassPolicy,
    includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
    excludeTargets: [],
  };
}

/**
 * What a create may ask for under the tenant's policy (create docs: without a lifetime the
 * policy's default applies; a multi-use pass only if the policy allows it):
 * https://learn.microsoft.com/graph/api/authentication-post-temporaryaccesspassmethods
 * Wording: the lifetime refusal is the one a 2021 public report shows with the policy's bounds
 * (microsoftgraph/microsoft-graph-docs#12187); the disabled-method refusal is the admin center's
 * text in MicrosoftDocs/azure-docs#111778 (status and code recollected); the one-time refusal is invented.
 */
export function temporaryAccessPassTerms(ctx: SimContext, body: Record<string, unknown>): { lifetimeInMinutes: number; isUsableOnce: boolean } {
  const policy = ctx.state.temporaryAccessPassPolicy;
  const lifetime = body.lifetimeInMinutes ?? policy.defaultLifetimeInMinutes;
  if (typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime < policy.minimumLifetimeInMinutes || lifetime > policy.maximumLifetimeInMinutes) {
    throw badRequest(`Invalid LifetimeInMinutes specified. The valid range between ${policy.minimumLifetimeInMinutes} and ${policy.maximumLifetimeInMinutes}.`, 'badRequest');
  }
  if (body.isUsableOnce !== undefined && typeof body.isUsableOnce !== 'boolean') {
    throw badRequest("Invalid value specified for property 'isUsableOnce' of resource 'temporaryAccessPassAuthenticationMethod'.", 'badRequest');
  }
  if (policy.state !== 'enabled') {
    throw new GraphError(400, 'badRequest', 'Converged UserCredentialPolicy does not allow creating or updating this authentication method. AuthMethodType [TemporaryAccessPass].');
  }
  if (policy.isUsableOnce && body.isUsableOnce === false) {
    throw badRequest('The Temporary Access Pass policy only allows one-time use passes.', 'badRequest');
  }
  return { lifetimeInMinutes: lifetime, isUsableOnce: body.isUsableOnce === undefined ? policy.isUsableOnce : body.isUsableOnce };
}
