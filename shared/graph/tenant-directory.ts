import type { Client } from '@microsoft/microsoft-graph-client';
import { Coalescer } from './coalescer';
import { GraphRequestError } from './errors';
import type { GraphGovernor } from './governor';
import { ReservedWrite } from './governor-middleware';
import { addGroupMember, addGroupMembers, MAX_BIND_MEMBERS, resolveGroups, type DirectoryGroup } from './groups';
import { listSubscribedSkus, type SubscribedSku } from './licences';
import { findUsersByEmployeeIds, MAX_IN_VALUES, type DirectoryUser } from './users';

export interface TenantDirectoryOptions {
  /** Absolute Graph root for `@odata.id` references (`https://graph.microsoft.com`). */
  graphRoot: string;
  /** The tenant's governor: group adds wait for a write token while their batch fills. */
  governor?: GraphGovernor;
  /** Longest a lookup or a group add waits for others to share its request. */
  maxWaitMs?: number;
  now?: () => number;
}

/** Accounts found by employeeId (managers, mostly) are reused this long; ids do not change. */
const FOUND_USER_TTL_MS = 5 * 60_000;
/** Groups are renamed or deleted rarely; a 404 on one drops the cache at once. */
const GROUP_TTL_MS = 5 * 60_000;
/** Licence stock moves with every assignment; we count our own and re-read every minute. */
const SKU_TTL_MS = 60_000;

interface Cached<T> {
  value: Promise<T>;
  at: number;
}

/**
 * One tenant's directory as every event in this worker sees it: lookups by employeeId gathered
 * into `in (...)` requests, group adds gathered into `members@odata.bind` writes, and groups,
 * SKUs and found accounts cached for the run. Steps ask here instead of calling Graph, so a
 * burst of joiners costs a few requests per joiner rather than a dozen.
 */
export class TenantDirectory {
  private readonly now: () => number;
  private readonly lookups: Coalescer<string, DirectoryUser>;
  private readonly groupAdds = new Map<string, Coalescer<string, boolean>>();
  private readonly found = new Map<string, { user: DirectoryUser; at: number }>();
  private readonly groups = new Map<string, Cached<DirectoryGroup | undefined>>();
  private skus: Cached<SubscribedSku[]> | undefined;

  constructor(
    readonly graph: Client,
    private readonly options: TenantDirectoryOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.lookups = new Coalescer({
      maxBatch: MAX_IN_VALUES,
      maxWaitMs: options.maxWaitMs ?? 0,
      now: this.now,
      run: async (employeeIds) => {
        const users = await findUsersByEmployeeIds(graph, employeeIds);
        for (const [id, user] of users) this.found.set(id.toLowerCase(), { user, at: this.now() });
        return users;
      },
    });
  }

  /**
   * The worker's account by employeeId. `reuse` accepts an account found in the last minutes
   * (right for a manager); without it Graph is asked, because the answer may have just changed.
   */
  async findByEmployeeId(employeeId: string, options: { reuse?: boolean } = {}): Promise<DirectoryUser | undefined> {
    if (options.reuse) {
      const hit = this.found.get(employeeId.toLowerCase());
      if (hit && this.now() - hit.at < FOUND_USER_TTL_MS) return hit.user;
    }
    return this.lookups.load(employeeId);
  }

  /** Drops a cached account that Graph no longer knows (deleted, or the wrong one). */
  forgetEmployee(employeeId: string): void {
    this.found.delete(employeeId.toLowerCase());
  }

