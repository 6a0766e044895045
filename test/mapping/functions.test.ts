import { run, runText } from './support';

/**
 * Each function of Entra's expression language, as "Reference for writing expressions for
 * attribute mappings in Microsoft Entra ID" describes it
 * (https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data).
 * Rows marked "doc" are the page's own examples, input and output as it gives them.
 */
type Row = [expression: string, input: Record<string, unknown>, output: unknown, note?: string];

const table: Record<string, Row[]> = {
  Append: [['Append([userPrincipalName], ".test")', { userPrincipalName: 'John.Doe@contoso.com' }, 'John.Doe@contoso.com.test', 'doc']],
  Coalesce: [
    ['Coalesce([mail],[userPrincipalName])', { userPrincipalName: 'John.Doe@contoso.com' }, 'John.Doe@contoso.com', 'doc'],
    ['Coalesce([a], [b], "fallback")', {}, 'fallback'],
    ['Coalesce([a], [b])', { a: '', b: 'B' }, 'B', 'a blank export cell is passed over'],
  ],
  Join: [
    ['Join(", ", "", [surname], [givenName])', { givenName: 'John', surname: 'Doe' }, 'Doe, John', 'doc'],
    ['Join(".", [givenName], [middle], [surname])', { givenName: 'Ada', surname: 'Lovelace' }, 'Ada.Lovelace'],
    ['Join("|", Split([roles], ","))', { roles: 'a, b,c' }, 'a|b|c'],
  ],
  Switch: [
    ['Switch([state], "Australia/Sydney", "NSW", "Australia/Sydney","QLD", "Australia/Brisbane", "SA", "Australia/Adelaide")', { state: 'QLD' }, 'Australia/Brisbane', 'doc'],
    ['Switch([statusFlag], "Default Value", "true", "1", "", "0")', { statusFlag: '' }, '0', 'doc: an empty source matches the "" key'],
    ['Switch([state], "Other", "NSW", "Sydney")', { state: 'nsw' }, 'Other', 'keys compare case-sensitively'],
  ],
  IIF: [
    ['IIF([country]="USA",[country],[department])', { country: 'USA', department: 'Sales' }, 'USA', 'doc'],
    ['IIF([country]="USA",[country],[department])', { country: 'FR', department: 'Sales' }, 'Sales', 'doc'],
    ['IIF([country]="USA",IIF([state]="CA","True","False"),"False")', { country: 'USA', state: 'CA' }, 'True', 'doc: AND by nesting'],
    ['IIF([n] > 5, "big", "small")', { n: 7 }, 'big'],
    ['IIF([country]="USA", "yes", "no")', {}, 'no', 'doc: a condition on an absent value fails'],
  ],
  Replace: [
    ['Replace([BusinessTitle],"Product Developer", , , "Software Engineer", , )', { BusinessTitle: 'Product Developer' }, 'Software Engineer', 'doc, example 1'],
    ['Replace([UserID],"<username>", , , , , "<username>@contoso.com")', { UserID: 'jsmith' }, 'jsmith@contoso.com', 'doc, example 2'],
    ['Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", , "${phoneNumber}", , )', { telephoneNumber: '+91 9998887777' }, '9998887777', 'doc, example 3'],
    ['Replace([AddressLineData], ,"(?<streetNumber>^\\\\d*)","streetNumber", "888", , )', { AddressLineData: '545 Tremont Street' }, '888 Tremont Street', 'doc, example 4'],
    ['Replace([userPrincipalName], , "(?<Suffix>@(.)*)", "Suffix", "", , )', { userPrincipalName: 'jsmith@contoso.com' }, 'jsmith', 'doc, example 4'],
    ['Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", "phoneNumber" , , [mobile], )', { telephoneNumber: '', mobile: '+91 8887779999' }, '8887779999', 'doc, example 5'],
    ['Replace([mailNickname], , "[a-zA-Z_]*", , "", , )', { mailNickname: 'john_doe72' }, '72', 'doc, example 6'],
    ['Replace([mail], "@contoso.com", , ,"", ,)', { mail: 'john.doe@contoso.com' }, 'john.doe', 'doc: strip a known domain'],
  ],
  NormalizeDiacritics: [
    ['NormalizeDiacritics([givenName])', { givenName: 'Zoë' }, 'Zoe', 'doc'],
    ['NormalizeDiacritics([n])', { n: 'Ærøskøbing Straße Łódź' }, 'AEroeskoebing Strasse Lodz', 'doc table: æ→ae, ø→oe, ß→ss, ł→l'],
  ],
  StripSpaces: [['StripSpaces([n])', { n: 'Mary Ann  Smith' }, 'MaryAnnSmith']],
  ToLower: [['ToLower(Join("@", NormalizeDiacritics(StripSpaces(Join(".",  [PreferredFirstName], [PreferredLastName]))), "contoso.com"))', { PreferredFirstName: 'John', PreferredLastName: 'Smith' }, 'john.smith@contoso.com', 'doc']],
  ToUpper: [
    ['ToUpper([c])', { c: 'gb' }, 'GB'],
    ['ToUpper([c], "tr-TR")', { c: 'istanbul' }, 'İSTANBUL', 'culture rules'],
  ],
  Left: [
    ['Left("John Doe", 3)', {}, 'Joh', 'doc'],
    ['Left([x], 3)', {}, '', 'doc: a null string gives an empty one'],
    ['Left("John", -1)', {}, 'John', 'doc: fewer than 0 gives the whole string'],
  ],
  Mid: [
    ['Append(Mid([givenName], 1, 3), Mid([surname], 1, 5))', { givenName: 'John', surname: 'Doe' }, 'JohDoe', 'doc: alias from parts of the names'],
    ['Mid([s], 3, 100)', { s: 'abcdef' }, 'cdef', 'doc: a length past the end stops at the end'],
  ],
  Split: [['Split([extensionAttribute5], ",")', { extensionAttribute5: 'PermissionSetOne, PermissionSetTwo' }, ['PermissionSetOne', 'PermissionSetTwo'], 'doc']],
  Item: [
    ['Item(Split([s], ","), 2)', { s: 'a,b,c' }, 'b', 'the first item is 1'],
    ['Item(Split([s], ","), 5)', { s: 'a,b' }, undefined],
  ],
  Word: [
    ['Word("The quick brown fox",3," ")', {}, 'brown', 'doc'],
    ['Word("This,string!has&many separators",3,",!&#")', {}, 'has', 'doc'],
  ],
  InStr: [
    ['InStr("The quick brown fox","quick")', {}, 5, 'doc'],
    ['InStr("repEated","e",3)', {}, 7, 'doc'],
  ],
  PCase: [
    ['PCase([firstName])', { firstName: 'PABLO GONSALVES (SECOND)' }, 'Pablo Gonsalves (Second)', 'doc'],
    ['PCase([lastName]," \'-")', { lastName: "PINTO-DE'SILVA" }, "Pinto-De'Silva", 'doc'],
  ],
  IsNullOrEmpty: [
    ['IsNullOrEmpty([displayName])', { displayName: '' }, true, 'doc'],
    ['IsNullOrEmpty([displayName])', {}, true, 'doc'],
  ],
  IsPresent: [['Switch(IsPresent([directManager]), [skip], "True", [directManager])', { directManager: 'M1', skip: 'S' }, 'M1', 'doc (shape)']],
  IsNull: [['IsNull([displayName])', {}, true, 'doc']],
  IsString: [
    ['IsString([statusFlag])', { statusFlag: 'active' }, true, 'doc: can be evaluated to a string'],
    ['IsString([statusFlag])', {}, false, 'an attribute the record lacks'],
    ['IsString(Split([s], ","))', { s: 'a,b' }, false, 'a list is not a string'],
  ],
  Not: [['Not("True")', {}, false]],
  CStr: [['CStr([n])', { n: 42 }, '42']],
  CBool: [['CBool([a] = [b])', { a: 'x', b: 'x' }, true, 'doc']],
  IgnoreFlowIfNullOrEmpty: [['IgnoreFlowIfNullOrEmpty(Switch([prefix], "", "3443", "Dr.", "3444", "Prof."))', { prefix: '9999' }, undefined, 'doc: no match drops the attribute']],
  CDate: [
    ['CDate([StatusHireDate])', { StatusHireDate: '2020-03-16-07:00' }, '3/16/2020 7:00:00 AM', 'doc, example 1 (as text)'],
    ['CDate("2021-06-30+08:00")', {}, '6/29/2021 4:00:00 PM', 'doc, example 2'],
    ['CDate("2009-06-15T01:45:30-07:00")', {}, '6/15/2009 8:45:30 AM', 'doc, example 3'],
  ],
  DateAdd: [
    ['DateAdd("d", 7, CDate([StatusHireDate]))', { StatusHireDate: '2012-03-16-07:00' }, '3/23/2012 7:00:00 AM', 'doc'],
    ['DateAdd("d", -10, CDate([StatusHireDate]))', { StatusHireDate: '2012-03-16-07:00' }, '3/6/2012 7:00:00 AM', 'doc'],
    ['DateAdd("ww", 2, CDate([StatusHireDate]))', { StatusHireDate: '2012-03-16-07:00' }, '3/30/2012 7:00:00 AM', 'doc'],
    ['DateAdd("m", 10, CDate([StatusHireDate]))', { StatusHireDate: '2012-03-16-07:00' }, '1/16/2013 7:00:00 AM', 'doc'],
    ['DateAdd("yyyy", 2, CDate([StatusHireDate]))', { StatusHireDate: '2012-03-16-07:00' }, '3/16/2014 7:00:00 AM', 'doc'],
  ],
  DateDiff: [['DateDiff("d", CDate("2021-08-18+08:00"), CDate("2021-08-31+08:00"))', {}, 13, 'doc']],
  FormatDateTime: [
    ['FormatDateTime([extensionAttribute1], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")', { extensionAttribute1: '20150123105347.1Z' }, '2015-01-23', 'doc'],
    ['FormatDateTime([d], , "dd/MM/yyyy", "yyyy-MM-dd")', { d: '20/01/2020' }, '2020-01-20'],
    ['FormatDateTime([ContractEndDate], ,"yyyy-MM-ddzzz", "yyyy-MM-dd")', { ContractEndDate: '2020-12-31-08:00' }, '2020-12-31', 'doc (NumFromDate example): the offset is kept'],
  ],
  SelectUniqueValue: [
    [
      'SelectUniqueValue(Join("@", NormalizeDiacritics(StripSpaces(Join(".",  [PreferredFirstName], [PreferredLastName]))), "contoso.com"), Join("@", NormalizeDiacritics(StripSpaces(Join(".",  Mid([PreferredFirstName], 1, 1), [PreferredLastName]))), "contoso.com"), Join("@", NormalizeDiacritics(StripSpaces(Join(".",  Mid([PreferredFirstName], 1, 2), [PreferredLastName]))), "contoso.com"))',
      { PreferredFirstName: 'John', PreferredLastName: 'Smith' },
      ['John.Smith@contoso.com', 'J.Smith@contoso.com', 'Jo.Smith@contoso.com'],
      'doc: the candidates, tried in order when the account is created',
    ],
  ],
  Count: [['Count(Split([s], ","))', { s: 'a,b,c' }, 3]],
  RemoveDuplicates: [['RemoveDuplicates(Split([s], ","))', { s: 'a,b,a' }, ['a', 'b']]],
  Now: [['Now()', {}, '11/20/2026 10:00:00 AM', 'fixed for the whole request']],
  TenantUpn: [
    ['TenantUpn([userName])', { userName: 'ada@Contoso.com' }, 'ada@Contoso.com', "ours: a UPN in the tenant's domain"],
    ['TenantUpn([userName])', { userName: 'bjensen@example.com' }, undefined, 'ours: another domain is not a UPN here'],
  ],
};

describe('expression functions (Entra attribute-mapping reference)', () => {
  for (const [name, rows] of Object.entries(table)) {
    describe(name, () => {
      it.each(rows)('when %s is evaluated over %j, then it gives %j', (expression, input, output) => {
        const value = run(expression, input);
        const shown = value !== null && typeof value === 'object' && !Array.isArray(value) ? runText(expression, input) : value;
        expect(shown).toEqual(output);
      });
    });
  }

  it('when an attribute was sent as null, then a one-source function passes the null on (it clears), and Join treats it as nothing', () => {
    expect(run('ToUpper([c])', { c: null })).toBeNull();
    expect(run('[c]', { c: null })).toBeNull();
    expect(run('Join(" ", [a], [b])', { a: null, b: 'x' })).toBe('x');
    expect(run('ToUpper([c])', {})).toBeUndefined();
  });
});
