import type { LifecycleEvent } from '../../domain/events';
import type { DirectoryUser } from '../../graph/users';

/**
 * What a custom step's receiver is sent: who and what the event is about, which step at which
 * point, and — when the step waits — where and until when to call back. Modelled on the data
 * Entra Lifecycle Workflows send a custom task extension's Logic App (`subject` with its manager,
 * the task, the task processing result, the workflow, `callbackUriPath`; see docs/offboarding.md,
 * "Custom steps"). It carries no secret: no password, pass or key; the callback URL is a
 * capability for this one step, and its only use is to call back.
 */
export interface CustomStepPayload {
  source: 'm365-lifecycle';
  type: 'customStep';
  eventId: string;
  tenant: string;
  eventType: LifecycleEvent['type'];
  employeeId: string;
  userPrincipalName?: string;
  step: string;
  point: string;
  /** One per call of this step (a replay calls again, under a new id): Lifecycle Workflows' taskProcessingResult id. */
  callId: string;
  calledAt: string;
  occurredAt: string;
  effectiveAt?: string;
  /** The account, as Lifecycle Workflows' `subject`, with its manager when it has one. */
  subject: {
    id?: string;
    displayName?: string;
    userPrincipalName?: string;
    employeeId: string;
    manager?: { id: string; displayName?: string; userPrincipalName: string };
  };
  /** Only when the step waits: POST `{ "outcome": "succeeded" | "failed", "message"?: … }` here, signed, by `callbackDeadline`. */
  callbackUrl?: string;
  callbackDeadline?: string;
}

export interface PayloadFacts {
  event: LifecycleEvent;
  user?: DirectoryUser;
  manager?: DirectoryUser;
  step: string;
  point: string;
  callId: string;
  calledAt: Date;
  callback?: { url: string; deadline: Date };
}

export function customStepPayload(facts: PayloadFacts): CustomStepPayload {
  const { event, user, manager } = facts;
  const upn = user?.userPrincipalName ?? event.employee.userPrincipalName;
  return {
    source: 'm365-lifecycle',
    type: 'customStep',
    eventId: event.eventId,
    tenant: event.tenantId,
    eventType: event.type,
    employeeId: event.employee.employeeId,
    ...(upn ? { userPrincipalName: upn } : {}),
    step: facts.step,
    point: facts.point,
    callId: facts.callId,
    calledAt: facts.calledAt.toISOString(),
    occurredAt: event.occurredAt,
    ...(event.effectiveAt ? { effectiveAt: event.effectiveAt } : {}),
    subject: {
      ...(user ? { id: user.id } : {}),
      ...(user?.displayName ? { displayName: user.displayName } : {}),
      ...(upn ? { userPrincipalName: upn } : {}),
      employeeId: event.employee.employeeId,
      ...(manager ? { manager: { id: manager.id, ...(manager.displayName ? { displayName: manager.displayName } : {}), userPrincipalName: manager.userPrincipalName } } : {}),
    },
    ...(facts.callback ? { callbackUrl: facts.callback.url, callbackDeadline: facts.callback.deadline.toISOString() } : {}),
  };
}
