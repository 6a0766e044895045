import { canonicalJson } from '../domain/canonical-json';
import type { LifecycleEvent } from '../domain/events';
import type { Ledger } from '../ledger/types';
import type { QueueSender } from '../messaging/types';
import { acceptEvents } from '../processing/accept-events';
import type { Telemetry } from '../telemetry/telemetry';
import type { ReadyTenant } from '../tenancy/tenant-registry';
import { parseResourceId, resourceId, workerKey } from './ids';
import { applyPatch } from './patch';
import { ScimProblem, type ScimAnswer } from './protocol';
import { acceptUser, presentUser, projectUser, type ScimUserResource } from './representation';
import { ScimStoreConflict, type ScimUserRecord, type ScimUserStore, type StoredScimUser } from './store';
import { userEvent, type ScimChange } from './user-events';

export interface ScimDeps {
  tenant: ReadyTenant;
  store: ScimUserStore;
  ledger: Ledger;
  processingQueue: QueueSender;
  telemetry?: Telemetry;
  now: () => Date;
  /** This tenant's SCIM base URL (`…/api/scim/v2`), for `meta.location` and `Location`. */
  base: string;
  /** Users one unindexed filter may read (default MAX_FILTER_SCAN). */
  filterScanLimit?: number;
}

export interface Selection {
  attributes?: string[];
  excluded?: string[];
}

/** A write that met another request's write retries from its read; this many times, then 503. */
const WRITE_ATTEMPTS = 4;

/**
 * The /Users operations (RFC 7644 §3.3–§3.6). Each change is written to the store first, then its
 * event is queued (acceptEvents: Service Bus, then the ledger) before the client hears back, so
 * the answer is what was accepted. A row whose event did not reach the queue (the queue failed
 * after the write, the client got a 5xx) is completed by the next request for that User, before
 * anything else: the store never runs ahead of the queue for longer than one retry.
 */
export async function createUser(body: unknown, deps: ScimDeps): Promise<ScimAnswer> {
  const user = acceptUser(body);
  const key = workerKey(deps.tenant.key, user.externalId);
  return retried(async () => {
    const existing = await deps.store.get(deps.tenant.key, key);
    if (existing && !existing.deleted) {
      // The same create again after this service failed to queue it: finish it, as the client asks.
      if (sameUser(existing.resource, user) && (await settlePending(existing, deps))) return { ...present(existing, deps), status: 201, headers: { Location: locationOf(existing, deps) } };
      throw new ScimProblem(409, 'A User with this externalId exists; update it (PUT or PATCH) or find it with filter=externalId eq "…".', 'uniqueness');
    }
    await requireFreeUserName(user.userName, key, deps);
    const generation = existing ? existing.generation + 1 : 1;
    const now = deps.now().toISOString();
    const record: ScimUserRecord = { key, externalId: user.externalId, generation, deleted: false, userName: user.userName, created: now, lastModified: now, resource: user };
    const previous = existing ? { user: existing.resource, deleted: true, ...(existing.event ? { event: existing.event } : {}) } : undefined;
    await write(record, existing?.etag, 'create', previous, deps);
    // RFC 7644 §3.3: 201, the resource, and its URI in Location.
    return { ...present(record, deps), status: 201, headers: { Location: locationOf(record, deps) } };
  });
}

export async function getUser(id: string, deps: ScimDeps, selection: Selection = {}): Promise<ScimAnswer> {
  return present(await loadLive(id, deps), deps, selection);
}

export async function replaceUser(id: string, body: unknown, deps: ScimDeps): Promise<ScimAnswer> {
  const user = acceptUser(body);
  return retried(async () => update(await loadLive(id, deps), user, deps));
}

export async function patchUser(id: string, body: unknown, deps: ScimDeps): Promise<ScimAnswer> {
  return retried(async () => {
    const existing = await loadLive(id, deps);
    return update(existing, acceptUser(applyPatch(existing.resource, body)), deps);
  });
}

export async function deleteUser(id: string, deps: ScimDeps): Promise<ScimAnswer> {
  return retried(async () => {
    const existing = await loadLive(id, deps);
    await settlePending(existing, deps);
    const record: ScimUserRecord = { ...withoutEtag(existing), deleted: true, lastModified: deps.now().toISOString() };
    await write(record, existing.etag, 'delete', previousOf(existing), deps);
    return { status: 204 };
  });
}

