import type { CredentialChannel } from '../credentials/channel';
import type { Employee, FieldIssue } from '../domain/events';
import type { PendingManagerLinks } from '../ledger/pending-manager-links';
import type { Ledger } from '../ledger/types';
import type { QueueSender } from '../messaging/types';
import { acceptEvents, EventIdConflictError, type AcceptedEvent } from '../processing/accept-events';
import { tenantDeps } from '../processing/deps';
import { planEvents, type EventPlan } from '../processing/plan-events';
import { verifySignature } from '../security/hmac-signature';
import type { Telemetry } from '../telemetry/telemetry';
import type { TenantRuntime } from '../tenancy/tenant-runtime';
import { parseHrRequest } from './index';

export interface HrRequest {
  raw: Buffer;
  contentType?: string;
  signature: string | null;
  timestamp: string | null;
  dryRun: boolean;
}

export type HrRequestOutcome =
  | { kind: 'unsigned'; reason: string }
  | { kind: 'invalid'; issues: FieldIssue[] }
  /** A dry run: each event's plan, with the employee as the mapping made it from the record. */
  | { kind: 'planned'; plans: (EventPlan & { mapped: Employee })[] }
  | { kind: 'accepted'; events: AcceptedEvent[] }
  /** An eventId the ledger holds for a different event: refused whole, nothing queued. */
  | { kind: 'conflict'; eventIds: string[] };

export interface HrRequestDeps {
  runtime: TenantRuntime;
  ledger: Ledger;
  pendingLinks: PendingManagerLinks;
  processingQueue: QueueSender;
  credentials?: CredentialChannel;
  telemetry?: Telemetry;
  now: () => Date;
}

/**
 * One HR request for one tenant: signed with that tenant's secret, validated all or nothing,
 * then planned (dry run) or queued. The tenant comes from the route, never from the body.
 */
export async function receiveHrRequest(request: HrRequest, deps: HrRequestDeps): Promise<HrRequestOutcome> {
  const { tenant } = deps.runtime;
  const now = deps.now();
  const signature = verifySignature(tenant.hrWebhookSecret.reveal(), { signature: request.signature, timestamp: request.timestamp }, request.raw, Math.floor(now.getTime() / 1000));
  if (!signature.valid) return { kind: 'unsigned', reason: signature.reason };

  const parsed = parseHrRequest(request.raw.toString('utf8'), request.contentType, {
    now,
    tenantId: tenant.key,
    maxRecords: tenant.settings.HR_MAX_RECORDS,
    upnDomains: [tenant.settings.UPN_DOMAIN],
    ...(tenant.mapping ? { mappings: tenant.mapping } : {}),
  });
  if (!parsed.ok) return { kind: 'invalid', issues: parsed.issues };

  if (request.dryRun) {
    const plans = await planEvents(parsed.events, tenantDeps(deps.runtime, deps), deps.ledger);
    const employees = new Map(parsed.events.map((e) => [e.eventId, e.employee]));
    return { kind: 'planned', plans: plans.map((plan) => ({ ...plan, mapped: employees.get(plan.eventId) as Employee })) };
  }
  try {
    const events = await acceptEvents(parsed.events, { processingQueue: deps.processingQueue, ledger: deps.ledger, now: deps.now, ...(deps.telemetry ? { telemetry: deps.telemetry } : {}) });
    return { kind: 'accepted', events };
  } catch (error) {
    if (error instanceof EventIdConflictError) return { kind: 'conflict', eventIds: error.eventIds };
    throw error;
  }
}
