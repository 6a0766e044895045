import type { LifecycleEvent } from '../domain/events';
import type { Ledger } from '../ledger/types';
import { replayMessageId, REPLAY_COUNT_PROPERTY } from '../messaging/dead-letters';
import type { QueueSender, ReceivedMessage, SettlementActions } from '../messaging/types';
import { acceptEvents, EventIdConflictError } from '../processing/accept-events';
import { copyCounterProperties, copyCountersOf, retryMessageId } from '../processing/message-ids';
import { defaultRetryPolicy, REPLAY_PROPERTY, retryDelayMs, type RetryPolicy } from '../processing/settle';
import type { Telemetry } from '../telemetry/telemetry';
import type { ReadyTenant, TenantRegistry } from '../tenancy/tenant-registry';
import { FINISHED, type ChangeLedger, type ChangeRecord } from './change-ledger';
import { FETCH_MESSAGE_KIND, fetchMessageId, readFetchBody, type FetchBody } from './fetch-message';
import { fieldsFor, goneEmployeeId, goneLeaver, mapFetchedRecord, mappingOf } from './map-change';
import type { FetchResult } from './port';
import { connectorAccess, tenantConnector, type TenantConnector } from './tenant-connector';

export interface FetchDeps {
  tenants: TenantRegistry;
  ledger: Ledger;
  changes: ChangeLedger;
  processingQueue: QueueSender;
  now: () => Date;
  telemetry?: Telemetry;
  policy?: RetryPolicy;
  random?: () => number;
}

export type FetchSettlement = 'completed' | 'repeat' | 'scheduled-retry' | 'dead-lettered';

/** What one fetch came to, for the log line: ids and outcomes, never a value or a secret. */
export interface FetchOutcome {
  settled: FetchSettlement;
  tenantId?: string;
  eventId?: string;
  status?: ChangeRecord['status'];
  detail: string;
}

/**
 * Runs one queued fetch and settles its message exactly once: the HR API's record becomes an
 * event (accepted like any HR event), an employee the API no longer has is handled (a deletion is
 * a leaver for the worker they were; an update is recorded as gone, not retried), a transient
 * failure is re-sent with the backoff of a failed Graph step, and what a person must fix is
 * dead-lettered saying what. Anything else (storage down) is thrown, so the host redelivers.
 */
export async function processFetchMessage(message: ReceivedMessage, actions: SettlementActions, deps: FetchDeps): Promise<FetchOutcome> {
  const body = readFetchBody(message);
  if (!body) {
    const description = `Message ${String(message.messageId)} is not a connector fetch it can read. It was not processed; fix the sender.`;
    await actions.deadletter(message, undefined, 'InvalidMessage', description);
    return { settled: 'dead-lettered', detail: description };
  }
  const run = new FetchRun(message, actions, deps, body);
  return run.execute();
}

class FetchRun {
  private record: ChangeRecord | undefined;

  constructor(
    private readonly message: ReceivedMessage,
    private readonly actions: SettlementActions,
    private readonly deps: FetchDeps,
    private readonly body: FetchBody,
  ) {}

  async execute(): Promise<FetchOutcome> {
    const { body, deps } = this;
    this.record = await deps.changes.getChange(body.tenantId, body.connector, body.change.key);
    const replay = [true, 'true'].includes(this.message.applicationProperties?.[REPLAY_PROPERTY] as never);
    if (this.record && FINISHED.has(this.record.status) && !(replay && this.record.status === 'dead-lettered')) {
      await this.actions.complete(this.message);
      return { settled: 'repeat', tenantId: body.tenantId, eventId: body.eventId, status: this.record.status, detail: `already ${this.record.status}` };
    }
    const state = await deps.tenants.lookup(body.tenantId);
    if (!state) return this.deadLetter('tenant: UnknownTenant', `no tenant '${body.tenantId}' is configured. Add the tenant (docs/msp.md), then replay; or purge the message if the tenant left.`);
    if (state.state === 'disabled') return this.deadLetter('tenant: TenantDisabled', `tenant '${body.tenantId}' (${state.displayName}) is disabled. Enable it, then replay; or purge the message if the tenant left.`);
    if (state.state === 'invalid') return this.retry({ kind: 'transient', reason: `tenant '${body.tenantId}' configuration is invalid (${state.origin})` });
    const configured = tenantConnector(state.tenant, body.connector);
    if (!configured) return this.deadLetter('hr-fetch: ConnectorNotConfigured', `tenant '${body.tenantId}' has no ${body.connector} connector configured. Configure it (docs/connectors.md), then replay.`);
    const access = connectorAccess(state.tenant, configured);
    if (!access.ok) return this.deadLetter('hr-fetch: ConnectorMisconfigured', `the ${configured.connector.displayName} connector of tenant '${body.tenantId}' cannot be used: ${access.problem}. Fix it, then replay.`);

    const seenAs = await deps.changes.workerOf(body.tenantId, body.connector, body.change.sourceId);
    const fields = fieldsFor(configured.connector, mappingOf(state.tenant, configured.connector));
    const result = await access.access.fetch(body.change.sourceId, fields);
    return this.settleFetch(result, state.tenant, configured, seenAs);
  }

