import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import type { Employee } from '../domain/events';
import type { AccessPolicy, LicenceNeed } from './access-policy';
import { joinerPolicySchema, leaverPolicySchema } from './leaver-policy';
import { rehirePolicySchema } from './rehire-policy';

/**
 * The rules file: which groups and licences a worker gets from HR attributes, what happens to
 * leavers, which accounts are never touched. Read once per worker and validated; a bad file
 * stops processing with a message that names the rule and field rather than guessing.
 */

/** The attributes rules match on (also what a polled report's mover carries, so rules see the whole worker). */
export const MATCHABLE = ['department', 'jobTitle', 'employeeType', 'companyName', 'officeLocation', 'city', 'country', 'usageLocation'] as const;
type MatchableField = (typeof MATCHABLE)[number];

const patterns = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const conditionSchema = z.partialRecord(z.enum(MATCHABLE), patterns);
type Condition = z.infer<typeof conditionSchema>;

const ruleBase = {
  /** Shown in plans and the ledger, so an operator knows which rule granted what. */
  name: z.string().min(1).optional(),
  /** Every field listed must match (any of its patterns; `*` is a wildcard; case-insensitive). Empty: everyone. */
  when: conditionSchema.default({}),
  /** The rule does not apply when all of these match. */
  unless: conditionSchema.optional(),
};

const groupRuleSchema = z.object({ ...ruleBase, groups: z.array(z.string().min(1)).min(1) }).strict();
/**
 * A licence rule gives SKUs directly (`licences`, one assignLicense write) or names a licensing
 * group (`licensingGroup`): a security group with licences assigned, whose members Entra licenses
 * (group-based licensing). Then the licence comes with the membership, an add that shares the
 * group's `members@odata.bind` write with other joiners, and no assignLicense write is made.
 */
const licenceRuleSchema = z
  .object({
    ...ruleBase,
    licences: z.array(z.object({ sku: z.string().min(1), disabledPlans: z.array(z.string().min(1)).default([]) }).strict()).min(1).optional(),
    /** Display name or object id of the licensing group; its licences and disabled plans are set on the group. */
    licensingGroup: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.licences && rule.licensingGroup) {
      ctx.addIssue({ code: 'custom', path: ['licensingGroup'], message: 'a licence rule names licences or a licensingGroup, not both (make two rules)' });
    } else if (!rule.licences && !rule.licensingGroup) {
      ctx.addIssue({ code: 'custom', path: ['licences'], message: 'a licence rule needs licences or a licensingGroup' });
    }
  });

export const rulesFileSchema = z
  .object({
    $schema: z.string().optional(),
    groupRules: z.array(groupRuleSchema).default([]),
    licenceRules: z.array(licenceRuleSchema).default([]),
    leaver: leaverPolicySchema.default(() => leaverPolicySchema.parse({})),
    joiner: joinerPolicySchema.default(() => joinerPolicySchema.parse({})),
    rehire: rehirePolicySchema.default(() => rehirePolicySchema.parse({})),
    protected: z
      .object({
        userPrincipalNames: z.array(z.string().min(3)).default([]),
        groups: z.array(z.string().min(1)).default([]),
        directoryRoleHolders: z.boolean().default(true),
      })
      .strict()
      .default({ userPrincipalNames: [], groups: [], directoryRoleHolders: true }),
    massLeaver: z.object({ threshold: z.number().int().min(1), windowMinutes: z.number().int().min(1) }).strict().optional(),
    /**
     * Role-assignable groups grant a directory role to their members, and changing their members
     * needs RoleManagement.ReadWrite.Directory (which can grant any role). `leave-alone`: never
     * touched, named in the step; `manage`: changed like other groups, once that permission is granted.
     */
    roleAssignableGroups: z.enum(['leave-alone', 'manage']).default('leave-alone'),
  })
  .strict()
  .superRefine((rules, ctx) => {
    // The groups step and the licence step would each undo the other's change for a mover.
    const ruleGroups = new Set(rules.groupRules.flatMap((r) => r.groups.map((g) => g.toLowerCase())));
    rules.licenceRules.forEach((rule, i) => {
      if (rule.licensingGroup && ruleGroups.has(rule.licensingGroup.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['licenceRules', i, 'licensingGroup'], message: 'this group is also named in groupRules; a licensing group is managed by its licence rules only' });
      }
    });
  });

