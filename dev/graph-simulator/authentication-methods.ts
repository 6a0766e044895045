import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { requireAnyAppRole } from './app-roles';
import { loadGraphMetadata } from './csdl';
import { GraphError } from './errors';
import type { SimContext, SimRequest, SimulatorState, UserRecord } from './types';
import { requireUser } from './users';

/**
 * A user's registered sign-in methods other than the Temporary Access Pass (authentication.ts
 * keeps those), as the authentication methods API shows them:
 * https://learn.microsoft.com/graph/api/resources/authenticationmethods-overview
 * - `GET /users/{id}/authentication/methods` lists every method, the password included
 *   (https://learn.microsoft.com/graph/api/authentication-list-methods; application permission
 *   UserAuthenticationMethod.Read.All or .ReadWrite.All);
 * - each type has its own collection to list and delete (`phoneMethods`, `fido2Methods`, …), 204 on
 *   delete, with the per-method permission Graph added in October 2025
 *   (https://learn.microsoft.com/graph/whats-new-overview: UserAuthMethod-Phone.ReadWrite.All, …)
 *   or UserAuthenticationMethod.ReadWrite.All;
 * - the password method cannot be deleted (no DELETE is documented; it has a fixed id).
 * Only non-secret display fields are kept: never a secret key, a password or a public key.
 */

interface MethodType {
  /** The collection under `/users/{id}/authentication/`. */
  segment: string;
  /** The CSDL entity type. */
  odataType: string;
  /** The per-method application permission that lets an app delete this type. */
  permission: string;
  /** Whether this type can be a user's default MFA method (userDefaultAuthenticationMethod: push, oath, sms/voice). */
  canBeDefault: boolean;
}

export const METHOD_TYPES = {
  phone: { segment: 'phoneMethods', odataType: 'phoneAuthenticationMethod', permission: 'UserAuthMethod-Phone.ReadWrite.All', canBeDefault: true },
  microsoftAuthenticator: { segment: 'microsoftAuthenticatorMethods', odataType: 'microsoftAuthenticatorAuthenticationMethod', permission: 'UserAuthMethod-MicrosoftAuthApp.ReadWrite.All', canBeDefault: true },
  fido2: { segment: 'fido2Methods', odataType: 'fido2AuthenticationMethod', permission: 'UserAuthMethod-Passkey.ReadWrite.All', canBeDefault: false },
  softwareOath: { segment: 'softwareOathMethods', odataType: 'softwareOathAuthenticationMethod', permission: 'UserAuthMethod-SoftwareOATH.ReadWrite.All', canBeDefault: true },
  email: { segment: 'emailMethods', odataType: 'emailAuthenticationMethod', permission: 'UserAuthMethod-Email.ReadWrite.All', canBeDefault: false },
  windowsHelloForBusiness: { segment: 'windowsHelloForBusinessMethods', odataType: 'windowsHelloForBusinessAuthenticationMethod', permission: 'UserAuthMethod-WindowsHello.ReadWrite.All', canBeDefault: false },
  platformCredential: { segment: 'platformCredentialMethods', odataType: 'platformCredentialAuthenticationMethod', permission: 'UserAuthMethod-PlatformCred.ReadWrite.All', canBeDefault: false },
} as const satisfies Record<string, MethodType>;

export type MethodKind = keyof typeof METHOD_TYPES;
const KINDS = Object.keys(METHOD_TYPES) as [MethodKind, ...MethodKind[]];

/** Fixed ids Graph documents: phone methods by type (phoneauthenticationmethod-delete), the email method, the password method. */
const PHONE_IDS = { alternateMobile: 'b6332ec1-7057-4abe-9331-3d72feddfe41', office: 'e37fc753-ff3b-4958-9484-eaa9425c82bc', mobile: '3179e48a-750b-4051-897c-87b9720928f7' } as const;
const EMAIL_ID = '3ddfcfc8-9383-446f-83cc-3ab9be4be18f';
export const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';

/** Properties a seed may not hold: secrets Graph never returns (or returns only once). */
const SECRET_PROPERTIES = new Set(['secretKey', 'password', 'publicKeyCredential', 'attestationCertificates']);

/**
 * A seeded method: its type, optionally its id, whether it is the user's default MFA method, and
 * display fields of that type (checked against the CSDL when the state is built).
 */
