import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphSeed } from './types';

type SeedUser = NonNullable<GraphSeed['users']>[number];

const DAY = 86_400_000;
export const GENERATED_SKUS = { SPE_E3: '05e9a617-0261-4cee-bb44-138d3ef5d965', SPE_E5: '06ebc4ee-1bb5-47dd-8120-11324bc54e06' } as const;
const DEPARTMENTS = ['Sales', 'Engineering', 'Finance', 'Support'] as const;
const DEPARTMENT_GROUP: Record<string, string | undefined> = { Sales: 'SG-Sales', Engineering: 'SG-Engineering' };

/**
 * The mix of generated worker `i` (0-based), fixed so a benchmark or test can know what an audit
 * should find: ~2% unlicensed, ~1% E3+E5, ~2.4% disabled, ~1.5% past their leave date, ~7.7%
 * without a sign-in for 400 days, ~1% missing from SG-All-Staff, ~1% in SG-Contractors by hand.
 */
export const GENERATED_MIX = {
  unlicensed: (i: number) => i % 50 === 0,
  overlapping: (i: number) => i % 97 === 0,
  disabled: (i: number) => i % 41 === 0,
  pastLeaveDate: (i: number) => i % 67 === 0,
  dormant: (i: number) => i % 13 === 0,
  missingAllStaff: (i: number) => i % 101 === 0,
  extraContractors: (i: number) => i % 103 === 0,
  department: (i: number) => DEPARTMENTS[i % DEPARTMENTS.length]!,
};

export interface GeneratedUsersOptions {
  /** The tenant to add to (default: seed.sample.json): its groups get the members, its E3/E5 enough units. */
  base?: GraphSeed;
  now?: Date;
  domain?: string;
}

/**
 * A seed with `count` more workers (`worker<i>@contoso.com`, employeeId `G<i>`), in the groups
 * config/rules.json gives them, with the waste and drift of {@link GENERATED_MIX}. For the
 * licence audit's benchmark and scale tests; building 100,000 takes well under a second.
 */
export function generateUsers(count: number, options: GeneratedUsersOptions = {}): GraphSeed {
  const base = structuredClone(options.base ?? (JSON.parse(readFileSync(path.join(__dirname, 'seed.sample.json'), 'utf8')) as GraphSeed));
  const now = (options.now ?? new Date()).getTime();
  const domain = options.domain ?? 'contoso.com';
  const groups = new Map((base.groups ?? []).map((g) => [g.displayName, g]));
  const join = (name: string | undefined, id: string) => {
    const group = name ? groups.get(name) : undefined;
    if (group) (group.memberIds ??= []).push(id);
  };
  const users: SeedUser[] = [];
  for (let i = 0; i < count; i++) {
    const id = `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`;
    const skus = GENERATED_MIX.unlicensed(i) ? [] : GENERATED_MIX.overlapping(i) ? [GENERATED_SKUS.SPE_E3, GENERATED_SKUS.SPE_E5] : [GENERATED_SKUS.SPE_E3];
    const lastSignIn = new Date(now - (GENERATED_MIX.dormant(i) ? 400 : 1) * DAY).toISOString();
    const department = GENERATED_MIX.department(i);
    users.push({
      id,
      userPrincipalName: `worker${i}@${domain}`,
      displayName: `Worker ${i}`,
      accountEnabled: !GENERATED_MIX.disabled(i),
      employeeId: `G${i}`,
      department,
      country: 'GB',
      usageLocation: 'GB',
      createdDateTime: new Date(now - 1000 * DAY).toISOString(),
      ...(GENERATED_MIX.pastLeaveDate(i) ? { employeeLeaveDateTime: new Date(now - 30 * DAY).toISOString() } : {}),
      signInActivity: { lastSignInDateTime: lastSignIn, lastSuccessfulSignInDateTime: lastSignIn },
      assignedLicenses: skus.map((skuId) => ({ skuId, disabledPlans: [] })),
    });
    if (!GENERATED_MIX.missingAllStaff(i)) join('SG-All-Staff', id);
    join(DEPARTMENT_GROUP[department], id);
    if (GENERATED_MIX.extraContractors(i)) join('SG-Contractors', id);
  }
  // Enough units for everyone; consumedUnits then counts the seeded assignments.
  const subscribedSkus = (base.subscribedSkus ?? []).map((sku) => {
    if (sku.skuId !== GENERATED_SKUS.SPE_E3 && sku.skuId !== GENERATED_SKUS.SPE_E5) return sku;
    const { consumedUnits: _declared, ...rest } = sku;
    return { ...rest, enabled: sku.enabled + count };
  });
  return { ...base, subscribedSkus, groups: [...groups.values()], users: [...(base.users ?? []), ...users] };
}