export type RulesFile = z.infer<typeof rulesFileSchema>;

export class RulesFileError extends Error {
  constructor(file: string, problems: string[]) {
    super(`rules file ${file} is not valid: ${problems.join('; ')}`);
    this.name = 'RulesFileError';
  }
}

function toMatcher(pattern: string): (value: string) => boolean {
  const escaped = pattern.trim().toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  const regex = new RegExp(`^${escaped}$`);
  return (value) => regex.test(value.trim().toLowerCase());
}

function compileCondition(condition: Condition): (employee: Employee) => boolean {
  const checks = (Object.entries(condition) as [MatchableField, string | string[]][]).map(([field, value]) => {
    const matchers = (Array.isArray(value) ? value : [value]).map(toMatcher);
    return (employee: Employee) => {
      const actual = employee[field];
      return actual !== undefined && matchers.some((m) => m(actual));
    };
  });
  return (employee) => checks.every((check) => check(employee));
}

function compileRule(rule: { when: Condition; unless?: Condition | undefined }): (employee: Employee) => boolean {
  const when = compileCondition(rule.when);
  const unless = rule.unless ? compileCondition(rule.unless) : () => false;
  return (employee) => when(employee) && !unless(employee);
}

/** Evaluates a validated rules file; processing sees only the `AccessPolicy` port. */
export function createAccessPolicy(rules: RulesFile): AccessPolicy {
  const groupRules = rules.groupRules.map((r) => ({ applies: compileRule(r), groups: r.groups }));
  const licenceRules = rules.licenceRules.map((r) => ({ applies: compileRule(r), licences: r.licences ?? [], licensingGroup: r.licensingGroup }));
  const managedGroups: ReadonlySet<string> = new Set(rules.groupRules.flatMap((r) => r.groups));
  const managedSkus: ReadonlySet<string> = new Set(rules.licenceRules.flatMap((r) => (r.licences ?? []).map((l) => l.sku)));
  const managedLicensingGroups: ReadonlySet<string> = new Set(licenceRules.flatMap((r) => (r.licensingGroup ? [r.licensingGroup] : [])));
  return {
    desiredGroups: (employee) => [...new Set(groupRules.filter((r) => r.applies(employee)).flatMap((r) => r.groups))],
    desiredLicensingGroups: (employee) => [...new Set(licenceRules.filter((r) => r.licensingGroup && r.applies(employee)).map((r) => r.licensingGroup as string))],
    ruleManagedLicensingGroups: () => managedLicensingGroups,
    desiredLicences: (employee) => {
      const bySku = new Map<string, LicenceNeed>();
      for (const rule of licenceRules.filter((r) => r.applies(employee))) {
        for (const l of rule.licences) {
          // Two rules granting one SKU: a plan is disabled only if every granting rule disables it.
          const earlier = bySku.get(l.sku);
          const disabledPlans = earlier ? earlier.disabledPlans.filter((p) => l.disabledPlans.includes(p)) : [...l.disabledPlans];
          bySku.set(l.sku, { skuPartNumber: l.sku, disabledPlans });
        }
      }
      return [...bySku.values()];
    },
    ruleManagedGroups: () => managedGroups,
    ruleManagedSkus: () => managedSkus,
    leaver: rules.leaver,
    joiner: rules.joiner,
    rehire: rules.rehire,
    protection: rules.protected,
    ...(rules.massLeaver ? { massLeaver: rules.massLeaver } : {}),
    roleAssignableGroups: rules.roleAssignableGroups,
  };
}

export function parseRulesFile(json: unknown, file = 'rules'): RulesFile {
  const parsed = rulesFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new RulesFileError(file, parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`));
  }
  return parsed.data;
}

/** Reads the rules file (relative paths from the app's working directory, as in Azure). */
export function loadAccessPolicy(file: string): AccessPolicy {
  const resolved = path.resolve(file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolved, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read as JSON (${(error as Error).message})`;
    throw new RulesFileError(file, [reason]);
  }
  return createAccessPolicy(parseRulesFile(json, file));
}