  private async settleFetch(result: FetchResult, tenant: ReadyTenant, configured: TenantConnector, seenAs: string | undefined): Promise<FetchOutcome> {
    const { body, deps } = this;
    const { connector } = configured;
    const now = deps.now();
    switch (result.kind) {
      case 'transient':
        return this.retry(result);
      case 'refused':
        return this.deadLetter(`hr-fetch: ${result.code}`, `${result.reason}. ${result.remedy}`);
      case 'found': {
        const mapped = mapFetchedRecord(result.record, body, { tenant, connector, seenBefore: seenAs !== undefined, now });
        if (!mapped.ok) {
          return this.deadLetter('hr-fetch: MappingFailed', `employee ${body.change.sourceId}'s ${connector.displayName} record does not map: ${mapped.problems.join('; ')}. Correct the record in ${connector.displayName} or the tenant's ${connector.name} mapping (docs/mapping.md), then replay.`);
        }
        return this.accept(mapped.event);
      }
      case 'gone': {
        if (body.change.kind !== 'deleted' && body.change.kind !== 'left') {
          return this.finish('gone', `${connector.displayName} no longer has employee ${body.change.sourceId}; nothing was changed (a deletion comes as a notice of its own)`);
        }
        const employeeId = seenAs ?? goneEmployeeId(body, { tenant, connector, now });
        const leaver = employeeId ? goneLeaver(body, connector, employeeId) : undefined;
        if (!leaver) {
          return this.finish('no-worker', `${connector.displayName} deleted employee ${body.change.sourceId}, whom this connector never mapped to a worker; nothing was changed. If they had an account, send a leaver for their employeeId`);
        }
        return this.accept(leaver);
      }
    }
  }

  private async accept(event: LifecycleEvent): Promise<FetchOutcome> {
    const { body, deps } = this;
    try {
      await acceptEvents([event], { processingQueue: deps.processingQueue, ledger: deps.ledger, now: deps.now, ...(deps.telemetry ? { telemetry: deps.telemetry } : {}) });
    } catch (error) {
      // Accepted by an earlier fetch of the same notice, which read the record as it was then.
      if (!(error instanceof EventIdConflictError)) throw error;
    }
    await deps.changes.rememberWorker(body.tenantId, body.connector, body.change.sourceId, event.employee.employeeId, deps.now());
    return this.finish('accepted', `${event.type} for employee ${event.employee.employeeId}`);
  }

  private async finish(status: 'accepted' | 'gone' | 'no-worker', detail: string): Promise<FetchOutcome> {
    await this.save({ status, detail });
    await this.actions.complete(this.message);
    return { settled: 'completed', tenantId: this.body.tenantId, eventId: this.body.eventId, status, detail };
  }

  private async retry(result: Extract<FetchResult, { kind: 'transient' }>): Promise<FetchOutcome> {
    const { body, deps, message } = this;
    const policy = deps.policy ?? defaultRetryPolicy;
    const counters = copyCountersOf(message.applicationProperties);
    const attempt = counters.attempt + 1;
    if (attempt >= policy.maxAttempts) {
      return this.deadLetter('hr-fetch: RetriesExhausted', `fetching employee ${body.change.sourceId} from ${body.connector} still failing after ${attempt} attempts: ${result.reason}. Fix the cause, then replay this message.`, attempt);
    }
    const at = new Date(deps.now().getTime() + retryDelayMs(attempt, policy, result.retryAfterMs, deps.random));
    const replays = message.applicationProperties?.[REPLAY_COUNT_PROPERTY];
    const base = typeof replays === 'number' ? replayMessageId(fetchMessageId(body.eventId), replays) : fetchMessageId(body.eventId);
    await deps.processingQueue.scheduleMessages(
      {
        body: message.body,
        messageId: retryMessageId(base, undefined, attempt),
        ...(message.sessionId ? { sessionId: message.sessionId } : {}),
        contentType: 'application/json',
        subject: FETCH_MESSAGE_KIND,
        applicationProperties: { ...(message.applicationProperties ?? {}), kind: FETCH_MESSAGE_KIND, ...copyCounterProperties({ ...counters, attempt }) },
      },
      at,
    );
    await this.save({ status: 'retrying', attempts: attempt, nextAttemptAt: at.toISOString(), detail: `${result.reason} (attempt ${attempt + 1} at ${at.toISOString()})` });
    await this.actions.complete(message);
    return { settled: 'scheduled-retry', tenantId: body.tenantId, eventId: body.eventId, status: 'retrying', detail: result.reason };
  }

  private async deadLetter(reason: string, problem: string, attempts?: number): Promise<FetchOutcome> {
    const { body } = this;
    const description = `Fetch for event ${body.eventId} (${body.connector} employee ${body.change.sourceId}, ${body.change.kind}) stopped: ${problem}`.slice(0, 4000);
    await this.save({ status: 'dead-lettered', detail: description, ...(attempts !== undefined ? { attempts } : {}) });
    await this.actions.deadletter(this.message, undefined, reason.slice(0, 200), description);
    return { settled: 'dead-lettered', tenantId: body.tenantId, eventId: body.eventId, status: 'dead-lettered', detail: reason };
  }

  private async save(change: Partial<ChangeRecord> & Pick<ChangeRecord, 'status'>): Promise<void> {
    const { body, deps } = this;
    const { nextAttemptAt: _due, ...base } = this.record ?? {
      tenantId: body.tenantId,
      connector: body.connector,
      key: body.change.key,
      sourceId: body.change.sourceId,
      kind: body.change.kind,
      occurredAt: body.change.occurredAt,
      eventId: body.eventId,
      attempts: 0,
      status: 'queued' as const,
      updatedAt: deps.now().toISOString(),
    };
    this.record = { ...base, attempts: Math.max(base.attempts, copyCountersOf(this.message.applicationProperties).attempt + 1), ...change, updatedAt: deps.now().toISOString() };
    await deps.changes.putChange(this.record);
  }
}
