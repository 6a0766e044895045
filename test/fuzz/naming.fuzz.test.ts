import fc from 'fast-check';
import { InvalidWorkerDataError } from '../../shared/domain/errors';
import { buildDisplayName, buildMailNickname, buildUserPrincipalName } from '../../shared/domain/naming';
import { hostileText, runs } from './arbitraries';

/** What Entra accepts before the @ (letters, digits and . _ - here; no leading, trailing or doubled dot; 64 at most). */
const UPN_LOCAL_PART = /^(?!\.)(?!.*\.\.)[a-z0-9._-]{1,64}(?<!\.)$/;
const name = fc.oneof(fc.constantFrom('Ada', 'José', "O'Brien", 'Zoë', 'Nguyễn', 'ß', '李', 'Ørjan', '-', '.', "'", ''), hostileText);
const template = fc.constantFrom('{givenName}.{surname}', '{givenInitial}{surname}', '{surname}.{employeeId}', '{givenName}');

describe('naming under fuzzing', () => {
  it('when a worker has any name at all, then the UPN is one Entra accepts, or the error names the field to fix', () => {
    fc.assert(
      fc.property(name, name, fc.stringMatching(/^[A-Za-z0-9#+%&' -]{1,16}$/), template, fc.nat({ max: 30 }), (givenName, surname, employeeId, upnTemplate, attempt) => {
        try {
          const { upn } = buildUserPrincipalName({ employeeId, givenName, surname }, upnTemplate, 'contoso.com', attempt);
          const [local, domain] = upn.split('@');
          expect(domain).toBe('contoso.com');
          expect(local).toMatch(UPN_LOCAL_PART);
          expect(buildMailNickname(local as string)).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidWorkerDataError);
          expect((error as InvalidWorkerDataError).field).toMatch(/^employee(\.(givenName|surname))?$/);
        }
      }),
      runs(500),
    );
  });

  it('when two attempts differ, then their UPNs differ: a taken name is never offered again', () => {
    fc.assert(
      fc.property(fc.constantFrom('Ada', 'José', 'Nguyễn'), fc.constantFrom('Lovelace', 'Müller'), fc.nat({ max: 40 }), fc.nat({ max: 40 }), (givenName, surname, a, b) => {
        fc.pre(a !== b);
        const build = (attempt: number) => buildUserPrincipalName({ employeeId: 'E1', givenName, surname }, '{givenName}.{surname}', 'contoso.com', attempt).upn;
        expect(build(a)).not.toBe(build(b));
      }),
      runs(200),
    );
  });

  it('when a display name is built, then it is never empty', () => {
    fc.assert(
      fc.property(fc.option(name, { nil: undefined }), fc.option(name, { nil: undefined }), (givenName, surname) => {
        const built = buildDisplayName({ employeeId: 'E1', ...(givenName ? { givenName } : {}), ...(surname ? { surname } : {}) });
        expect(built.length).toBeGreaterThan(0);
      }),
      runs(200),
    );
  });
});
