import * as z from 'zod';

/**
 * What happens when a worker leaves, per tenant (the rules file's `leaver`). Every option beyond
 * the first four is off unless set: each is a step of its own in the leaver's ledger, shown in the
 * dry run, and needs its Graph permission only while it is on (shared/graph/permissions.ts).
 */

/** Where in a flow a custom step runs (see `customStepSchema`). */
export const LEAVER_CUSTOM_STEP_POINTS = ['access-closed', 'before-licences', 'offboarded'] as const;
export const JOINER_CUSTOM_STEP_POINTS = ['account-created', 'onboarded'] as const;

/**
 * A call to an HTTPS endpoint of the operator's (a Logic App, a runbook), like Entra Lifecycle
 * Workflows' custom task extensions: signed like our other webhooks, with a payload that carries
 * no secret. `wait` makes the flow pause until the endpoint calls back (`POST /api/callbacks/{token}`),
 * or dead-letter when `timeoutMinutes` pass without a callback.
 */
export const customStepSchema = <P extends readonly [string, ...string[]]>(points: P) =>
  z
    .object({
      /** Names the step in the ledger (`custom:<name>`) and in the payload. */
      name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1–40 lower-case letters, digits and dashes'),
      at: z.enum(points),
      /** HTTPS only; the host must not be loopback outside local development (checked when called). */
      url: z.url({ protocol: /^https$/ }).optional(),
      /** Instead of `url`: the app setting holding it, for a URL that carries its own credential (a Logic App trigger's `sig`, an Automation webhook's `token`). */
      urlSetting: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an app setting name').optional(),
      /** The app setting holding the HMAC key the call is signed with (never the key itself). */
      secretSetting: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an app setting name'),
      wait: z.object({ timeoutMinutes: z.number().int().min(1).max(7 * 24 * 60) }).strict().optional(),
    })
    .strict()
    .refine((step) => (step.url === undefined) !== (step.urlSetting === undefined), { message: 'needs exactly one of url and urlSetting', path: ['url'] });

const deviceActions = z
  .object({
    /** Entra-registered and joined devices the leaver owns or registered. */
    registered: z.enum(['keep', 'disable', 'delete']).default('keep'),
    /** Intune managed devices owned by the company: `retire` removes company data, `wipe` resets the device. */
    companyOwned: z.enum(['keep', 'retire', 'wipe']).default('keep'),
    /** Personal (BYOD) Intune devices: never wiped, at most retired. */
    personal: z.enum(['keep', 'retire']).default('keep'),
  })
  .strict();

const automaticReplies = z
  .object({
    /** Templates; `{displayName}`, `{managerDisplayName}`, `{managerMail}` and `{leaveDate}` are filled in. */
    internal: z.string().min(1).max(4000),
    external: z.string().min(1).max(4000).optional(),
    /** Who outside the organisation gets the external reply. */
    externalAudience: z.enum(['none', 'contactsOnly', 'all']).default('all'),
  })
  .strict();

export const leaverPolicySchema = z
  .object({
    removeGroups: z.enum(['rule-based', 'all-removable']).default('rule-based'),
    licenceGraceDays: z.number().int().min(0).max(365).default(0),
    deleteAfterDays: z.number().int().min(0).max(3650).nullable().default(null),
    revokeSessions: z.boolean().default(true),
    /** Every way in closed: the user's registered sign-in methods removed (phone, Authenticator, FIDO2, OATH, email, Windows Hello, TAP). */
    authenticationMethods: z.enum(['keep', 'remove']).default('keep'),
    /** A group a Conditional Access policy blocks: the leaver is added to it. */
    blockGroup: z.string().min(1).optional(),
    devices: deviceActions.optional(),
    mail: z
      .object({
        automaticReplies: automaticReplies.optional(),
        /** An inbox rule that forwards new mail to the manager. */
        forwardToManager: z.boolean().default(false),
      })
      .strict()
      .optional(),
    /** The manager gets access to the leaver's OneDrive until deletion, and is told where it is. */
    files: z.object({ managerAccess: z.boolean().default(false) }).strict().optional(),
    ownership: z
      .object({
        /** Groups and Teams where the leaver is the last owner get the manager (or `fallbackOwner`) as owner. */
        groups: z.enum(['keep', 'hand-to-manager']).default('keep'),
        /** UPN or object id of the owner to use when the leaver has no manager. */
        fallbackOwner: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Direct reports move to the leaver's manager. */
    directReports: z.enum(['keep', 'to-leavers-manager']).default('keep'),
    customSteps: z.array(customStepSchema(LEAVER_CUSTOM_STEP_POINTS)).max(10).default([]),
    /** Destructive steps that wait for an operator's approval in the console before they run (a rejected wipe retires instead; a rejected deletion keeps the account, disabled). */
    needsApproval: z.array(z.enum(['delete', 'wipe'])).max(2).default([]),
    /** The manager is told what was closed, where mail and files went, and when deletion happens. */
    notifyManager: z
      .discriminatedUnion('channel', [
        z.object({ channel: z.literal('webhook'), url: z.url({ protocol: /^https$/ }), secretSetting: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }).strict(),
        z.object({ channel: z.literal('teams'), urlSetting: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an app setting name (the Workflows URL carries its own signature)') }).strict(),
        z.object({ channel: z.literal('email'), fromMailbox: z.string().min(3) }).strict(),
      ])
      .optional(),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const names = policy.customSteps.map((s) => s.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) ctx.addIssue({ code: 'custom', path: ['customSteps', i, 'name'], message: 'is used by another custom step' });
    });
  });

export type LeaverPolicy = z.infer<typeof leaverPolicySchema>;
export type CustomStep = z.infer<ReturnType<typeof customStepSchema>>;

export const joinerPolicySchema = z
  .object({ customSteps: z.array(customStepSchema(JOINER_CUSTOM_STEP_POINTS)).max(10).default([]) })
  .strict();
export type JoinerPolicy = z.infer<typeof joinerPolicySchema>;
