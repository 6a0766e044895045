import type { LifecycleEvent } from '../../domain/events';
import type { DirectoryUser } from '../../graph/users';
import type { LeaverPolicy } from '../../rules/access-policy';
import type { AccountReads } from '../account-reads';
import type { ProcessingDeps } from '../deps';
import type { StepRunner } from '../step-runner';

/**
 * What every offboarding step of a leaver's immediate stage gets: the event, the account it found,
 * the tenant's leaver policy, the reads the flow shares, and the leaver's manager, read once. A step
 * whose option is off returns at once and records nothing; one that is on records one ledger step
 * (or one per object it acts on), checks before it acts — so a redelivery or a replay changes
 * nothing twice — and in a dry run (`deps.mode === 'plan'`) records what it would do.
 */
export interface OffboardingContext {
  event: LifecycleEvent;
  user: DirectoryUser;
  runner: StepRunner;
  deps: ProcessingDeps;
  reads: AccountReads;
  policy: LeaverPolicy;
  /** When the worker left (the event's effective time). */
  leaveAt: Date;
  /** The leaver's manager's object id (their `manager` link, or the one the leaver linked), or undefined when they have none. */
  managerId(): Promise<string | undefined>;
  /** That manager's account, or undefined when they have none. */
  manager(): Promise<DirectoryUser | undefined>;
  /** Where the leaver's mail and files went, filled in by the steps that hand them over, for the manager's summary (what was closed, it reads from the ledger). */
  handover: Handover;
}

export interface Handover {
  automaticReplies?: string;
  mailForwardedTo?: string;
  oneDriveUrl?: string;
  ownershipTransferred?: string[];
  reportsMovedTo?: string;
}

export type OffboardingStep = (ctx: OffboardingContext) => Promise<void>;
