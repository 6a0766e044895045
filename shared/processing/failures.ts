import { GraphRequestError, type GraphFailure } from '../graph/errors';
import { CredentialDeliveryError } from '../credentials/channel';
import { InvalidWorkerDataError } from '../domain/errors';
import { StepFailure } from './outcome';

/** What an operator should do about a permanent Graph failure, by status and code. */
function remedyFor(failure: GraphFailure): string {
  if (failure.status === 403 || failure.code === 'Authorization_RequestDenied') {
    return 'Grant the managed identity the Graph application permission this step needs (see docs/permissions), then replay.';
  }
  if (failure.status === 401) return 'Check the managed identity and its token audience, then replay.';
  if (failure.status === 400) return 'Correct the data named in the message (in HR or in the rules file), then replay.';
  return 'Check the named object in Entra ID, then replay.';
}

/** Normalises anything a step throws into a `StepFailure` carrying retryability and wording. */
export function toStepFailure(step: string, error: unknown): StepFailure {
  if (error instanceof StepFailure) return error;
  if (error instanceof GraphRequestError) {
    const f = error.failure;
    // A 404 for an object this event just found or created, or Graph's 400 for a reference not
    // yet replicated, is replication delay: retry with backoff. One that persists ends as
    // RetriesExhausted with the Graph message, which names it.
    const retryable = f.kind === 'transient' || f.kind === 'not-found' || f.kind === 'replicating';
    const status = f.status ? `Graph ${f.status} ${f.code}` : `network error ${f.code}`;
    return new StepFailure(step, retryable, f.code, `${error.operation}: ${status}: ${f.message}`, retryable ? undefined : remedyFor(f), f.retryAfterMs);
  }
  if (error instanceof CredentialDeliveryError) {
    return new StepFailure(step, error.retryable, 'CredentialDeliveryFailed', error.message, error.retryable ? undefined : 'Check CREDENTIAL_WEBHOOK_URL and the receiver, then replay.');
  }
  if (error instanceof InvalidWorkerDataError) {
    return new StepFailure(step, false, 'InvalidWorkerData', error.message, `Correct ${error.field} for this worker in HR, then replay.`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StepFailure(step, false, 'UnexpectedError', message, 'This is a defect in the app; report it with the eventId.');
}
