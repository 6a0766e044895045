import type { ApprovalDecision, EventRecord } from '../../ledger/types';
import type { LeaverPolicy } from '../../rules/leaver-policy';
import { StepFailure } from '../outcome';

/** Destructive steps a tenant's leaver policy may put behind an operator's approval (`needsApproval`). */
export type GatedAction = 'delete' | 'wipe';

/** The hold's dead-letter reason is `<step>: <code>`: one reason per action, whichever device or account it is. */
export const GATE_STEPS: Record<GatedAction, string> = { delete: 'delete-account', wipe: 'device-wipe' };
export const GATE_CODES: Record<GatedAction, string> = { delete: 'DeleteNeedsApproval', wipe: 'WipeNeedsApproval' };

export type Gate = { kind: 'open' } | { kind: 'held' } | { kind: 'approved' | 'rejected'; by: ApprovalDecision['by']; at: string };

/**
 * Whether a destructive action may go: `open` when the policy does not ask for approval, otherwise
 * the operator's decision kept in the event's own record (shared/console/approvals), or `held`
 * while there is none. The record is the authority: a replay without a decision is held again.
 */
export function approvalGate(action: GatedAction, record: Pick<EventRecord, 'approvals'>, policy: Pick<LeaverPolicy, 'needsApproval'>): Gate {
  if (!policy.needsApproval.includes(action)) return { kind: 'open' };
  const decision = record.approvals?.find((a) => a.kind === action);
  if (!decision) return { kind: 'held' };
  return { kind: decision.decision === 'approve' ? 'approved' : 'rejected', by: decision.by, at: decision.at };
}

/** The hold: the event is dead-lettered with the action's reason, and waits in the console's approvals. */
export function approvalHold(action: GatedAction, what: string): StepFailure {
  return new StepFailure(
    GATE_STEPS[action],
    false,
    GATE_CODES[action],
    `held for approval: the tenant's leaver policy has ${what} approved by an operator first (needsApproval: ${action}); nothing was ${action === 'delete' ? 'deleted' : 'wiped'}`,
    'Approve or reject it in the console (Approvals), or POST /api/console/approvals/{eventId} {"decision":"approve"|"reject","comment":"…"}; a plain replay holds it again.',
  );
}
