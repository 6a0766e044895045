import type { Client } from '@microsoft/microsoft-graph-client';
import { graphCall, GraphRequestError } from './errors';
import { graphPath } from './odata';

/**
 * A user's registered sign-in methods, through Graph's authentication methods API
 * (https://learn.microsoft.com/graph/api/resources/authenticationmethods-overview): one list of
 * every method, then a delete per method through its type's own collection. Only the type, the
 * id and — for phones — the phone type are kept from the list: never a number, an address or a
 * device name, so nothing of the kind can reach a log or the ledger.
 */

export type RemovableMethodKind =
  | 'temporaryAccessPass'
  | 'email'
  | 'fido2'
  | 'windowsHelloForBusiness'
  | 'platformCredential'
  | 'softwareOath'
  | 'microsoftAuthenticator'
  | 'phone';

interface MethodKindInfo {
  /** The collection under `/users/{id}/authentication/` that deletes this type. */
  segment: string;
  /** How the step names it to people. */
  label: string;
}

/**
 * Every type the v1.0 API can delete (reference/graph/v1.0-Prod.csdl, `authentication`'s
 * navigation properties), in the order they are removed: the types that can be a user's default
 * MFA method (Authenticator push, OATH, phone) last, phones last of all, since Graph refuses to
 * delete the default method while others remain.
 */
export const REMOVABLE_METHODS: Readonly<Record<RemovableMethodKind, MethodKindInfo>> = {
  temporaryAccessPass: { segment: 'temporaryAccessPassMethods', label: 'Temporary Access Pass' },
  email: { segment: 'emailMethods', label: 'email (self-service password reset)' },
  fido2: { segment: 'fido2Methods', label: 'FIDO2 security key / passkey' },
  windowsHelloForBusiness: { segment: 'windowsHelloForBusinessMethods', label: 'Windows Hello for Business' },
  platformCredential: { segment: 'platformCredentialMethods', label: 'platform credential (macOS)' },
  softwareOath: { segment: 'softwareOathMethods', label: 'software OATH token' },
  microsoftAuthenticator: { segment: 'microsoftAuthenticatorMethods', label: 'Microsoft Authenticator' },
  phone: { segment: 'phoneMethods', label: 'phone' },
};

const KIND_BY_ODATA_TYPE: Readonly<Record<string, RemovableMethodKind>> = {
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': 'temporaryAccessPass',
  '#microsoft.graph.emailAuthenticationMethod': 'email',
  '#microsoft.graph.fido2AuthenticationMethod': 'fido2',
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': 'windowsHelloForBusiness',
  '#microsoft.graph.platformCredentialAuthenticationMethod': 'platformCredential',
  '#microsoft.graph.softwareOathAuthenticationMethod': 'softwareOath',
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': 'microsoftAuthenticator',
  '#microsoft.graph.phoneAuthenticationMethod': 'phone',
};

export const PASSWORD_METHOD_TYPE = '#microsoft.graph.passwordAuthenticationMethod';

export interface RegisteredMethod {
  id: string;
  /** `@odata.type` as Graph gave it. */
  odataType: string;
  /** Undefined: a type this app does not delete (the password, or one v1.0 added since). */
  kind?: RemovableMethodKind;
  /** mobile, alternateMobile or office (phones only): a user can't have an alternateMobile without a mobile. */
  phoneType?: string;
}

/** `GET /users/{id}/authentication/methods`, following `@odata.nextLink`. */
export async function listAuthenticationMethods(client: Client, userId: string): Promise<RegisteredMethod[]> {
  const methods: RegisteredMethod[] = [];
  let page = (await graphCall('list authentication methods', () => client.api(graphPath`/users/${userId}/authentication/methods`).get())) as Record<string, unknown>;
  for (;;) {
    for (const raw of (page.value ?? []) as Record<string, unknown>[]) {
      const odataType = String(raw['@odata.type'] ?? '');
      const kind = KIND_BY_ODATA_TYPE[odataType];
      methods.push({
        id: String(raw.id),
        odataType,
        ...(kind ? { kind } : {}),
        ...(kind === 'phone' && typeof raw.phoneType === 'string' ? { phoneType: raw.phoneType } : {}),
      });
    }
    const next = page['@odata.nextLink'] as string | undefined;
    if (!next) return methods;
    page = await graphCall('list authentication methods', () => client.api(next).get());
  }
}

/**
 * Deletes one method through its type's endpoint (`DELETE /users/{id}/authentication/phoneMethods/{id}`, …).
 * Returns false when it was already gone (404). Graph's refusals (400: the default method while
 * others remain, a mobile phone while an alternateMobile one remains) are thrown as they come.
 */
export async function deleteAuthenticationMethod(client: Client, userId: string, method: RegisteredMethod & { kind: RemovableMethodKind }): Promise<boolean> {
  const { segment } = REMOVABLE_METHODS[method.kind];
  try {
    await graphCall(`delete ${method.kind} authentication method`, () => client.api(graphPath`/users/${userId}/authentication/${segment}/${method.id}`).delete());
    return true;
  } catch (error) {
    if (error instanceof GraphRequestError && error.failure.kind === 'not-found') return false;
    throw error;
  }
}
