import type { Client } from '@microsoft/microsoft-graph-client';
import { graphCall } from './errors';
import { graphPath } from './odata';

/**
 * A user's Exchange Online mailbox through Graph: automatic replies, inbox rules, sending mail.
 * Each call needs a mailbox; without one Exchange answers 404 and the failure's kind is
 * `no-mailbox` (errors.ts). Pages: user-get-mailboxsettings, user-update-mailboxsettings,
 * mailfolder-list-messagerules, mailfolder-post-messagerules, user-sendmail (learn.microsoft.com/graph/api).
 */

export type RepliesStatus = 'disabled' | 'alwaysEnabled' | 'scheduled';
export type ExternalAudience = 'none' | 'contactsOnly' | 'all';

/** The part of `automaticRepliesSetting` this app sets; the messages are HTML. */
export interface AutomaticReplies {
  status: RepliesStatus;
  externalAudience: ExternalAudience;
  internalReplyMessage: string;
  externalReplyMessage: string;
}

export async function getAutomaticReplies(client: Client, userId: string): Promise<AutomaticReplies> {
  const raw = (await graphCall('read automatic replies', () => client.api(graphPath`/users/${userId}/mailboxSettings/automaticRepliesSetting`).get())) as Partial<Record<keyof AutomaticReplies, unknown>>;
  return {
    status: String(raw.status ?? 'disabled') as RepliesStatus,
    externalAudience: String(raw.externalAudience ?? 'none') as ExternalAudience,
    internalReplyMessage: typeof raw.internalReplyMessage === 'string' ? raw.internalReplyMessage : '',
    externalReplyMessage: typeof raw.externalReplyMessage === 'string' ? raw.externalReplyMessage : '',
  };
}

export async function setAutomaticReplies(client: Client, userId: string, replies: AutomaticReplies): Promise<void> {
  await graphCall('set automatic replies', () => client.api(graphPath`/users/${userId}/mailboxSettings`).patch({ automaticRepliesSetting: replies }));
}

/**
 * Whether the mailbox already holds these replies. Exchange gives enum values back in its own case
 * and keeps a message as an HTML document (a fragment comes back inside <html><body>, the docs'
 * examples show), so the messages are compared by their text, not their markup.
 */
export function sameReplies(current: AutomaticReplies, wanted: AutomaticReplies): boolean {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return (
    same(current.status, wanted.status) &&
    same(current.externalAudience, wanted.externalAudience) &&
    textOf(current.internalReplyMessage) === textOf(wanted.internalReplyMessage) &&
    (wanted.externalAudience === 'none' || textOf(current.externalReplyMessage) === textOf(wanted.externalReplyMessage))
  );
}

function textOf(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

export interface MailRecipient {
  emailAddress: { address: string; name?: string };
}

export interface InboxRule {
  id: string;
  displayName: string;
  actions?: { forwardTo?: MailRecipient[] };
}

/** Body of `POST …/messageRules`; names are checked against the CSDL by the simulator. */
export interface NewInboxRule {
  displayName: string;
  sequence: number;
  isEnabled: boolean;
  actions: { forwardTo: MailRecipient[]; stopProcessingRules: boolean };
}

/** Graph returns a mailbox's inbox rules in one page (a mailbox holds a few dozen at most). */
export async function listInboxRules(client: Client, userId: string): Promise<InboxRule[]> {
  const page = await graphCall('list inbox rules', () => client.api(graphPath`/users/${userId}/mailFolders/inbox/messageRules`).get());
  return (page as { value: InboxRule[] }).value;
}

export async function createInboxRule(client: Client, userId: string, rule: NewInboxRule): Promise<InboxRule> {
  return (await graphCall('create inbox rule', () => client.api(graphPath`/users/${userId}/mailFolders/inbox/messageRules`).post(rule))) as InboxRule;
}

export interface OutgoingMail {
  subject: string;
  html: string;
  to: { address: string; name?: string };
}

/** `sendMail` from `fromMailbox` (202: accepted for delivery, not delivered). Not kept in Sent Items. */
export async function sendMail(client: Client, fromMailbox: string, mail: OutgoingMail): Promise<void> {
  const message = {
    subject: mail.subject,
    body: { contentType: 'HTML', content: mail.html },
    toRecipients: [{ emailAddress: { address: mail.to.address, ...(mail.to.name ? { name: mail.to.name } : {}) } }],
  };
  await graphCall('send mail', () => client.api(graphPath`/users/${fromMailbox}/sendMail`).post({ message, saveToSentItems: false }));
}

/** Who a message names or reaches: the manager in a reply, a forward, the summary. */
export interface MailContact {
  id: string;
  displayName: string;
  userPrincipalName: string;
  /** The primary SMTP address; null when the user has no mail address. */
  mail: string | null;
}

export async function readMailContact(client: Client, userId: string): Promise<MailContact> {
  const user = (await graphCall('read mail contact', () => client.api(graphPath`/users/${userId}`).select('id,displayName,userPrincipalName,mail').get())) as Partial<MailContact>;
  return { id: String(user.id ?? userId), displayName: String(user.displayName ?? user.userPrincipalName ?? userId), userPrincipalName: String(user.userPrincipalName ?? ''), mail: user.mail ?? null };
}

/**
 * Whether Exchange Online is still provisioning the user's mailbox: an `exchange` plan in
 * `provisionedPlans` with status PendingInput ("awaiting service confirmation"), PendingActivation
 * or PendingProvisioning (https://learn.microsoft.com/graph/api/resources/provisionedplan).
 */
export async function mailboxProvisioning(client: Client, userId: string): Promise<boolean> {
  const user = (await graphCall('read provisioned plans', () => client.api(graphPath`/users/${userId}`).select('id,provisionedPlans').get())) as { provisionedPlans?: { service?: string; provisioningStatus?: string; capabilityStatus?: string }[] | null };
  return (user.provisionedPlans ?? []).some(
    (p) => p.service?.toLowerCase() === 'exchange' && /^pending(input|activation|provisioning)$/i.test(p.provisioningStatus ?? '') && (p.capabilityStatus ?? 'Enabled').toLowerCase() !== 'deleted',
  );
}
