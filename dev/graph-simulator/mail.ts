import { randomBytes } from 'node:crypto';
import { holdsAny } from './app-roles';
import { loadGraphMetadata, unknownProperty } from './csdl';
import { badRequest, GraphError } from './errors';
import { heldSkuIds } from './group-licensing';
import { asObject } from './odata';
import { findUser } from './users';
import type { SimContext, SimRequest, SimulatorState, UserRecord } from './types';

/**
 * Exchange Online behind Graph: a user's mailbox settings (automatic replies), inbox rules and
 * sendMail, with the answers Microsoft documents or users report. Sources:
 * - https://learn.microsoft.com/graph/api/user-get-mailboxsettings and /user-update-mailboxsettings
 *   (GET of the whole settings or of `automaticRepliesSetting` alone; PATCH answers 200 with the
 *   updated properties; enum values are accepted in any case, "Scheduled" in the example, and come
 *   back camelCase; a bad enum value is 400 InvalidArguments "Requested value '…' was not found.",
 *   the errors table's wording; the examples return reply messages wrapped in <html><body>).
 * - https://learn.microsoft.com/graph/api/mailfolder-list-messagerules and /mailfolder-post-messagerules
 *   (201 Created; `displayName`, `sequence` and `actions` required).
 * - https://learn.microsoft.com/graph/api/user-sendmail (202 Accepted, no body; `message` required).
 * - No mailbox (no Exchange Online licence, or hosted on-premises): 404 MailboxNotEnabledForRESTAPI
 *   "The mailbox is either inactive, soft-deleted, or is hosted on-premise." (Microsoft Q&A 1457213,
 *   answered by Microsoft: the user lacks a licence; microsoftgraph/msgraph-sdk-powershell#3531 shows
 *   the 404 for mailboxSettings); https://learn.microsoft.com/exchange/troubleshoot/user-and-shared-mailboxes/rest-api-is-not-yet-supported-for-this-mailbox-error
 *   (404 MailboxNotEnabledForRESTAPI or MailboxNotSupportedForRESTAPI).
 * - A mailbox still being provisioned after its licence: "it might take 15 minutes … apps will
 *   receive a 404" (https://learn.microsoft.com/graph/known-issues, "No instant access after
 *   creation"); which code that 404 carries is not documented — here the same as no mailbox.
 * - Missing permission: 403 ErrorAccessDenied "Access is denied. Check credentials and try again."
 *   (microsoftgraph/microsoft-graph-docs#3289 and many reports).
 */

/** SKU part numbers whose plans include Exchange Online (the sample seed's SKUs and the usual suites). */
const EXCHANGE_SKUS = new Set([
  'EXCHANGESTANDARD', 'EXCHANGEENTERPRISE', 'EXCHANGEESSENTIALS', 'EXCHANGEDESKLESS', 'SPE_E3', 'SPE_E5', 'SPE_F1',
  'ENTERPRISEPACK', 'ENTERPRISEPREMIUM', 'STANDARDPACK', 'DESKLESSPACK', 'O365_BUSINESS_ESSENTIALS', 'O365_BUSINESS_PREMIUM', 'SPB',
]);
const PENDING = new Set(['pendinginput', 'pendingactivation', 'pendingprovisioning']);
const READERS = ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'];
const WRITERS = ['MailboxSettings.ReadWrite'];

interface AutomaticReplies {
  status: string;
  externalAudience: string;
  internalReplyMessage: string;
  externalReplyMessage: string;
  scheduledStartDateTime: { dateTime: string; timeZone: string };
  scheduledEndDateTime: { dateTime: string; timeZone: string };
}
interface Mailbox {
  automaticRepliesSetting: AutomaticReplies;
  other: Record<string, unknown>;
  messageRules: Record<string, unknown>[];
}
export interface SentMail {
  from: string;
  message: Record<string, unknown>;
  saveToSentItems: boolean;
  at: string;
}

const mailboxes = new WeakMap<SimulatorState, Map<string, Mailbox>>();
const outboxes = new WeakMap<SimulatorState, SentMail[]>();

