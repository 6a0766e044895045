import type { LifecycleEvent } from '../domain/events';
import { serviceDurations } from '../ledger/service-durations';
import type { ProcessOutcome } from '../processing/outcome';
import type { Telemetry } from './telemetry';

/**
 * What operators chart: one custom event per settled message, one per step of a finished event,
 * and metrics for how long workers wait for us — time to productive (joiner due → groups, licences
 * and sign-in) and time to deprovisioned (leaver due → sign-in off, sessions revoked), as the
 * console charts them (shared/ledger/service-durations). Ids and codes only; never bodies.
 */
export function recordSettlement(telemetry: Telemetry, event: LifecycleEvent, outcome: ProcessOutcome, settled: string): void {
  const record = outcome.record;
  const base = { eventId: event.eventId, tenantId: event.tenantId, eventType: event.type, source: event.source };
  telemetry.trackEvent('LifecycleEventSettled', {
    ...base,
    outcome: outcome.kind,
    settled,
    attempts: record?.attempts,
    reason: outcome.kind === 'dead-letter' ? outcome.reason : outcome.kind === 'retry' ? outcome.step : undefined,
  });
  telemetry.trackMetric(`lifecycle.${outcome.kind}`, 1, { tenantId: event.tenantId, eventType: event.type });
  if (outcome.kind !== 'succeeded' && outcome.kind !== 'dead-letter') return;
  for (const step of record?.steps ?? []) {
    telemetry.trackEvent('LifecycleStep', { ...base, step: step.name, outcome: step.outcome, durationMs: step.durationMs, errorCode: step.error?.code });
  }
  if (outcome.kind !== 'succeeded' || !record) return;
  // The console's computation: a dated hire counts from its start, a dated leaver from its leave date.
  const { productiveSeconds, deprovisionedSeconds } = serviceDurations(record);
  if (productiveSeconds !== undefined) telemetry.trackMetric('lifecycle.timeToProductiveSeconds', productiveSeconds, { tenantId: event.tenantId });
  if (deprovisionedSeconds !== undefined) telemetry.trackMetric('lifecycle.timeToDeprovisionedSeconds', deprovisionedSeconds, { tenantId: event.tenantId });
}
