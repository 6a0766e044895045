import type { LifecycleEvent } from '../../domain/events';
import type { DirectoryUser } from '../../graph/users';
import type { CustomStepWait, EventRecord } from '../../ledger/types';
import type { CustomStep } from '../../rules/leaver-policy';
import { issueCallbackToken, newCallId } from '../../security/callback-token';
import type { ProcessingDeps } from '../deps';
import type { FlowResult } from '../flows/flow-result';
import { StepFailure } from '../outcome';
import type { StepResult, StepRunner } from '../step-runner';
import { postSigned } from './endpoint-call';
import { customStepPayload } from './payload';
import { callbackBaseUrl, customStepsAt, ledgerStepName, resolveEndpoint, type CustomStepPoint, type Endpoint } from './step-config';

/** Who a custom step is about: the event, its account (none yet in a dry run of a new joiner), and how to find their manager. */
export interface CustomStepSubject {
  event: LifecycleEvent;
  user?: DirectoryUser;
  manager(): Promise<DirectoryUser | undefined>;
}

type Schedule = NonNullable<FlowResult['schedule']>;

const REPLAY = 'then replay this event (the step calls its endpoint again)';

/**
 * Runs the policy's custom steps at one point of a flow, in order. A step without `wait` is called
 * once and the flow goes on; one with `wait` is called, recorded `pending` with its deadline, and
 * pauses the flow: the stage returns a schedule for the deadline, and the callback (or the deadline
 * copy) runs the flow again from the ledger, where every step before this one finds its work done.
 */
export async function runCustomStepsAt(point: CustomStepPoint, subject: CustomStepSubject, runner: StepRunner, deps: ProcessingDeps): Promise<Schedule | undefined> {
  for (const step of customStepsAt(deps.policy, point)) {
    const paused = await runCustomStep(step, point, subject, runner, deps);
    if (paused) return paused;
  }
  return undefined;
}

async function runCustomStep(step: CustomStep, point: CustomStepPoint, subject: CustomStepSubject, runner: StepRunner, deps: ProcessingDeps): Promise<Schedule | undefined> {
  const name = ledgerStepName(step);
  // Called (and, when it waits, called back) in an earlier attempt: its record keeps what the receiver said.
  if (runner.completedEarlier(name)) return undefined;
  let paused: Schedule | undefined;
  await runner.run(name, async () => {
    const endpoint = resolveEndpoint(step, deps.namedSetting, deps.settings);
    if (deps.mode === 'plan') return planned(step, endpoint);
    if (!endpoint.ok) throw new StepFailure(name, false, endpoint.code, `custom step ${step.name}: ${endpoint.problem}`, `Correct the custom step or its app settings, ${REPLAY}.`);
    const stored = (await deps.ledger.get(subject.event.eventId))?.customStepWait;
    // A wait that ended (refused, timed out) is over: a replay calls the endpoint again.
    const wait = stored?.step === name && !stored.endedAt ? stored : undefined;
    if (wait?.callback) return settleCallback(name, endpoint.host, wait, runner, deps);
    if (wait?.deadline) {
      if (deps.now().getTime() >= new Date(wait.deadline).getTime()) return timedOut(name, endpoint.host, wait, runner, deps);
      paused = deadlineSchedule(name, wait, runner.record);
      return { outcome: 'pending', detail: `called ${endpoint.host}; waiting for its callback until ${wait.deadline}` };
    }
    // Not called yet, or the receiver never acknowledged the call: (again) now.
    if (!step.wait) {
      await call(step, point, subject, endpoint, deps, { name, callId: newCallId() });
      return { outcome: 'done', detail: `called ${endpoint.host} (${point}); it acknowledged the call` };
    }
    const base = callbackBaseUrl(deps.settings);
    if (!base) throw new StepFailure(name, false, 'CallbackBaseUrlMissing', `custom step ${step.name} waits for a callback, but CALLBACK_BASE_URL is not set`, `Set CALLBACK_BASE_URL to this app's public URL, ${REPLAY}.`);
    // Recorded before the call: a receiver may call back before its acknowledgement reaches us.
    const callId = wait?.callId ?? newCallId();
    if (!wait) await runner.patch((r) => ({ ...r, customStepWait: { step: name, point, callId, event: subject.event } }));
    const deadline = new Date(deps.now().getTime() + (step.wait.timeoutMinutes * 60_000));
    const token = issueCallbackToken(endpoint.secret, { tenant: subject.event.tenantId, eventId: subject.event.eventId, point, step: step.name, callId });
    await call(step, point, subject, endpoint, deps, { name, callId, callback: { url: `${base}/api/callbacks/${token}`, deadline }, token });
    const record = await runner.patch((r) => (r.customStepWait?.callId === callId ? { ...r, customStepWait: { ...r.customStepWait, calledAt: deps.now().toISOString(), deadline: deadline.toISOString() } } : r));
    const acknowledged = record.customStepWait;
    if (acknowledged?.callId === callId && acknowledged.callback) return settleCallback(name, endpoint.host, acknowledged, runner, deps);
    paused = deadlineSchedule(name, acknowledged ?? { step: name, point, callId, deadline: deadline.toISOString(), event: subject.event }, record);
    return { outcome: 'pending', detail: `called ${endpoint.host} (${point}); waiting for its callback until ${deadline.toISOString()}` };
  });
  return paused;
}

