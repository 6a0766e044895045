import * as z from 'zod';
import { MIN_SECRET_LENGTH } from '../../config/settings';
import type { LifecycleEvent } from '../../domain/events';
import type { CustomStepWait, EventRecord, Ledger } from '../../ledger/types';
import { toEventMessage } from '../../messaging/event-messages';
import type { QueueSender } from '../../messaging/types';
import { readCallbackClaims, verifyCallbackToken, type CallbackClaims } from '../../security/callback-token';
import { describeSignatureFailure, verifySignature } from '../../security/hmac-signature';
import type { TenantRegistry } from '../../tenancy/tenant-registry';
import { copyCounterProperties, resumeMessageId } from '../message-ids';
import { isTerminal } from '../worker-lane';
import { findCustomStep, ledgerStepName } from './step-config';

/** A callback is a line of status, not a document. */
export const MAX_CALLBACK_BYTES = 16 * 1024;

const callbackBodySchema = z
  .object({
    outcome: z.enum(['succeeded', 'failed']),
    message: z.string().max(1000).optional(),
  })
  .strict();

export interface CallbackRequest {
  token: string;
  rawBody: Buffer;
  signature: string | null;
  timestamp: string | null;
}

export interface CallbackDeps {
  tenants: Pick<TenantRegistry, 'lookup'>;
  ledger: Ledger;
  processingQueue: QueueSender;
  now: () => Date;
}

export interface CallbackAnswer {
  status: number;
  body?: { error: string; issues?: { field: string; message: string }[] };
}

/** The same answer for every token we cannot show we issued: it reveals nothing about events, steps or tenants. */
const UNKNOWN: CallbackAnswer = { status: 404, body: { error: 'no callback is expected for this token' } };

/**
 * `POST /api/callbacks/{token}` from a custom step's receiver. The token's MAC is checked first,
 * under the step's own secret, before storage is touched; then the body's signature (the same
 * secret, `X-Signature` over `"<ts>.<body>"`); then the ledger: the result is recorded on the
 * step's wait and a copy of the event goes back on the queue under an id that names the call, so a
 * receiver that calls back twice resumes the event once (a repeat of the recorded outcome is
 * answered 204 again; another outcome is a 409). The resumed flow turns the result into the step's
 * outcome (or the event's dead letter). 204 No Content, as Lifecycle Workflows' resume answers.
 */
export async function receiveCallback(request: CallbackRequest, deps: CallbackDeps): Promise<CallbackAnswer> {
  const claims = readCallbackClaims(request.token);
  if (!claims) return UNKNOWN;
  const state = await deps.tenants.lookup(claims.tenant);
  if (state?.state !== 'ready') return UNKNOWN;
  const step = findCustomStep(state.tenant.policy, claims.point, claims.step);
  if (!step?.wait || !state.tenant.namedSetting) return UNKNOWN;
  const secret = state.tenant.namedSetting(step.secretSetting, { minLength: MIN_SECRET_LENGTH });
  if (!secret.ok) return { status: 503, body: { error: 'this callback cannot be checked now (the custom step is not configured); try again later' } };
  if (!verifyCallbackToken(secret.value, request.token)) return UNKNOWN;

  if (request.rawBody.length > MAX_CALLBACK_BYTES) return { status: 413, body: { error: `the body is larger than ${MAX_CALLBACK_BYTES} bytes` } };
  const signed = verifySignature(secret.value, { signature: request.signature, timestamp: request.timestamp }, request.rawBody, Math.floor(deps.now().getTime() / 1000));
  if (!signed.valid) return { status: 401, body: { error: describeSignatureFailure(signed.reason) } };
  const parsed = parseBody(request.rawBody);
  if ('issues' in parsed) return { status: 400, body: { error: 'the callback body is not { "outcome": "succeeded" | "failed", "message"?: string }', issues: parsed.issues } };

  const record = await deps.ledger.get(claims.eventId);
  if (!record || record.tenantId !== claims.tenant) return { status: 404, body: { error: 'the event of this callback is no longer known' } };
  const first = decide(record, claims, parsed.outcome);
  if (first.kind !== 'take') return answerFor(first, record, deps.processingQueue);
  const callback = { outcome: parsed.outcome, ...(parsed.message ? { message: parsed.message } : {}), at: deps.now().toISOString() };
  let decision: Decision = first;
  const updated = await deps.ledger.update(first.event, (r) => {
    decision = decide(r, claims, parsed.outcome);
    return decision.kind === 'take' ? { ...r, customStepWait: { ...(r.customStepWait as CustomStepWait), callback } } : r;
  });
  return answerFor(decision, updated, deps.processingQueue);
}

