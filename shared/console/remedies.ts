/**
 * What an operator does about each kind of dead letter, by the code in its reason. Reasons are
 * `<step>: <code>` for an event that stopped at a step (shared/processing/process-event.ts),
 * `tenant: <code>` for a tenant that could not take it, or a bare code (a ticket, an unreadable
 * message, Service Bus's own MaxDeliveryCountExceeded / TTLExpiredException). Each dead letter's
 * own description names the object and, for a step's failure, the step's own remedy too.
 */

/** The mass-leaver guard's hold (shared/processing/steps/mass-leaver-guard.ts): the one reason `Release` acts on. */
export const MASS_LEAVER_HOLD_REASON = 'mass-leaver-guard: MassLeaverHold';

const REMEDIES: Readonly<Record<string, string>> = {
  MassLeaverHold:
    'More leavers than the mass-leaver threshold arrived at once: check the HR feed first. If they are genuine, Release them (or approve each under Approvals); if the feed was wrong, fix it and leave them.',
  DeleteNeedsApproval:
    "The tenant's leaver policy asks for an approval before an account is deleted: approve or reject it under Approvals (rejected, the account is kept with sign-in off). A plain Replay holds it again.",
  WipeNeedsApproval:
    "The tenant's leaver policy asks for an approval before a company device is wiped: approve or reject it under Approvals (rejected, the device is retired instead). A plain Replay holds it again.",
  RetriesExhausted: 'A temporary failure lasted through every retry (Graph throttling or an outage, replication that did not settle): check the step named in the description, then Replay.',
  MaxDeliveryCountExceeded: 'The message failed every delivery without an answer of ours (the host crashed or timed out on it): look the eventId up in the logs, then Replay.',
  TTLExpiredException: 'The message waited longer than the queue keeps messages: Replay if the change is still wanted.',
  Authorization_RequestDenied: "The app's managed identity lacks a Graph permission: grant it (docs/permissions.md), then Replay.",
  InvalidWorkerData: "The worker's data in HR is not usable (the description names the field): correct it in HR, then Replay or let HR send it again.",
  InvalidUsageLocation: "The worker's country is not a usage location: correct it in HR, then Replay.",
  UsageLocationMissing: 'A licence needs a usage location: send the worker\'s country from HR, then Replay.',
  UserNotFound: 'No account has this employeeId (a change before the joiner, or an account made by hand): let the joiner run first or set employeeId on the account, then Replay.',
  UpnBelongsToAnotherWorker: "The user principal name belongs to another worker's account: resolve the clash in Entra ID or HR, then Replay.",
  UpnAccountUnclaimed: 'An account with this user principal name exists without an employeeId: claim it (set employeeId) or rename it, then Replay.',
  UpnHolderNotVisible: 'The user principal name is held by an object the app cannot read: check it in Entra ID, then Replay.',
  NoFreeUserPrincipalName: 'Every user principal name candidate is taken: free one or change the naming rules, then Replay.',
  GroupNotFound: 'The rules name a group that does not exist: create it or correct the rules file, then Replay.',
  BlockGroupNotFound: "The leaver policy's block group does not exist: create it (with its Conditional Access policy) or correct the rules file, then Replay.",
  SkuNotSubscribed: 'The rules assign a licence the tenant has no subscription for: buy it or correct the rules file, then Replay.',
  UnknownServicePlan: 'The rules name a service plan the licence does not have: correct the rules file, then Replay.',
  ProtectedAccount: 'The account is protected from lifecycle changes (an admin or break-glass account): change it by hand, or remove the protection if this is wrong; do not Replay blindly.',
  CredentialDeliveryFailed: 'The Temporary Access Pass could not be delivered: check CREDENTIAL_WEBHOOK_URL and its receiver, then Replay.',
  TemporaryAccessPassDisabled: 'The tenant does not allow Temporary Access Passes: enable the policy or turn credential delivery off, then Replay.',
  NoCredentialChannel: 'No credential delivery is configured for a step that needs one: configure it, then Replay.',
  SnapshotNotFound: 'No leaver snapshot exists to restore from: restore by hand.',
  RestoreRefused: 'The undo was refused (the description says why): resolve that, then send the undo again.',
  UnknownTenant: 'The event or ticket names a tenant that is not configured: add the tenant or correct the sender, then Replay.',
  TenantDisabled: 'The tenant is disabled: enable it, then Replay.',
  TenantInvalid: "The tenant's configuration is invalid (see Tenants): fix it, then Replay.",
  InvalidMessage: 'The message is not an event this app reads: it cannot succeed; fix the sender and remove it.',
  InvalidTicketRequest: 'The ticket request is invalid (the description names the field): correct the ticket and send it again.',
  EventIdConflict: 'Another event already has this id with different content: send the change under a new id.',
  UnexpectedError: 'A defect in the app: report it with the eventId; Replay after a fix.',
};

const FALLBACK = 'Read the description: fix what it names, then Replay.';

/** The code a reason ends with: `licences: SkuNotSubscribed` → `SkuNotSubscribed`. */
export function reasonCode(reason: string): string {
  const at = reason.lastIndexOf(': ');
  return at === -1 ? reason.trim() : reason.slice(at + 2).trim();
}

export function remedyFor(reason: string): string {
  const code = reasonCode(reason);
  return REMEDIES[code] ?? (/^(hr-fetch|hr-report)\b/.test(reason) ? 'The HR system refused or answered wrongly (the description says how): fix the connector or credentials, then Replay.' : FALLBACK);
}