function planned(step: CustomStep, endpoint: Endpoint): StepResult {
  const where = endpoint.ok ? endpoint.host : `its endpoint (not callable yet: ${endpoint.problem})`;
  const then = step.wait ? `and wait up to ${step.wait.timeoutMinutes} minute(s) for its callback` : 'and continue';
  return { outcome: 'planned', detail: `would call ${where} (${step.at}) ${then}` };
}

interface CallFacts {
  name: string;
  callId: string;
  callback?: { url: string; deadline: Date };
  token?: string;
}

/** One signed POST; what the receiver answers decides whether the event retries or stops. */
async function call(step: CustomStep, point: CustomStepPoint, subject: CustomStepSubject, endpoint: Extract<Endpoint, { ok: true }>, deps: ProcessingDeps, facts: CallFacts): Promise<void> {
  const now = deps.now();
  const manager = subject.user ? await subject.manager() : undefined;
  const payload = customStepPayload({ event: subject.event, ...(subject.user ? { user: subject.user } : {}), ...(manager ? { manager } : {}), step: step.name, point, callId: facts.callId, calledAt: now, ...(facts.callback ? { callback: facts.callback } : {}) });
  const result = await postSigned(endpoint.url, JSON.stringify(payload), endpoint.secret, { allowPrivate: deps.settings.LIFECYCLE_RUNTIME === 'local', now });
  const host = endpoint.host;
  switch (result.kind) {
    case 'accepted':
      return;
    case 'unavailable':
      throw new StepFailure(facts.name, true, 'EndpointUnavailable', `custom step ${step.name}: ${host} ${result.reason}`, undefined, result.retryAfterMs);
    case 'not-allowed':
      throw new StepFailure(facts.name, false, 'EndpointNotAllowed', `custom step ${step.name}: ${result.reason}`, `Point the custom step at a public HTTPS endpoint, ${REPLAY}.`);
    case 'refused': {
      // The receiver's own words, with the callback token taken out should it echo the payload.
      const said = facts.token ? result.excerpt.split(facts.token).join('[callback token]') : result.excerpt;
      const why = result.status >= 300 && result.status < 400 ? ' (redirects are not followed)' : said ? `: ${said}` : '';
      throw new StepFailure(facts.name, false, 'EndpointRefused', `custom step ${step.name}: ${host} answered ${result.status}${why}`, `Fix the receiver or the custom step, ${REPLAY}.`);
    }
  }
}

/** The callback came: the step is done, or the event stops with the receiver's reason. The wait ends either way. */
async function settleCallback(name: string, host: string, wait: CustomStepWait, runner: StepRunner, deps: ProcessingDeps): Promise<StepResult> {
  await endWait(runner, wait.callId, deps);
  const callback = wait.callback as NonNullable<CustomStepWait['callback']>;
  const said = callback.message ? `: ${callback.message}` : '';
  if (callback.outcome === 'succeeded') return { outcome: 'done', detail: `${host} called back at ${callback.at}: succeeded${said}` };
  throw new StepFailure(name, false, 'CallbackRefused', `${host} called back at ${callback.at}: failed${said}`, `Fix what the receiver reported, ${REPLAY}.`);
}

async function timedOut(name: string, host: string, wait: CustomStepWait, runner: StepRunner, deps: ProcessingDeps): Promise<StepResult> {
  await endWait(runner, wait.callId, deps);
  throw new StepFailure(name, false, 'CallbackTimedOut', `no callback from ${host} by ${wait.deadline} (called at ${wait.calledAt ?? 'an unknown time'})`, `Check the receiver's run history, ${REPLAY}.`);
}

/** The wait is over: the event body goes from the ledger; what the callback said stays, for a repeat of it. */
async function endWait(runner: StepRunner, callId: string, deps: ProcessingDeps): Promise<void> {
  await runner.patch((r) => {
    if (r.customStepWait?.callId !== callId) return r;
    const { event: _event, ...kept } = r.customStepWait;
    return { ...r, customStepWait: { ...kept, endedAt: deps.now().toISOString() } };
  });
}

/**
 * The copy that ends the wait at its deadline. Its id names the call and this attempt, so a copy
 * that comes early (another event's clock) and pauses again schedules a new one rather than one
 * duplicate detection would drop.
 */
function deadlineSchedule(name: string, wait: Pick<CustomStepWait, 'callId' | 'deadline'>, record: EventRecord): Schedule {
  const at = new Date(wait.deadline as string);
  return { at, reason: `custom step ${name} waits for its callback until ${at.toISOString()}`, key: `cs${wait.callId}.${record.attempts}` };
}
