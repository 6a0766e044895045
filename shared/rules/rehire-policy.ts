import * as z from 'zod';

/**
 * What a rehire does beyond the joiner rules, per tenant (the rules file's `rehire`). With
 * `restoreFromLeaverSnapshot`, a rehire that gets its old account back (within retention) also
 * restores from the snapshot its leaver took what the rules do not decide: manual groups,
 * directly assigned licences with their disabled plans, and the manager when HR names none.
 * Without it, the rehire's steps say a snapshot exists and how an operator restores it.
 */
export const rehirePolicySchema = z
  .object({
    restoreFromLeaverSnapshot: z.boolean().default(false),
  })
  .strict();

export type RehirePolicy = z.infer<typeof rehirePolicySchema>;
