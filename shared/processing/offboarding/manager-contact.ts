import { readMailContact, type MailContact } from '../../graph/mail';
import type { OffboardingContext } from './context';

const contacts = new WeakMap<OffboardingContext, Promise<MailContact | undefined>>();

/**
 * The leaver's manager as mail steps and the summary need them — name and mail address — read
 * once per attempt from the manager link the flow already reads (`ctx.manager()` selects no `mail`).
 */
export function managerContact(ctx: OffboardingContext): Promise<MailContact | undefined> {
  let contact = contacts.get(ctx);
  if (!contact) {
    contact = ctx.managerId().then((id) => (id ? readMailContact(ctx.deps.graph, id) : undefined));
    contact.catch(() => undefined); // a step that never asks must not leave an unhandled rejection
    contacts.set(ctx, contact);
  }
  return contact;
}

/** How a manager is named in the ledger and the summary: "Marie Curie <marie.curie@contoso.com>". */
export function named(contact: MailContact): string {
  return contact.mail ? `${contact.displayName} <${contact.mail}>` : contact.displayName;
}
