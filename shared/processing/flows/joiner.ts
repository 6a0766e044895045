import type { LifecycleEvent } from '../../domain/events';
import type { PendingHire } from '../../ledger/types';
import type { DirectoryUser } from '../../graph/users';
import { accountReadsFor, newAccountReads, type AccountReads } from '../account-reads';
import type { ProcessingDeps } from '../deps';
import type { StepRunner } from '../step-runner';
import { setAccountEnabled, updateAttributes } from '../steps/account';
import { reconcileGroups, reconcileLicences } from '../steps/access';
import { createAccount } from '../steps/create-user';
import { findUser } from '../steps/find-user';
import { linkManager, linkWaitingReports } from '../steps/manager';
import { issueTemporaryAccessPass } from '../steps/credential';
import { checkProtection } from '../steps/protection';
import { joinerCustomSteps } from '../custom-steps/joiner-points';
import { runCarrier, type HireResult, type OnboardStage } from '../pre-hire/carrier';
import { followAsLaterJoiner } from '../pre-hire/later-events';
import { awaitsStart, readPendingHire, registerHire } from '../pre-hire/pending-hire';
import { hireStart } from '../pre-hire/start-time';
import type { FlowResult } from './flow-result';

/**
 * Joiner: the account, its manager, rule-based groups and licences. A joiner for a worker who
 * already has an account (an HR upsert, a re-post) reconciles it like a mover. A joiner whose start
 * (hireDate or effectiveAt) is ahead carries a pending hire (shared/processing/pre-hire): nothing
 * until PRE_HIRE_DAYS before the start, then the account with sign-in off, then at the start sign-in,
 * the pass and `onboarded`; another joiner of the worker meanwhile changes that hire. A custom step at
 * `account-created` or `onboarded` that waits for its callback pauses the flow; it then runs again
 * from the ledger and finds the account (and every step before the pause) done.
 */
export async function runJoiner(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps): Promise<HireResult> {
  const onboard = (joiner: LifecycleEvent, existing: DirectoryUser | undefined, stage: OnboardStage) => onboardAccount(joiner, existing, stage, runner, deps);
  const pending = await readPendingHire(event, deps.ledger);
  if (pending?.eventId === event.eventId) return runCarrier(pending, runner, deps, onboard);
  const followed = await followWaitingHire(event, runner, deps, pending);
  if (followed) return followed;
  const existing = await findUser(event, runner, deps);
  const start = existing ? undefined : hireStart(event, deps.settings);
  if (start && start.startAt.getTime() > deps.now().getTime()) {
    return runCarrier(await registerHire(event, deps.ledger, deps.now()), runner, deps, onboard, { user: undefined });
  }
  return onboardAccount(event, existing, 'now', runner, deps);
}

/**
 * HR sending a worker again — a joiner, or a rehire — while a future-dated hire of theirs waits: the
 * event goes into the hire, and an account the hire made is reconciled with sign-in off, so nothing
 * is enabled and no pass issued before the start. Undefined when no hire waits (or its carrier can
 * no longer act, so this event carries it: a joiner only).
 */
export async function followWaitingHire(event: LifecycleEvent, runner: StepRunner, deps: ProcessingDeps, known?: PendingHire): Promise<HireResult | undefined> {
  const pending = known ?? (await readPendingHire(event, deps.ledger));
  if (!awaitsStart(pending) || pending.eventId === event.eventId) return undefined;
  const onboard = (joiner: LifecycleEvent, existing: DirectoryUser | undefined, stage: OnboardStage) => onboardAccount(joiner, existing, stage, runner, deps);
  return followAsLaterJoiner(event, pending, runner, deps, onboard);
}

async function onboardAccount(event: LifecycleEvent, existing: DirectoryUser | undefined, stage: OnboardStage, runner: StepRunner, deps: ProcessingDeps): Promise<FlowResult> {
  let user: DirectoryUser | undefined;
  let reads: AccountReads = newAccountReads;
  if (existing) {
    reads = accountReadsFor(event, existing, deps, { removeUnwanted: true, linksManager: true });
    await checkProtection(existing, reads, runner, deps);
    await updateAttributes(event, existing, runner, deps);
    // Entra maps SCIM active to accountEnabled: a worker the source says is active signs in again — from their start, not before.
    if (event.employee.accountEnabled === true && stage === 'now') await setAccountEnabled(existing, true, runner, deps);
    user = existing;
  } else {
    user = await createAccount(event, runner, deps, { enabled: stage !== 'prepare' });
  }
  // Only for an account this event created (now, or in an attempt before a retry or a callback):
  // a joiner re-posted for an existing worker must not invalidate the way they already sign in,
  // nor run the onboarding's custom steps again.
  const created = !existing || !!runner.completedEarlier('create-user');
  if (!user) {
    // Dry run of a new account: nothing further can be read; its custom steps are planned (`onboarded` at the start).
    const atCreation = await joinerCustomSteps('account-created', event, undefined, runner, deps);
    return atCreation ?? (stage === 'prepare' ? {} : ((await joinerCustomSteps('onboarded', event, undefined, runner, deps)) ?? {}));
  }
  await runner.patch((r) => ({ ...r, userId: (user as DirectoryUser).id }));
  const paused = created ? await joinerCustomSteps('account-created', event, user, runner, deps) : undefined;
  if (paused) return paused;
  await linkManager(event, user, reads, runner, deps);
  await reconcileGroups(event, user, runner, deps, { removeUnwanted: !!existing, reads });
  await reconcileLicences(event, user, runner, deps, { removeUnwanted: !!existing, reads });
  await linkWaitingReports(event, user, runner, deps);
  if (!created || stage === 'prepare') return {};
  // The start of a hire made with sign-in off: sign-in first, then the pass the worker signs in with.
  if (stage === 'start') await setAccountEnabled(user, true, runner, deps);
  await issueTemporaryAccessPass(event, user, 'joiner', runner, deps);
  return (await joinerCustomSteps('onboarded', event, user, runner, deps)) ?? {};
}
