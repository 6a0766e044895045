import type { Client } from '@microsoft/microsoft-graph-client';
import { MIN_SECRET_LENGTH, type NamedSetting } from '../config/settings';
import { sendMail } from '../graph/mail';
import type { LeaverPolicy } from '../rules/leaver-policy';
import { NotificationDeliveryError, postJson } from './post-json';
import { subjectOf, summaryHtml, summaryLines, type ManagerSummary } from './summary';

export type NotifyManagerOption = NonNullable<LeaverPolicy['notifyManager']>;

/** Where a manager's summary goes, as the tenant's leaver policy chose. */
export interface ManagerChannel {
  /** For the ledger and the dry run: which channel, and where, without any secret. */
  readonly description: string;
  deliver(summary: ManagerSummary): Promise<void>;
}

export interface ChannelDeps {
  graph: Client;
  /** An app setting the policy names (the webhook's key, the Workflows URL), from the host's environment (config/settings.ts). */
  namedSetting?: (name: string, options?: { minLength?: number }) => NamedSetting;
  /** Private and loopback receivers are for local development only. */
  allowPrivate: boolean;
  now(): Date;
}

export function managerChannel(option: NotifyManagerOption, deps: ChannelDeps): ManagerChannel {
  switch (option.channel) {
    case 'webhook':
      return {
        description: `a signed webhook to ${new URL(option.url).host}`,
        async deliver(summary) {
          const secret = setting(deps, option.secretSetting, MIN_SECRET_LENGTH);
          await postJson(option.url, summary, { label: 'manager webhook', allowPrivate: deps.allowPrivate, secret, now: deps.now });
        },
      };
    case 'teams':
      return {
        // The Workflows URL carries its own signature (sig=…): it is named by its setting, never shown.
        description: `a Teams workflow (the URL in app setting ${option.urlSetting})`,
        async deliver(summary) {
          await postJson(setting(deps, option.urlSetting), teamsMessage(summary), { label: 'Teams workflow', allowPrivate: deps.allowPrivate });
        },
      };
    case 'email':
      return {
        description: `e-mail from ${option.fromMailbox}`,
        async deliver(summary) {
          if (!summary.manager.mail) throw new NotificationDeliveryError('the manager has no mail address to send the summary to', false);
          await sendMail(deps.graph, option.fromMailbox, { subject: subjectOf(summary), html: summaryHtml(summary), to: { address: summary.manager.mail, name: summary.manager.displayName } });
        },
      };
  }
}

function setting(deps: ChannelDeps, name: string, minLength?: number): string {
  const read = deps.namedSetting?.(name, minLength === undefined ? {} : { minLength }) ?? { ok: false, problem: `app setting ${name} cannot be read here` };
  if (!read.ok) throw new NotificationDeliveryError(read.problem, false);
  return read.value;
}

/**
 * What the Workflows trigger "When a Teams webhook request is received" takes to post a card: a
 * `message` whose `attachments` hold an Adaptive Card
 * (https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook;
 * Workflows support Adaptive Cards only, the same page's known issues). Text blocks render
 * markdown, so values from HR are escaped to stay text.
 */
export function teamsMessage(summary: ManagerSummary): Record<string, unknown> {
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: markdownText(`${summary.leaver.displayName} has left`) },
      { type: 'TextBlock', wrap: true, text: markdownText(`For ${summary.manager.displayName}: what was done with the account.`) },
      { type: 'FactSet', facts: summaryLines(summary).map((l) => ({ title: markdownText(l.label), value: markdownText(l.value) })) },
    ],
  };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

/**
 * Backslash-escapes what makes a link or emphasis in the card's markdown (it renders links, bold,
 * italic and lists, and a list needs a line of its own), so a name like `[x](https://…)` shows as
 * typed; other text is left as it is.
 */
function markdownText(value: string): string {
  return value.replace(/[\\*_[\]]/g, (c) => `\\${c}`);
}