/** Messages sent through `sendMail`, oldest first (tests read what the app sent). */
export function sentMail(state: SimulatorState): SentMail[] {
  return outboxes.get(state) ?? [];
}

/**
 * A user has a mailbox when they hold a licence with Exchange Online (directly or through a group),
 * unless seeded `mailbox: false`; `mailbox: true` gives one without a licence (a shared mailbox).
 * A seeded `provisionedPlans` entry for service `exchange` that is pending stands for a mailbox
 * Exchange is still provisioning.
 */
function mailboxState(ctx: SimContext, user: UserRecord): 'ready' | 'none' | 'provisioning' {
  const plans = Array.isArray(user.provisionedPlans) ? (user.provisionedPlans as Record<string, unknown>[]) : [];
  const exchange = plans.filter((p) => String(p.service).toLowerCase() === 'exchange');
  if (exchange.some((p) => PENDING.has(String(p.provisioningStatus).toLowerCase()))) return 'provisioning';
  if (user.mailbox === false) return 'none';
  if (user.mailbox === true) return 'ready';
  const parts = [...heldSkuIds(user)].map((id) => ctx.state.skus.get(id)?.skuPartNumber);
  return parts.some((p) => p !== undefined && EXCHANGE_SKUS.has(p)) ? 'ready' : 'none';
}

/**
 * A mailbox gives the user its `mail` address (the primary SMTP address, here the UPN), as Exchange
 * stamps it once the mailbox exists; it stays when the licence goes (the mailbox is kept 30 days).
 * Called after a user's licences change.
 */
export function stampMailAddress(state: SimulatorState, user: UserRecord): void {
  if (!user.mail && mailboxState({ state } as SimContext, user) === 'ready') user.mail = user.userPrincipalName;
}

/** Exchange's answer to a token without the permission (not the directory's Authorization_RequestDenied). */
function requireRole(ctx: SimContext, roles: readonly string[]): void {
  if (!holdsAny(ctx, roles)) throw new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
}