async function update(existing: StoredScimUser, user: ScimUserResource, deps: ScimDeps): Promise<ScimAnswer> {
  if (user.externalId !== existing.externalId) {
    throw new ScimProblem(400, 'externalId: is immutable here, it identifies the worker; delete the User and create one for another worker.', 'mutability');
  }
  await settlePending(existing, deps);
  if (sameUser(existing.resource, user)) return present(existing, deps);
  if (user.userName.toLowerCase() !== existing.userName.toLowerCase()) await requireFreeUserName(user.userName, existing.key, deps);
  const record: ScimUserRecord = { ...withoutEtag(existing), userName: user.userName, resource: user, lastModified: deps.now().toISOString() };
  await write(record, existing.etag, 'update', previousOf(existing), deps);
  return present(record, deps);
}

/** The row first (a race loses here, before anything is queued), then its event, if it makes one. */
async function write(record: ScimUserRecord, etag: string | undefined, change: ScimChange, previous: Parameters<typeof userEvent>[0]['previous'], deps: ScimDeps): Promise<void> {
  const event = userEvent({ tenant: deps.tenant, now: deps.now(), change, resourceId: resourceId(record.key, record.generation), user: record.resource, ...(previous ? { previous } : {}) });
  const kept = event ?? previous?.event;
  await deps.store.save(deps.tenant.key, { ...record, ...(kept ? { event: kept } : {}) }, etag);
  if (event) await queue(event, deps);
}

/** Queues the row's event if the ledger does not know it yet; true when it had to. */
async function settlePending(row: StoredScimUser, deps: ScimDeps): Promise<boolean> {
  if (!row.event || (await deps.ledger.get(row.event.eventId))) return false;
  await queue(row.event, deps);
  return true;
}

async function queue(event: LifecycleEvent, deps: ScimDeps): Promise<void> {
  await acceptEvents([event], { processingQueue: deps.processingQueue, ledger: deps.ledger, now: deps.now, ...(deps.telemetry ? { telemetry: deps.telemetry } : {}) });
}

async function requireFreeUserName(userName: string, key: string, deps: ScimDeps): Promise<void> {
  const holders = await deps.store.withUserName(deps.tenant.key, userName);
  if (holders.some((holder) => holder.key !== key)) throw new ScimProblem(409, 'userName: another User has it (userName is unique, case-insensitively).', 'uniqueness');
}

/** A live User by its id; 404 for an id that is not ours, another generation's, or deleted (RFC 7644 §3.6). */
async function loadLive(id: string, deps: ScimDeps): Promise<StoredScimUser> {
  const parsed = parseResourceId(id);
  const row = parsed ? await deps.store.get(deps.tenant.key, parsed.key) : undefined;
  if (!parsed || !row || row.deleted || row.generation !== parsed.generation) throw new ScimProblem(404, 'No User has this id.');
  return row;
}

async function retried(operation: () => Promise<ScimAnswer>): Promise<ScimAnswer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof ScimStoreConflict)) throw error;
      if (attempt === WRITE_ATTEMPTS) throw new ScimProblem(503, 'The User kept changing while this request was applied; send it again.');
    }
  }
}

function previousOf(row: StoredScimUser) {
  return { user: row.resource, deleted: row.deleted, ...(row.event ? { event: row.event } : {}) };
}

function withoutEtag(row: StoredScimUser): ScimUserRecord {
  const { etag: _etag, ...record } = row;
  return record;
}

function sameUser(a: ScimUserResource, b: ScimUserResource): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function locationOf(record: Pick<ScimUserRecord, 'key' | 'generation'>, deps: Pick<ScimDeps, 'base'>): string {
  return `${deps.base}/Users/${resourceId(record.key, record.generation)}`;
}

/** The User as a client reads it, as one resource (RFC 7644 §3.4.1). */
export function presented(record: ScimUserRecord, deps: Pick<ScimDeps, 'base'>, selection: Selection = {}): Record<string, unknown> {
  const resource = presentUser(record.resource, { id: resourceId(record.key, record.generation), created: record.created, lastModified: record.lastModified, location: locationOf(record, deps) });
  return selection.attributes || selection.excluded ? projectUser(resource, selection) : resource;
}

function present(record: ScimUserRecord, deps: ScimDeps, selection: Selection = {}): ScimAnswer {
  return { status: 200, body: presented(record, deps, selection) };
}
