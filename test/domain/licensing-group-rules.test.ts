import { createAccessPolicy, parseRulesFile, RulesFileError } from '../../shared/rules/rules-file';

/** A licence rule that names a licensing group (group-based licensing) instead of SKUs. */
const rules = parseRulesFile({
  groupRules: [{ name: 'everyone', groups: ['SG-All-Staff'] }],
  licenceRules: [
    { name: 'staff', unless: { employeeType: 'Contractor' }, licensingGroup: 'SG-Licensing-E3' },
    { name: 'sales', when: { department: 'Sales' }, licensingGroup: 'SG-Licensing-E5' },
    { name: 'contractors', when: { employeeType: 'Contractor' }, licences: [{ sku: 'EXCHANGESTANDARD' }] },
  ],
});
const policy = createAccessPolicy(rules);

describe('licence rules with a licensing group', () => {
  it('when a worker matches licensing-group rules, then the groups are wanted as licensing groups and no SKU is to be assigned', () => {
    const seller = { employeeId: 'S1', department: 'Sales' };
    expect(policy.desiredLicensingGroups(seller)).toEqual(['SG-Licensing-E3', 'SG-Licensing-E5']);
    expect(policy.desiredLicences(seller)).toEqual([]);
    // The licensing groups are not group rules' groups: those stay what the group rules give.
    expect(policy.desiredGroups(seller)).toEqual(['SG-All-Staff']);
  });

  it('when a worker matches a SKU rule only, then that SKU is assigned and no licensing group is wanted', () => {
    const contractor = { employeeId: 'C1', employeeType: 'Contractor' };
    expect(policy.desiredLicensingGroups(contractor)).toEqual([]);
    expect(policy.desiredLicences(contractor)).toEqual([{ skuPartNumber: 'EXCHANGESTANDARD', disabledPlans: [] }]);
  });

  it('rule-managed licensing groups are every group a licence rule names, and rule-managed SKUs only the SKU rules\'', () => {
    expect([...policy.ruleManagedLicensingGroups()].sort()).toEqual(['SG-Licensing-E3', 'SG-Licensing-E5']);
    expect([...policy.ruleManagedSkus()]).toEqual(['EXCHANGESTANDARD']);
    expect([...policy.ruleManagedGroups()]).toEqual(['SG-All-Staff']);
  });

  it('when a licence rule names both licences and a licensing group, then loading fails naming the rule', () => {
    const both = { licenceRules: [{ licences: [{ sku: 'SPE_E3' }], licensingGroup: 'SG-Licensing-E3' }] };
    expect(() => parseRulesFile(both, 'rules.json')).toThrow(RulesFileError);
    expect(() => parseRulesFile(both, 'rules.json')).toThrow(/licenceRules\.0\.licensingGroup.*not both/);
  });

  it('when a licence rule names neither licences nor a licensing group, then loading fails', () => {
    expect(() => parseRulesFile({ licenceRules: [{ name: 'empty' }] }, 'rules.json')).toThrow(/licenceRules\.0\.licences.*needs licences or a licensingGroup/);
    expect(() => parseRulesFile({ licenceRules: [{ licensingGroup: '' }] }, 'rules.json')).toThrow(RulesFileError);
  });

  it('when a licensing group is also named in groupRules (in any case), then loading fails: two steps would undo each other', () => {
    const twice = { groupRules: [{ groups: ['sg-licensing-e3'] }], licenceRules: [{ licensingGroup: 'SG-Licensing-E3' }] };
    expect(() => parseRulesFile(twice, 'rules.json')).toThrow(/licenceRules\.0\.licensingGroup.*also named in groupRules/);
  });
});