  /** Group references (ids or display names) resolved; a reference Graph does not know is absent. */
  async resolveGroups(refs: readonly string[]): Promise<Map<string, DirectoryGroup>> {
    const now = this.now();
    const missing = refs.filter((ref) => {
      const cached = this.groups.get(ref);
      return !cached || now - cached.at >= GROUP_TTL_MS;
    });
    if (missing.length > 0) {
      const request = resolveGroups(this.graph, missing);
      for (const ref of missing) {
        const value = request.then((found) => found.get(ref));
        this.groups.set(ref, { value, at: now });
        // An unknown group is asked again next time: it may be created before the replay.
        value.then((g) => g ?? this.groups.delete(ref), () => this.groups.delete(ref));
      }
    }
    // Taken before the first await: an unknown group's entry is dropped as soon as the request answers.
    const pending = refs.map((ref) => [ref, (this.groups.get(ref) as Cached<DirectoryGroup | undefined>).value] as const);
    const resolved = new Map<string, DirectoryGroup>();
    for (const [ref, value] of pending) {
      const group = await value;
      if (group) resolved.set(ref, group);
    }
    return resolved;
  }

  /**
   * Adds a member; "already a member" counts as done. Returns whether a change was made.
   * Adds to one group from concurrent events share a write of up to 20 members.
   */
  async addMember(group: DirectoryGroup, userId: string): Promise<boolean> {
    let coalescer = this.groupAdds.get(group.id);
    if (!coalescer) {
      coalescer = new Coalescer<string, boolean>({
        maxBatch: MAX_BIND_MEMBERS,
        maxWaitMs: this.options.maxWaitMs ?? 0,
        now: this.now,
        ...(this.options.governor ? { beforeSend: () => (this.options.governor as GraphGovernor).reserveWrite() } : {}),
        run: (userIds) => this.sendAdds(group.id, userIds),
      });
      this.groupAdds.set(group.id, coalescer);
    }
    return (await coalescer.load(userId)) ?? false;
  }

  /**
   * The tenant's subscriptions; our own assignments are counted in until the next read. `fresh`
   * reads again — for a shortage seen in the cache, which may be older than someone's purchase.
   */
  async subscribedSkus(options: { fresh?: boolean } = {}): Promise<SubscribedSku[]> {
    if (options.fresh || !this.skus || this.now() - this.skus.at >= SKU_TTL_MS) {
      const value = listSubscribedSkus(this.graph);
      this.skus = { value, at: this.now() };
      value.catch(() => (this.skus = undefined));
    }
    return this.skus.value;
  }

  /** Counts licences this worker just assigned (+1) or removed (−1) against the cached stock. */
  noteLicenceChange(skuId: string, delta: number): void {
    void this.skus?.value.then((skus) => {
      const sku = skus.find((s) => s.skuId === skuId);
      if (sku) sku.consumedUnits += delta;
    }, () => undefined);
  }

  /** Forgets cached groups and stock, e.g. after Graph said one of them is gone or exhausted. */
  forgetGroupsAndSkus(): void {
    this.groups.clear();
    this.skus = undefined;
  }

  private async sendAdds(groupId: string, userIds: string[]): Promise<Map<string, boolean | Error>> {
    const reserved = this.options.governor ? [new ReservedWrite()] : [];
    const results = new Map<string, boolean | Error>();
    if (userIds.length > 1) {
      try {
        await addGroupMembers(this.graph, groupId, userIds, this.options.graphRoot, reserved);
        for (const id of userIds) results.set(id, true);
        return results;
      } catch (error) {
        if (!(error instanceof GraphRequestError) || error.failure.kind === 'transient') throw error;
        // All or nothing: one member already in, or not visible yet, fails the lot. One by one
        // tells which; each of those takes its own write token. (`replicating` names no member,
        // so it is split like these, not rethrown: the others need not wait for that one.)
      }
    }
    await Promise.all(
      userIds.map(async (id) => {
        try {
          results.set(id, await addGroupMember(this.graph, groupId, id, this.options.graphRoot, userIds.length === 1 ? reserved : []));
        } catch (error) {
          if (error instanceof GraphRequestError && error.failure.kind === 'not-found') this.groups.clear();
          results.set(id, error instanceof Error ? error : new Error(String(error)));
        }
      }),
    );
    return results;
  }
}
