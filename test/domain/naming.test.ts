import { InvalidWorkerDataError } from '../../shared/domain/errors';
import { buildDisplayName, buildMailNickname, buildUserPrincipalName } from '../../shared/domain/naming';

const template = '{givenName}.{surname}';

describe('UPN naming', () => {
  it.each([
    ['José', 'Müller', 'jose.muller@contoso.com'],
    ['Seán', "O'Brien", 'sean.obrien@contoso.com'],
    ['Søren', 'Kierkegaard', 'soren.kierkegaard@contoso.com'],
    ['Mary Jane', 'van der Berg', 'mary-jane.van-der-berg@contoso.com'],
    ['Ada', 'Lovelace', 'ada.lovelace@contoso.com'],
  ])('when the worker is %s %s, then the UPN is %s', (givenName, surname, expected) => {
    expect(buildUserPrincipalName({ employeeId: 'E1', givenName, surname }, template, 'contoso.com').upn).toBe(expected);
  });

  it('when the plain name is taken, then later attempts add 2, 3… and say why', () => {
    const employee = { employeeId: 'E1', givenName: 'Ada', surname: 'Lovelace' };
    const second = buildUserPrincipalName(employee, template, 'contoso.com', 1);
    expect(second.upn).toBe('ada.lovelace2@contoso.com');
    expect(second.notes.join(' ')).toContain('ada.lovelace@contoso.com was taken');
    expect(buildUserPrincipalName(employee, template, 'contoso.com', 2).upn).toBe('ada.lovelace3@contoso.com');
  });

  it('when a name had to be transliterated, then the choice carries a note for the ledger', () => {
    expect(buildUserPrincipalName({ employeeId: 'E1', givenName: 'José', surname: 'Müller' }, template, 'contoso.com').notes).toEqual([
      'name transliterated to ASCII for the UPN',
    ]);
    expect(buildUserPrincipalName({ employeeId: 'E1', givenName: 'Ada', surname: 'Lovelace' }, template, 'contoso.com').notes).toEqual([]);
    expect(buildUserPrincipalName({ employeeId: 'E1', givenName: 'Ada', surname: 'Lovelace3' }, template, 'contoso.com').notes).toEqual([]);
  });

  it('when the surname has no usable letters, then a data error names the field', () => {
    expect(() => buildUserPrincipalName({ employeeId: 'E1', givenName: 'Ada', surname: '——' }, template, 'contoso.com')).toThrow(InvalidWorkerDataError);
    expect(() => buildUserPrincipalName({ employeeId: 'E1', givenName: 'Ada' }, template, 'contoso.com')).toThrow(/employee\.surname/);
  });

  it('when the name is very long, then the local part stays within 64 characters including the suffix', () => {
    const long = buildUserPrincipalName({ employeeId: 'E1', givenName: 'a'.repeat(60), surname: 'b'.repeat(60) }, template, 'contoso.com', 4);
    const local = long.upn.split('@')[0] as string;
    expect(local.length).toBeLessThanOrEqual(64);
    expect(local.endsWith('5')).toBe(true);
  });

  it('when a template uses the initial and employee id, then both are filled', () => {
    expect(buildUserPrincipalName({ employeeId: 'W-77', givenName: 'Grace', surname: 'Hopper' }, '{givenInitial}{surname}.{employeeId}', 'contoso.com').upn).toBe(
      'ghopper.w-77@contoso.com',
    );
  });

  it('display name prefers HR, then given + surname, then the employee id; the alias drops characters Exchange refuses', () => {
    expect(buildDisplayName({ employeeId: 'E1', displayName: 'Dr Ada Lovelace', givenName: 'Ada' })).toBe('Dr Ada Lovelace');
    expect(buildDisplayName({ employeeId: 'E1', givenName: 'Ada', surname: 'Lovelace' })).toBe('Ada Lovelace');
    expect(buildDisplayName({ employeeId: 'E1' })).toBe('E1');
    expect(buildMailNickname('ada.lovelace+x')).toBe('ada.lovelacex');
  });
});