export const seedAuthenticationMethodSchema = z
  .object({ type: z.enum(KINDS), id: z.string().min(1).optional(), isDefault: z.boolean().default(false) })
  .catchall(z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type SeedAuthenticationMethod = z.input<typeof seedAuthenticationMethodSchema>;

/** What the simulator keeps on `user.authenticationMethods`. */
export interface StoredMethod {
  type: MethodKind;
  id: string;
  createdDateTime: string;
  isDefault: boolean;
  fields: Record<string, string | number | boolean | null>;
}

const KEY = 'authenticationMethods';

export function methodsOf(user: UserRecord): StoredMethod[] {
  if (!Array.isArray(user[KEY])) user[KEY] = [];
  return user[KEY] as StoredMethod[];
}

/**
 * Validates seeded methods and stores them on the user (seed and `seedAuthenticationMethods`).
 * Refuses secret fields, unknown properties, a second method with a fixed id, an alternateMobile
 * phone without a mobile one ("A user can't have an alternateMobile number without a mobile
 * number", phoneauthenticationmethod-delete) and more than one default method.
 */
export function storeAuthenticationMethods(user: UserRecord, raw: unknown, source = `user ${user.id}`): void {
  const parsed = z.array(seedAuthenticationMethodSchema).safeParse(raw);
  if (!parsed.success) throw new Error(`${source}: authenticationMethods: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const methods = [...methodsOf(user)];
  const now = new Date().toISOString();
  for (const [i, { type, id, isDefault, ...fields }] of parsed.data.entries()) {
    const known = loadGraphMetadata().propertiesOf(METHOD_TYPES[type].odataType);
    const bad = Object.keys(fields).find((k) => SECRET_PROPERTIES.has(k) || !known.has(k));
    if (bad) throw new Error(`${source}: authenticationMethods.${i}.${bad}: not a non-secret property of microsoft.graph.${METHOD_TYPES[type].odataType}`);
    const fixed = type === 'phone' ? PHONE_IDS[fields.phoneType as keyof typeof PHONE_IDS] : type === 'email' ? EMAIL_ID : undefined;
    if (type === 'phone' && !fixed) throw new Error(`${source}: authenticationMethods.${i}.phoneType: must be mobile, alternateMobile or office`);
    const methodId = fixed ?? id ?? randomUUID();
    if (methods.some((m) => m.id === methodId)) throw new Error(`${source}: authenticationMethods.${i}: the user already has a ${type} method with id ${methodId}`);
    if (isDefault && !METHOD_TYPES[type].canBeDefault) throw new Error(`${source}: authenticationMethods.${i}.isDefault: a ${type} method cannot be the default MFA method`);
    methods.push({ type, id: methodId, createdDateTime: typeof fields.createdDateTime === 'string' ? fields.createdDateTime : now, isDefault, fields: structuredClone(fields) });
  }
  const phones = methods.filter((m) => m.type === 'phone').map((m) => m.fields.phoneType);
  if (phones.includes('alternateMobile') && !phones.includes('mobile')) throw new Error(`${source}: authenticationMethods: an alternateMobile phone needs a mobile phone`);
  if (methods.filter((m) => m.isDefault).length > 1) throw new Error(`${source}: authenticationMethods: at most one default method`);
  user[KEY] = methods;
}

function present(method: StoredMethod, withType: boolean): Record<string, unknown> {
  return {
    ...(withType ? { '@odata.type': `#microsoft.graph.${METHOD_TYPES[method.type].odataType}` } : {}),
    id: method.id,
    createdDateTime: method.createdDateTime,
    ...method.fields,
  };
}

/** The password method every account with a password has; its value is never returned (null). */
function passwordMethod(user: UserRecord): Record<string, unknown> {
  return { '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: PASSWORD_METHOD_ID, password: null, createdDateTime: user.createdDateTime };
}

/** Temporary Access Passes as `methods` lists them (authentication.ts stores them, never the pass). */
function passesOf(user: UserRecord): Record<string, unknown>[] {
  const passes = Array.isArray(user.temporaryAccessPassMethods) ? (user.temporaryAccessPassMethods as Record<string, unknown>[]) : [];
  return passes.map((p) => ({ '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod', ...p, temporaryAccessPass: null }));
}

const READ_ALL = ['UserAuthenticationMethod.Read.All', 'UserAuthenticationMethod.ReadWrite.All'];

/**
 * `GET /users/{id}/authentication/methods`: every registered method, typed. Per-method permissions
 * are not taken here: the page lists only UserAuthenticationMethod.Read.All / .ReadWrite.All for
 * apps (whether Graph also accepts the per-method ones for this list is not documented).
 */
export function listAllMethods(ctx: SimContext, userId: string): Record<string, unknown> {
  requireAnyAppRole(ctx, READ_ALL);
  const user = requireUser(ctx.state, userId);
  const methods = [...(user.passwordSet ? [passwordMethod(user)] : []), ...methodsOf(user).map((m) => present(m, true)), ...passesOf(user)];
  return { '@odata.context': `${ctx.baseUrl}/$metadata#users('${user.id}')/authentication/methods`, value: methods };
}

export function listMethodsOfType(ctx: SimContext, userId: string, type: MethodKind): Record<string, unknown> {
  requireAnyAppRole(ctx, [...READ_ALL, METHOD_TYPES[type].permission, METHOD_TYPES[type].permission.replace('.ReadWrite.All', '.Read.All')]);
  const user = requireUser(ctx.state, userId);
  return { value: methodsOf(user).filter((m) => m.type === type).map((m) => present(m, false)) };
}

/**
 * `DELETE /users/{id}/authentication/{type}Methods/{methodId}`: 204. What Graph refuses:
 * - the default MFA method while other methods remain: 400 `badRequest` "Cannot delete default method
 *   with other methods configured. Please change default method before deletion." (reported in
 *   microsoftgraph/microsoft-graph-docs#14470; the page says the default phone "can't be deleted");
 * - the mobile phone while an alternateMobile one remains: documented ("first update the mobile
 *   number … then delete the alternateMobile number"); the 400 wording here is invented;
 * - an unknown method: 404 `itemNotFound` (wording not verified).
 */
export function deleteMethod(ctx: SimContext, userId: string, type: MethodKind, methodId: string): undefined {
  requireAnyAppRole(ctx, ['UserAuthenticationMethod.ReadWrite.All', METHOD_TYPES[type].permission]);
  const user = requireUser(ctx.state, userId);
  const methods = methodsOf(user);
  const method = methods.find((m) => m.type === type && m.id === methodId);
  if (!method) throw new GraphError(404, 'itemNotFound', `The ${METHOD_TYPES[type].odataType} ${methodId} was not found.`);
  const others = methods.filter((m) => m !== method).length + passesOf(user).length;
  if (method.isDefault && others > 0) {
    throw new GraphError(400, 'badRequest', 'Cannot delete default method with other methods configured. Please change default method before deletion.');
  }
  if (type === 'phone' && method.fields.phoneType === 'mobile' && methods.some((m) => m.type === 'phone' && m.fields.phoneType === 'alternateMobile')) {
    throw new GraphError(400, 'badRequest', 'A user cannot have an alternateMobile phone method without a mobile one: delete the alternateMobile method first.');
  }
  user[KEY] = methods.filter((m) => m !== method);
  return undefined;
}

type Handler = (p: Record<string, string>, req: SimRequest, ctx: SimContext) => unknown;

/** The routes router.ts registers, `{id}` and `{methodId}` as its patterns name them. */
export const AUTHENTICATION_METHOD_ROUTES: { method: string; pattern: string; status: number; handler: Handler }[] = [
  { method: 'GET', pattern: '/users/{id}/authentication/methods', status: 200, handler: (p, _req, ctx) => listAllMethods(ctx, p.id!) },
  ...KINDS.flatMap((type) => [
    { method: 'GET', pattern: `/users/{id}/authentication/${METHOD_TYPES[type].segment}`, status: 200, handler: ((p, _req, ctx) => listMethodsOfType(ctx, p.id!, type)) as Handler },
    { method: 'DELETE', pattern: `/users/{id}/authentication/${METHOD_TYPES[type].segment}/{methodId}`, status: 204, handler: ((p, _req, ctx) => deleteMethod(ctx, p.id!, type, p.methodId!)) as Handler },
  ]),
];

/** Tests and dev tools: gives a user of the running tenant these methods (validated as a seed's). */
export function seedAuthenticationMethods(state: SimulatorState, userId: string, methods: readonly SeedAuthenticationMethod[]): void {
  const user = state.users.get(userId);
  if (!user) throw new Error(`seedAuthenticationMethods: no user ${userId}`);
  storeAuthenticationMethods(user, methods, `user ${userId}`);
}
