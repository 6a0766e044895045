/**
 * What a leaver's manager is told when the leaver's immediate offboarding is done: what was
 * closed, where mail and files went, when the licences and the account go. It names people and
 * places only — never a pass, key, token or webhook address — so every channel may carry all of it.
 */
export interface ManagerSummary {
  /** Lets a receiver recognise a repeat (a retried delivery carries the same id). */
  notificationId: string;
  kind: 'leaver-offboarded';
  eventId: string;
  tenantId: string;
  leaver: { displayName: string; userPrincipalName: string; employeeId: string };
  manager: { displayName: string; mail: string | null };
  leftAt: string;
  closed: string[];
  mail: { automaticReplies?: string; forwardedTo?: string };
  files: { oneDriveUrl?: string };
  ownershipTransferred: string[];
  reportsMovedTo?: string;
  /** When the licences are removed (the leave date plus the grace days). */
  licencesRemovedAt: string;
  /** When the account is soft-deleted; null: the policy keeps it. */
  deletedAt: string | null;
}

/** At most this many entries of one list reach a message (Teams posts are limited to 28 KB). */
const MAX_LIST = 25;

export function capped(items: readonly string[]): string[] {
  return items.length <= MAX_LIST ? [...items] : [...items.slice(0, MAX_LIST), `and ${items.length - MAX_LIST} more`];
}

export function subjectOf(summary: ManagerSummary): string {
  return `${summary.leaver.displayName} has left: offboarding summary`;
}

/** The summary as labelled lines, in the order every human-readable channel shows them. */
export function summaryLines(summary: ManagerSummary): { label: string; value: string }[] {
  const day = (iso: string) => iso.slice(0, 10);
  const lines = [
    { label: 'Account', value: `${summary.leaver.userPrincipalName} (employee ${summary.leaver.employeeId})` },
    { label: 'Left on', value: day(summary.leftAt) },
    { label: 'Access closed', value: summary.closed.length > 0 ? capped(summary.closed).join('; ') : 'nothing beyond the account itself' },
  ];
  if (summary.mail.automaticReplies) lines.push({ label: 'Automatic replies', value: summary.mail.automaticReplies });
  if (summary.mail.forwardedTo) lines.push({ label: 'New mail forwarded to', value: summary.mail.forwardedTo });
  if (summary.files.oneDriveUrl) lines.push({ label: 'OneDrive', value: summary.files.oneDriveUrl });
  if (summary.ownershipTransferred.length > 0) lines.push({ label: 'Now owned by you', value: capped(summary.ownershipTransferred).join('; ') });
  if (summary.reportsMovedTo) lines.push({ label: 'Direct reports moved to', value: summary.reportsMovedTo });
  lines.push({ label: 'Licences removed', value: day(summary.licencesRemovedAt) });
  lines.push({ label: 'Account deleted', value: summary.deletedAt ? `${day(summary.deletedAt)} (restorable for 30 days after)` : 'not automatically' });
  return lines;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The e-mail body: every value escaped, since names come from HR. */
export function summaryHtml(summary: ManagerSummary): string {
  const rows = summaryLines(summary)
    .map((l) => `<tr><th align="left" valign="top">${escapeHtml(l.label)}</th><td>${escapeHtml(l.value)}</td></tr>`)
    .join('');
  return `<p>Hello ${escapeHtml(summary.manager.displayName)},</p><p>${escapeHtml(summary.leaver.displayName)} has left. This is what was done with their account.</p><table>${rows}</table>`;
}