type Decision =
  /** The step waits for this call: record the callback, resume the event. */
  | { kind: 'take'; event: LifecycleEvent }
  /** This very outcome is recorded already: answered as the first time; the event resumed (or is resumed again, as the same message). */
  | { kind: 'repeat' }
  | { kind: 'refuse'; answer: CallbackAnswer };

async function answerFor(decision: Decision, record: EventRecord, queue: QueueSender): Promise<CallbackAnswer> {
  if (decision.kind === 'refuse') return decision.answer;
  const wait = record.customStepWait as CustomStepWait;
  // Until the flow took the callback, a repeat sends the resume again: its send may be what failed.
  if (wait.event && !wait.endedAt) await resume(wait.event, wait.callId, record, queue);
  return { status: 204 };
}

/** Whether this event takes this callback. A callback repeated with the outcome recorded is answered alike; one with another outcome is not. */
function decide(record: EventRecord, claims: CallbackClaims, outcome: 'succeeded' | 'failed'): Decision {
  const name = ledgerStepName({ name: claims.step });
  const wait = record.customStepWait;
  const recorded = record.steps.find((s) => s.name === name);
  if (wait?.step === name && wait.callId === claims.callId) {
    if (wait.callback) {
      return wait.callback.outcome === outcome
        ? { kind: 'repeat' }
        : { kind: 'refuse', answer: { status: 409, body: { error: `the step was already called back with '${wait.callback.outcome}' at ${wait.callback.at}` } } };
    }
    if (!wait.endedAt && wait.event) return { kind: 'take', event: wait.event };
  }
  const why = !recorded
    ? 'the event has not called this step'
    : recorded.outcome === 'failed'
      ? `the step ended ${recorded.error?.code ?? 'failed'}${recorded.error?.code === 'CallbackTimedOut' ? ' (replay the event to call it again)' : ''}`
      : wait?.step === name
        ? 'this callback is for an earlier call of the step (the event was replayed and called it again)'
        : `the step is ${recorded.outcome}${isTerminal(record) ? ` and the event ${record.status}` : ''}`;
  return { kind: 'refuse', answer: { status: 409, body: { error: `no callback is expected for this step: ${why}` } } };
}

function parseBody(raw: Buffer): z.infer<typeof callbackBodySchema> | { issues: { field: string; message: string }[] } {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { issues: [{ field: '(body)', message: 'is not JSON' }] };
  }
  const parsed = callbackBodySchema.safeParse(json);
  if (parsed.success) return { ...parsed.data, ...(parsed.data.message !== undefined ? { message: printable(parsed.data.message) } : {}) };
  return { issues: parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })) };
}

/** The receiver's message goes into a step's detail and perhaps a dead letter: one line, no control characters. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * The event back on the queue at once. Its copy counters start past every attempt the event has
 * had, so the ids of its later retries and waits (`~r<n>…`) cannot be ones an earlier copy used.
 */
async function resume(event: LifecycleEvent, callId: string, record: EventRecord, queue: QueueSender): Promise<void> {
  const copy = toEventMessage(event);
  await queue.sendMessages({
    ...copy,
    messageId: resumeMessageId(event.eventId, callId),
    applicationProperties: { ...copy.applicationProperties, ...copyCounterProperties({ attempt: record.attempts, waits: 0, defers: 0 }) },
  });
}
