import type { LifecycleEvent } from '../domain/events';
import type { Ledger } from '../ledger/types';
import type { PendingManagerLinks } from '../ledger/pending-manager-links';
import type { CredentialChannel } from '../credentials/channel';
import type { TenantRegistry } from '../tenancy/tenant-registry';
import type { TenantRuntimes } from '../tenancy/tenant-runtime';
import type { ProcessOutcome } from './outcome';
import { tenantDeps } from './deps';
import { processEvent, type ProcessOptions } from './process-event';

export interface TenantDispatchDeps {
  tenants: TenantRegistry;
  runtimes: TenantRuntimes;
  ledger: Ledger;
  pendingLinks: PendingManagerLinks;
  credentials?: CredentialChannel;
  now: () => Date;
  random?: () => number;
}

/** A throttled tenant's events wait outside the instance when Graph's gate stays shut this long. */
const GATE_WAIT_IN_SLOT_MS = 5_000;
const BUSY_DELAY_MS = 2_000;

/**
 * Runs one event against its own tenant: its configuration, rules, Graph client and budget.
 * A tenant that is gone or disabled ends the event with a reason; a tenant whose configuration
 * is broken makes its events retry (someone is fixing it) while every other tenant carries on;
 * a tenant with its share of the instance running, or shut out by Graph for a while, has its
 * event deferred so the slot goes to someone else.
 */
export async function processForTenant(event: LifecycleEvent, options: ProcessOptions, deps: TenantDispatchDeps): Promise<ProcessOutcome> {
  const state = await deps.tenants.lookup(event.tenantId);
  if (!state) {
    return deadLetter(event, 'UnknownTenant', `no tenant '${event.tenantId}' is configured`, 'Add the tenant (docs/msp.md), then replay; or purge the event if the tenant left.');
  }
  if (state.state === 'disabled') {
    return deadLetter(event, 'TenantDisabled', `tenant '${event.tenantId}' (${state.displayName}) is disabled`, 'Enable the tenant, then replay; or purge the event if the tenant left.');
  }
  if (state.state === 'invalid') {
    const record = await deps.ledger.get(event.eventId);
    const reason = `tenant '${event.tenantId}' configuration is invalid (${state.origin}): ${state.issues.join('; ')}`;
    return { kind: 'retry', ...(record ? { record } : {}), step: 'tenant', reason };
  }
  const runtime = deps.runtimes.runtimeOf(state.tenant);
  const gate = runtime.governor.snapshot().gateOpensInMs;
  if (gate > GATE_WAIT_IN_SLOT_MS) return defer(gate, `tenant '${event.tenantId}' is throttled by Graph`, deps);
  const leave = deps.runtimes.tryEnter(event.tenantId);
  if (!leave) return defer(BUSY_DELAY_MS, `tenant '${event.tenantId}' has its share of this instance running`, deps);
  try {
    return await processEvent(event, { ...tenantDeps(runtime, deps), ledger: deps.ledger, mode: 'apply' }, options);
  } finally {
    leave();
  }
}

function deadLetter(event: LifecycleEvent, code: string, problem: string, remedy: string): ProcessOutcome {
  return {
    kind: 'dead-letter',
    reason: `tenant: ${code}`,
    description: `Event ${event.eventId} (${event.type}, employee ${event.employee.employeeId}) was not processed: ${problem}. ${remedy}`,
  };
}

/** Spread over a second or two, so a deferred crowd does not come back at one instant. */
function defer(delayMs: number, reason: string, deps: TenantDispatchDeps): ProcessOutcome {
  const jitter = Math.round((deps.random ?? Math.random)() * 2_000);
  return { kind: 'deferred', at: new Date(deps.now().getTime() + delayMs + jitter), reason };
}