function requireMailbox(ctx: SimContext, idOrUpn: string, roles: readonly string[]): Mailbox {
  const user = findUser(ctx.state, idOrUpn);
  // Exchange's wording for an address it cannot resolve (public reports; not on Microsoft's pages).
  if (!user) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${idOrUpn}' is invalid.`);
  requireRole(ctx, roles);
  if (mailboxState(ctx, user) !== 'ready') throw new GraphError(404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');
  let byUser = mailboxes.get(ctx.state);
  if (!byUser) mailboxes.set(ctx.state, (byUser = new Map()));
  let mailbox = byUser.get(user.id);
  if (!mailbox) {
    const never = { dateTime: '0001-01-01T00:00:00.0000000', timeZone: 'UTC' };
    mailbox = {
      automaticRepliesSetting: { status: 'disabled', externalAudience: 'all', internalReplyMessage: '', externalReplyMessage: '', scheduledStartDateTime: never, scheduledEndDateTime: never },
      other: { timeZone: 'UTC', dateFormat: 'yyyy-MM-dd', timeFormat: 'HH:mm', language: { locale: 'en-US', displayName: 'English (United States)' }, userPurpose: 'user' },
      messageRules: [],
    };
    byUser.set(user.id, mailbox);
  }
  return mailbox;
}

const unknownOn = (type: string, key: string) =>
  badRequest(`Property '${key}' does not exist on type 'microsoft.graph.${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`, 'RequestBodyRead');

function rejectUnknownOn(body: Record<string, unknown>, type: string): void {
  const key = unknownProperty(body, type);
  if (key) throw unknownOn(type, key);
}

/** An enum value in any case, returned in the CSDL's spelling. */
function enumValue(value: unknown, members: readonly string[]): string {
  const found = members.find((m) => typeof value === 'string' && m.toLowerCase() === value.toLowerCase());
  if (!found) throw new GraphError(400, 'InvalidArguments', `Requested value '${String(value)}' was not found.`);
  return found;
}

/** Exchange keeps replies as HTML documents: a fragment comes back wrapped (the docs' examples). */
function asHtmlDocument(message: string): string {
  return /^\s*<html/i.test(message) || message === '' ? message : `<html>\n<body>\n${message}\n</body>\n</html>\n`;
}

function dateTimeTimeZone(value: unknown, property: string): { dateTime: string; timeZone: string } {
  const v = asObject(value);
  rejectUnknownOn(v, 'dateTimeTimeZone');
  if (typeof v.dateTime !== 'string' || Number.isNaN(Date.parse(v.dateTime))) throw badRequest(`Invalid value for '${property}'.`, 'RequestBodyRead');
  return { dateTime: v.dateTime, timeZone: typeof v.timeZone === 'string' ? v.timeZone : 'UTC' };
}

function present(mailbox: Mailbox): Record<string, unknown> {
  return structuredClone({ automaticRepliesSetting: mailbox.automaticRepliesSetting, ...mailbox.other });
}

export function getMailboxSettings(ctx: SimContext, userId: string): Record<string, unknown> {
  const mailbox = requireMailbox(ctx, userId, READERS);
  return { '@odata.context': `${ctx.baseUrl}/$metadata#users('${userId}')/mailboxSettings`, ...present(mailbox) };
}

export function getAutomaticRepliesSetting(ctx: SimContext, userId: string): Record<string, unknown> {
  const mailbox = requireMailbox(ctx, userId, READERS);
  return { '@odata.context': `${ctx.baseUrl}/$metadata#users('${userId}')/mailboxSettings/automaticRepliesSetting`, ...structuredClone(mailbox.automaticRepliesSetting) };
}

/** `PATCH …/mailboxSettings`: only the properties given change; 200 with them. */
export function patchMailboxSettings(req: SimRequest, ctx: SimContext, userId: string): Record<string, unknown> {
  const mailbox = requireMailbox(ctx, userId, WRITERS);
  const body = asObject(req.body);
  rejectUnknownOn(body, 'mailboxSettings');
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith('@')) continue;
    if (key === 'userPurpose' || key === 'archiveFolder') throw badRequest(`The property '${key}' is read-only and cannot be set.`, 'ErrorInvalidProperty');
    if (key !== 'automaticRepliesSetting') {
      mailbox.other[key] = structuredClone(value);
      changed[key] = value;
      continue;
    }
    const given = asObject(value);
    rejectUnknownOn(given, 'automaticRepliesSetting');
    const next = { ...mailbox.automaticRepliesSetting };
    if (given.status !== undefined) next.status = enumValue(given.status, ['disabled', 'alwaysEnabled', 'scheduled']);
    if (given.externalAudience !== undefined) next.externalAudience = enumValue(given.externalAudience, ['none', 'contactsOnly', 'all']);
    for (const message of ['internalReplyMessage', 'externalReplyMessage'] as const) {
      if (given[message] === undefined) continue;
      if (typeof given[message] !== 'string') throw badRequest(`Invalid value for '${message}'.`, 'RequestBodyRead');
      next[message] = asHtmlDocument(given[message]);
    }
    if (given.scheduledStartDateTime !== undefined) next.scheduledStartDateTime = dateTimeTimeZone(given.scheduledStartDateTime, 'scheduledStartDateTime');
    if (given.scheduledEndDateTime !== undefined) next.scheduledEndDateTime = dateTimeTimeZone(given.scheduledEndDateTime, 'scheduledEndDateTime');
    mailbox.automaticRepliesSetting = next;
    changed.automaticRepliesSetting = structuredClone(next);
  }
  return { '@odata.context': `${ctx.baseUrl}/$metadata#users('${userId}')/mailboxSettings`, ...changed };
}

export function listMessageRules(ctx: SimContext, userId: string): Record<string, unknown> {
  const mailbox = requireMailbox(ctx, userId, READERS);
  return { '@odata.context': `${ctx.baseUrl}/$metadata#users('${userId}')/mailFolders('inbox')/messageRules`, value: structuredClone(mailbox.messageRules) };
}

