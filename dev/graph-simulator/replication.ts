import { GraphError, notFound } from './errors';
import type { SimulatorState, UserRecord } from './types';

/**
 * Replication delay of a user made by POST /users (`replicationDelayMs`): what Graph answers,
 * call by call, until the other directory replicas have it. Sources:
 * - https://devblogs.microsoft.com/identity/designing-for-eventual-consistency-for-microsoft-entra/
 *   (Microsoft Entra, 2026): during replication "a newly created object [may] return a 'Not Found'".
 * - https://learn.microsoft.com/graph/api/user-list: "might have replication delays for users that
 *   were recently created".
 * - https://learn.microsoft.com/graph/api/group-post-members and /group-update: adding members may
 *   return 400 Bad Request "The source resource object or one of the objects being referenced
 *   don't exist." until replication completes; retry after a brief delay.
 */

/** False while a just-created user has not replicated yet. */
export function replicated(state: SimulatorState, user: UserRecord): boolean {
  const until = state.replicatingUntil.get(user.id);
  if (until === undefined) return true;
  if (Date.now() >= until) state.replicatingUntil.delete(user.id);
  return Date.now() >= until;
}

/**
 * A call addressed to the user itself (GET/PATCH/DELETE, manager, assignLicense, authentication
 * methods): 404 Request_ResourceNotFound, the "Not Found" of the eventual-consistency article. The
 * pages of assignLicense, Assign manager and Create temporaryAccessPassMethod document nothing
 * more specific.
 */
export const userNotReplicated = (idOrUpn: string): GraphError => notFound(idOrUpn);

/** A member add (POST members/$ref, PATCH members@odata.bind) naming the user: the documented 400. */
export const referenceNotReplicated = (): GraphError =>
  new GraphError(400, 'Request_BadRequest', "The source resource object or one of the objects being referenced don't exist.");
