import { randomBytes, randomUUID } from 'node:crypto';
import { unknownProperty } from './csdl';
import { badRequest, GraphError } from './errors';
import { asObject } from './odata';
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

function passesOf(user: UserRecord): StoredPass[] {
  if (!Array.isArray(user[KEY])) user[KEY] = [];
  return user[KEY] as StoredPass[];
}

function present(pass: StoredPass): Record<string, unknown> {
  return { ...pass, isUsable: true, methodUsabilityReason: 'EnabledByPolicy' };
}

/**
 * `POST /users/{id}/authentication/temporaryAccessPassMethods`. Lifetime 10–43,200 minutes
 * (Graph's bounds); one pass per user. The refusal wording for a second pass is recollected, not
 * checked against Graph.
 */
export function createTemporaryAccessPass(req: SimRequest, ctx: SimContext, userId: string): Record<string, unknown> {
  const user = requireUser(ctx.state, userId);
  const body = asObject(req.body);
  const unknown = unknownProperty(body, 'temporaryAccessPassAuthenticationMethod');
  if (unknown) throw badRequest(`Property '${unknown}' does not exist on type 'microsoft.graph.temporaryAccessPassAuthenticationMethod'.`);
  const lifetime = body.lifetimeInMinutes ?? 60;
  if (typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime < 10 || lifetime > 43_200) {
    throw badRequest('Invalid value specified for property lifetimeInMinutes: must be between 10 and 43200.', 'invalidRequest');
  }
  const passes = passesOf(user);
  if (passes.length > 0) throw new GraphError(400, 'badRequest', 'A Temporary Access Pass already exists for this user. Delete it before creating a new one.');
  const now = new Date().toISOString();
  const stored: StoredPass = {
    id: randomUUID(),
    createdDateTime: now,
    startDateTime: typeof body.startDateTime === 'string' ? body.startDateTime : now,
    lifetimeInMinutes: lifetime,
    isUsableOnce: body.isUsableOnce === true,
  };
  passes.push(stored);
  return { ...present(stored), temporaryAccessPass: randomBytes(9).toString('base64url') };
}

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