function checkRecipients(value: unknown, property: string): void {
  if (!Array.isArray(value)) throw badRequest(`Invalid value for '${property}'.`, 'RequestBodyRead');
  for (const raw of value) {
    const recipient = asObject(raw);
    rejectUnknownOn(recipient, 'recipient');
    const address = asObject(recipient.emailAddress);
    rejectUnknownOn(address, 'emailAddress');
    // Exchange refuses an address it cannot parse (wording recollected, not verified).
    if (typeof address.address !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(address.address)) throw badRequest('At least one recipient isn\'t valid.', 'ErrorInvalidRecipients');
  }
}

/**
 * `POST …/mailFolders/inbox/messageRules`: `displayName`, `sequence` and `actions` are required
 * (the page says so; the missing-field wording is invented). Exchange does not make rule names
 * unique, so a second POST makes a second rule — finding one's own rule is the caller's job.
 */
export function createMessageRule(req: SimRequest, ctx: SimContext, userId: string): Record<string, unknown> {
  const mailbox = requireMailbox(ctx, userId, WRITERS);
  const body = asObject(req.body);
  rejectUnknownOn(body, 'messageRule');
  for (const readOnly of ['id', 'hasError', 'isReadOnly']) if (body[readOnly] !== undefined) throw badRequest(`The property '${readOnly}' is read-only and cannot be set.`, 'ErrorInvalidProperty');
  if (typeof body.displayName !== 'string' || body.displayName.trim() === '') throw badRequest("The property 'displayName' is required.", 'ErrorInvalidRequest');
  if (!Number.isInteger(body.sequence)) throw badRequest("The property 'sequence' is required.", 'ErrorInvalidRequest');
  const actions = asObject(body.actions);
  rejectUnknownOn(actions, 'messageRuleActions');
  for (const recipients of ['forwardTo', 'forwardAsAttachmentTo', 'redirectTo'] as const) if (actions[recipients] !== undefined) checkRecipients(actions[recipients], recipients);
  for (const predicates of ['conditions', 'exceptions'] as const) if (body[predicates] !== undefined) rejectUnknownOn(asObject(body[predicates]), 'messageRulePredicates');
  const rule = { id: randomBytes(6).toString('base64'), isEnabled: true, ...structuredClone(body), hasError: false, isReadOnly: false };
  mailbox.messageRules.push(rule);
  return { '@odata.context': `${ctx.baseUrl}/$metadata#users('${userId}')/mailFolders('inbox')/messageRules/$entity`, ...structuredClone(rule) };
}

/** `POST /users/{id}/sendMail`: 202, recorded in the outbox. Action parameters are matched in any case (the CSDL spells them `Message`, the docs `message`). */
export function sendMail(req: SimRequest, ctx: SimContext, userId: string): undefined {
  const body = asObject(req.body);
  const known = new Set([...(loadGraphMetadata().actionParametersOf('sendMail', 'user') ?? [])].map((p) => p.toLowerCase()));
  const params = new Map(Object.entries(body).map(([k, v]) => [k.toLowerCase(), v]));
  for (const key of params.keys()) if (!known.has(key)) throw badRequest(`The parameter '${key}' in the request payload is not a valid parameter for the operation 'sendMail'.`, 'RequestBodyRead');
  requireMailbox(ctx, userId, ['Mail.Send']);
  if (!params.has('message')) throw badRequest("The parameter 'Message' is required.", 'ErrorInvalidParameter');
  const message = asObject(params.get('message'));
  rejectUnknownOn(message, 'message');
  if (message.body !== undefined) rejectUnknownOn(asObject(message.body), 'itemBody');
  const to = [...(Array.isArray(message.toRecipients) ? message.toRecipients : []), ...(Array.isArray(message.ccRecipients) ? message.ccRecipients : []), ...(Array.isArray(message.bccRecipients) ? message.bccRecipients : [])];
  if (to.length === 0) throw badRequest('At least one recipient isn\'t valid.', 'ErrorInvalidRecipients');
  checkRecipients(to, 'toRecipients');
  const save = params.get('savetosentitems');
  let list = outboxes.get(ctx.state);
  if (!list) outboxes.set(ctx.state, (list = []));
  list.push({ from: userId, message: structuredClone(message), saveToSentItems: save === undefined ? true : String(save).toLowerCase() !== 'false', at: new Date().toISOString() });
  return undefined;
}
