import { SNAPSHOT_PARTS } from '../offboarding/snapshot';
import { restoreGroups, restoreLicences } from './restore-access';
import type { Restorer, RestoreContext } from './restore-context';
import { restoreDevices, restoreOwnedGroups } from './restore-options';
import { restoreAttributes, restoreDirectReports, restoreManager } from './restore-people';

/**
 * How each part of a snapshot is put back, by part name. A part with no restorer is reported by
 * the undo as recorded and not restored, with the reason in `NOT_RESTORABLE`; an offboarding step
 * that adds a part (`SNAPSHOT_PARTS`) adds its restorer here.
 */
export const RESTORERS: Record<string, Restorer> = {
  attributes: restoreAttributes,
  groups: restoreGroups,
  licences: restoreLicences,
  manager: restoreManager,
  directReports: restoreDirectReports,
  ownedGroups: restoreOwnedGroups,
  devices: restoreDevices,
};

const NOT_RESTORABLE: Record<string, string> = {
  authenticationMethods:
    "no app can put sign-in methods back (their keys are the user's): the worker registers them again, with a Temporary Access Pass when CREDENTIAL_DELIVERY=webhook",
};

const stepName = (part: string) => `restore-${part.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Each recorded part in snapshot order (attributes, and with them the usage location, before licences), one ledger step each. */
export async function restoreParts(ctx: RestoreContext, only?: ReadonlySet<string>): Promise<void> {
  for (const part of SNAPSHOT_PARTS) {
    if (only && !only.has(part.name)) continue;
    const record = ctx.snapshot.parts[part.name];
    if (!record) continue; // a part added after this snapshot was taken
    const step = stepName(part.name);
    await ctx.runner.run(step, async () => {
      // What an earlier attempt restored stays on record, rather than "already as it was".
      const earlier = ctx.runner.completedEarlier(step);
      if (earlier) return { outcome: earlier.outcome as 'done' | 'already-done', ...(earlier.detail ? { detail: earlier.detail } : {}) };
      if (!record.read) return { outcome: 'skipped', detail: `not recorded when the worker left: ${record.reason}` };
      const restorer = RESTORERS[part.name];
      if (restorer) return restorer(record.value, ctx);
      return { outcome: 'skipped', detail: `recorded ${part.describe(record.value)}; not restored: ${NOT_RESTORABLE[part.name] ?? 'an undo does not restore it; restore it by hand'}` };
    });
  }
}
