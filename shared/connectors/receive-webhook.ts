import { tenantScopedEventId } from '../domain/events';
import type { QueueSender } from '../messaging/types';
import type { ReadyTenant } from '../tenancy/tenant-registry';
import { FINISHED, type ChangeLedger } from './change-ledger';
import { toFetchMessage } from './fetch-message';
import type { ConnectorChange } from './port';
import { connectorAccess, tenantConnector } from './tenant-connector';

export interface ConnectorWebhook {
  connector: string;
  raw: Buffer;
  header(name: string): string | null;
}

export type WebhookOutcome =
  /** No such connector, or this tenant has not set it up: nothing to verify against. */
  | { kind: 'not-configured' }
  /** Set up, but an app setting it names is missing or refused: the operator must act. */
  | { kind: 'misconfigured'; problem: string }
  | { kind: 'unsigned'; reason: string }
  | { kind: 'ping' }
  | { kind: 'invalid'; problem: string }
  | { kind: 'accepted'; received: number; queued: number; repeated: number; ignored: number; events: AcceptedChange[] };

/** One change of an accepted notice: the event it becomes, and whether the notice had come before. */
export interface AcceptedChange {
  eventId: string;
  employee: string;
  repeated: boolean;
}

export interface WebhookDeps {
  tenant: ReadyTenant;
  changes: ChangeLedger;
  processingQueue: QueueSender;
  now: () => Date;
}

/** The lifecycle event one change becomes: `<connector>-<key>`, scoped to the tenant like every event id. */
export function changeEventId(tenantId: string, connector: string, change: Pick<ConnectorChange, 'key'>): string {
  return tenantScopedEventId(tenantId, `${connector}-${change.key}`);
}

/**
 * A notice from an HR system: checked with that system's own signature, read into changes, and
 * each change queued as a fetch — the webhook is answered without waiting for the HR API, which
 * may be slow or down. A change seen before is not queued again: its row in the change ledger
 * says it was accepted (or found gone), so a repeated notice is one event. Queue first, then
 * record: a crash in between leaves a row missing, and the HR system's retry queues the same
 * message again, which duplicate detection drops.
 */
export async function receiveConnectorWebhook(webhook: ConnectorWebhook, deps: WebhookDeps): Promise<WebhookOutcome> {
  const { tenant } = deps;
  const configured = tenantConnector(tenant, webhook.connector);
  if (!configured) return { kind: 'not-configured' };
  const access = connectorAccess(tenant, configured);
  if (!access.ok) return { kind: 'misconfigured', problem: access.problem };
  const { connector } = configured;
  const now = deps.now();
  const body = webhook.raw.toString('utf8');
  const notice = connector.parse(body, now);
  // A set-up ping may come before the key is known to the sender; it changes nothing.
  if (notice.kind === 'ping') return notice;
  const verified = connector.verify({ raw: webhook.raw, header: webhook.header, now }, access.access.webhookSecret());
  if (!verified.valid) return { kind: 'unsigned', reason: verified.reason };
  if (notice.kind === 'invalid') return notice;
  if (notice.changes.length > tenant.settings.HR_MAX_RECORDS) {
    return { kind: 'invalid', problem: `(body): names ${notice.changes.length} employees; at most ${tenant.settings.HR_MAX_RECORDS} are accepted per notice` };
  }
  const events: AcceptedChange[] = [];
  for (const change of notice.changes) {
    const eventId = changeEventId(tenant.key, connector.name, change);
    const known = await deps.changes.getChange(tenant.key, connector.name, change.key);
    events.push({ eventId, employee: change.sourceId, repeated: known !== undefined });
    if (known && FINISHED.has(known.status)) continue;
    // Sent again while still queued: duplicate detection drops the copy, so one fetch runs.
    await deps.processingQueue.sendMessages(toFetchMessage(tenant.key, connector.name, eventId, change));
    if (!known) {
      await deps.changes.putChange({ tenantId: tenant.key, connector: connector.name, key: change.key, sourceId: change.sourceId, kind: change.kind, occurredAt: change.occurredAt, status: 'queued', eventId, attempts: 0, updatedAt: now.toISOString() });
    }
  }
  const repeated = events.filter((e) => e.repeated).length;
  return { kind: 'accepted', received: notice.changes.length, queued: events.length - repeated, repeated, ignored: notice.ignored, events };
}
