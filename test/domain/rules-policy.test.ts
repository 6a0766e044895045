import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAccessPolicy, loadAccessPolicy, parseRulesFile, RulesFileError } from '../../shared/rules/rules-file';

const rules = parseRulesFile({
  groupRules: [
    { name: 'everyone', groups: ['SG-All-Staff'] },
    { when: { department: 'Sales' }, groups: ['SG-Sales'] },
    { when: { department: ['Engineering', 'R&D'], jobTitle: '*engineer*' }, groups: ['SG-Engineering'] },
    { when: { employeeType: 'Contractor' }, groups: ['SG-Contractors', 'SG-All-Staff'] },
  ],
  licenceRules: [
    { unless: { employeeType: 'Contractor' }, licences: [{ sku: 'SPE_E3', disabledPlans: ['YAMMER', 'SWAY'] }] },
    { when: { department: 'Sales' }, licences: [{ sku: 'SPE_E3', disabledPlans: ['SWAY'] }] },
  ],
});
const policy = createAccessPolicy(rules);

describe('access rules', () => {
  it('when an engineer joins, then everyone-groups and department groups apply, case-insensitively and with wildcards', () => {
    expect(policy.desiredGroups({ employeeId: 'E1', department: 'engineering', jobTitle: 'Senior Engineer II' })).toEqual(['SG-All-Staff', 'SG-Engineering']);
  });

  it('when a field a rule needs is missing, then that rule does not apply', () => {
    expect(policy.desiredGroups({ employeeId: 'E1', department: 'Engineering' })).toEqual(['SG-All-Staff']);
  });

  it('when a contractor joins, then the unless clause withholds the staff licence and groups are not duplicated', () => {
    const contractor = { employeeId: 'C1', employeeType: 'Contractor' };
    expect(policy.desiredLicences(contractor)).toEqual([]);
    expect(policy.desiredGroups(contractor)).toEqual(['SG-All-Staff', 'SG-Contractors']);
  });

  it('when two rules grant one SKU, then a plan stays disabled only if both disable it', () => {
    expect(policy.desiredLicences({ employeeId: 'S1', department: 'Sales' })).toEqual([{ skuPartNumber: 'SPE_E3', disabledPlans: ['SWAY'] }]);
  });

  it('rule-managed groups and SKUs are everything any rule can grant, so movers never lose manual memberships', () => {
    expect([...policy.ruleManagedGroups()].sort()).toEqual(['SG-All-Staff', 'SG-Contractors', 'SG-Engineering', 'SG-Sales']);
    expect([...policy.ruleManagedSkus()]).toEqual(['SPE_E3']);
  });

  it('when the file omits leaver and protection settings, then safe defaults apply', () => {
    // Every offboarding option beyond the first four is off unless set.
    expect(policy.leaver).toEqual({ removeGroups: 'rule-based', licenceGraceDays: 0, deleteAfterDays: null, revokeSessions: true, authenticationMethods: 'keep', directReports: 'keep', customSteps: [], needsApproval: [] });
    expect(policy.joiner).toEqual({ customSteps: [] });
    expect(policy.protection.directoryRoleHolders).toBe(true);
  });

  it('when a rule has an unknown field, then loading fails naming the rule and the field', () => {
    expect(() => parseRulesFile({ groupRules: [{ when: { departmnet: 'Sales' }, groups: ['SG-Sales'] }] }, 'rules.json')).toThrow(RulesFileError);
    expect(() => parseRulesFile({ groupRules: [{ groups: [] }] }, 'rules.json')).toThrow(/groupRules\.0\.groups/);
  });

  it('when the file is missing or not JSON, then the error says which', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rules-'));
    expect(() => loadAccessPolicy(path.join(dir, 'none.json'))).toThrow(/does not exist/);
    writeFileSync(path.join(dir, 'bad.json'), '{ nope');
    expect(() => loadAccessPolicy(path.join(dir, 'bad.json'))).toThrow(/cannot be read as JSON/);
  });

  it('the shipped config/rules.json is valid', () => {
    const shipped = loadAccessPolicy(path.join(__dirname, '..', '..', 'config', 'rules.json'));
    expect(shipped.protection.userPrincipalNames).toContain('breakglass@contoso.com');
    expect(shipped.desiredGroups({ employeeId: 'E1', department: 'Sales' })).toEqual(['SG-All-Staff', 'SG-Sales']);
  });
});
