import { customStepsBeforeLicences, customStepsWhenAccessClosed, customStepsWhenOffboarded } from '../custom-steps/leaver-stages';
import type { FlowResult } from '../flows/flow-result';
import type { OffboardingContext } from './context';
import { addToBlockGroup } from './block-group';
import { actOnDevices } from './devices';
import { removeAuthenticationMethods } from './sign-in-methods';
import { moveDirectReports } from './direct-reports';
import { handOverOneDrive } from './files';
import { handOverMail } from './mail';
import { notifyManager } from './notify-manager';
import { handOverGroupOwnership } from './ownership';
import { takeSnapshot } from './snapshot';

/**
 * One step of a leaver's offboarding. It decides from `ctx.policy` whether it runs; it returns a
 * schedule only to pause the flow (a custom step waiting for its callback), which then resumes from
 * the ledger — every step before it checks and finds its work done.
 */
export type OffboardingStage = (ctx: OffboardingContext) => Promise<FlowResult['schedule'] | void>;

/**
 * The leaver's immediate stage in the order IT teams offboard (flows/leaver.ts runs them around
 * its own steps): record the state first, then — after sign-in is off and sessions revoked — close
 * every other way in, hand mail, files, ownership and reports over while the account can still be
 * read, remove groups, and only then licences (a mailbox is handed over or converted before its
 * licence goes); the manager is told last.
 */
export const STAGES: Readonly<Record<StageName, readonly OffboardingStage[]>> = {
  /** Before the first change: the snapshot an undo restores from. */
  beforeFirstChange: [takeSnapshot],
  /** After sign-in off and sessions revoked: authentication methods, the blocked group, devices. */
  closeAccess: [addToBlockGroup, removeAuthenticationMethods, actOnDevices],
  /** Custom steps at `access-closed`. */
  accessClosed: [customStepsWhenAccessClosed],
  /** Automatic replies, forwarding, OneDrive access, ownership, direct reports. */
  handOver: [handOverMail, handOverOneDrive, handOverGroupOwnership, moveDirectReports],
  /** Custom steps at `before-licences` (e.g. convert the mailbox to a shared one). */
  beforeLicences: [customStepsBeforeLicences],
  /** Custom steps at `offboarded`, then the manager's summary. */
  offboarded: [customStepsWhenOffboarded, notifyManager],
};

export type StageName = 'beforeFirstChange' | 'closeAccess' | 'accessClosed' | 'handOver' | 'beforeLicences' | 'offboarded';

/** Runs a stage's steps in order; the first that pauses stops the stage, and the flow with it. */
export async function runStage(name: StageName, ctx: OffboardingContext): Promise<FlowResult | undefined> {
  for (const step of STAGES[name]) {
    const schedule = await step(ctx);
    if (schedule) return { schedule };
  }
  return undefined;
}
