import { randomBytes, randomUUID } from 'node:crypto';
import { unknownProperty } from './csdl';
import { badRequest, GraphError } from './errors';
import { asObject } from './odata';
import { temporaryAccessPassTerms } from './policies';
import type { SimContext, SimRequest, UserRecord } from './types';
import { requireUser } from './users';

/** What the simulator keeps of a pass: never its value (Graph shows it once, at creation). */
interface StoredPass {
  id: string;
  createdDateTime: string;
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}

const KEY = 'temporaryAccessPassMethods';
const TYPE = 'temporaryAccessPassAuthenticationMethod';

function passesOf(user: UserRecord): StoredPass[] {
  if (!Array.isArray(user[KEY])) user[KEY] = [];
  return user[KEY] as StoredPass[];
}

function expired(pass: StoredPass, now = Date.now()): boolean {
  return now >= Date.parse(pass.startDateTime) + pass.lifetimeInMinutes * 60_000;
}

/** `isUsable` / `methodUsabilityReason` from the clock (reasons as documented: NotYetValid, Expired, EnabledByPolicy). */
function present(pass: StoredPass): Record<string, unknown> {
  const now = Date.now();
  const reason = now < Date.parse(pass.startDateTime) ? 'NotYetValid' : expired(pass, now) ? 'Expired' : 'EnabledByPolicy';
  return { ...pass, isUsable: reason === 'EnabledByPolicy', methodUsabilityReason: reason };
}

/**
 * `POST /users/{id}/authentication/temporaryAccessPassMethods`: 201 with the pass, the only time
 * Graph shows it. One pass per user: a second one is refused while the first has not expired (an
 * expired one is replaced). The refusal wording is recollected, not checked against Graph.
 */
export function createTemporaryAccessPass(req: SimRequest, ctx: SimContext, userId: string): Record<string, unknown> {
  // A user still replicating: 404 (https://learn.microsoft.com/graph/api/authentication-post-temporaryaccesspassmethods
  // documents nothing for replication; see replication.ts).
  const user = requireUser(ctx.state, userId);
  const body = asObject(req.body);
  const unknown = unknownProperty(body, TYPE);
  if (unknown) {
    throw badRequest(`Property '${unknown}' does not exist on type 'microsoft.graph.${TYPE}'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
  }
  // Lifetime, one-time use and the method being on come from the tenant's TAP policy (policies.ts).
  const { lifetimeInMinutes: lifetime, isUsableOnce } = temporaryAccessPassTerms(ctx, body);
  const start = body.startDateTime;
  if (start !== undefined && start !== null && (typeof start !== 'string' || Number.isNaN(Date.parse(start)))) {
    throw badRequest(`Invalid value specified for property 'startDateTime' of resource '${TYPE}'.`, 'badRequest');
  }
  const passes = passesOf(user);
  const live = passes.filter((p) => !expired(p));
  if (live.length > 0) throw new GraphError(400, 'badRequest', 'A Temporary Access Pass already exists for this user. Delete it before creating a new one.');
  passes.length = 0; // an expired pass is overridden by the new one
  const now = new Date().toISOString();
  const stored: StoredPass = {
    id: randomUUID(),
    createdDateTime: now,
    startDateTime: typeof start === 'string' ? new Date(start).toISOString() : now,
    lifetimeInMinutes: lifetime,
    isUsableOnce,
  };
  passes.push(stored);
  return { ...present(stored), temporaryAccessPass: randomBytes(9).toString('base64url') };
}

/** `GET …/temporaryAccessPassMethods`: never the pass value (Graph returns it as null after creation; here it is absent). */
export function listTemporaryAccessPasses(ctx: SimContext, userId: string): Record<string, unknown> {
  const user = requireUser(ctx.state, userId);
  return { value: passesOf(user).map(present) };
}

export function deleteTemporaryAccessPass(ctx: SimContext, userId: string, methodId: string): undefined {
  const user = requireUser(ctx.state, userId);
  const passes = passesOf(user);
  const index = passes.findIndex((p) => p.id === methodId);
  if (index < 0) throw new GraphError(404, 'itemNotFound', `Temporary Access Pass method ${methodId} was not found.`);
  passes.splice(index, 1);
  return undefined;
}
