import type { LifecycleEvent } from '../domain/events';
import type { ProcessOutcome } from '../processing/outcome';
import type { Telemetry } from './telemetry';

/**
 * What operators chart: one custom event per settled message, one per step of a finished event,
 * and metrics for outcomes and for how long workers wait — time to productive (joiner accepted →
 * done) and time to deprovisioned (leaver due → sign-in off). Ids and codes only; never bodies.
 */
export function recordSettlement(telemetry: Telemetry, event: LifecycleEvent, outcome: ProcessOutcome, settled: string, now: Date): void {
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
  if (event.type === 'joiner') {
    telemetry.trackMetric('lifecycle.timeToProductiveSeconds', (now.getTime() - new Date(record.acceptedAt).getTime()) / 1000, { tenantId: event.tenantId });
  }
  const disabled = record.steps.find((s) => s.name === 'disable-sign-in' && s.outcome === 'done');
  if (event.type === 'leaver' && disabled) {
    const due = Math.max(new Date(record.acceptedAt).getTime(), new Date(event.effectiveAt ?? event.occurredAt).getTime());
    telemetry.trackMetric('lifecycle.timeToDeprovisionedSeconds', Math.max(0, (new Date(disabled.startedAt).getTime() - due) / 1000), { tenantId: event.tenantId });
  }
}
