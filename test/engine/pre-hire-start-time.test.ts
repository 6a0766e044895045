import { ConfigurationError, parseSettings } from '../../shared/config/settings';
import { hireStart, type HireTimeSettings } from '../../shared/processing/pre-hire/start-time';

const base = { HR_WEBHOOK_SECRET: 'x'.repeat(32), LIFECYCLE_RUNTIME: 'local' };
const zone = (TENANT_TIME_ZONE: string, HIRE_START_HOUR = 0, PRE_HIRE_DAYS = 7): HireTimeSettings => ({ TENANT_TIME_ZONE, HIRE_START_HOUR, PRE_HIRE_DAYS });
const joiner = (employee: { hireDate?: string }, effectiveAt?: string) => ({ employee: { employeeId: 'E1', ...employee }, ...(effectiveAt ? { effectiveAt } : {}) });
const iso = (d: Date | undefined) => d?.toISOString();

describe('when a future-dated hire starts', () => {
  it('when the tenant keeps UTC, then a hire date starts at midnight UTC and the account is made seven days before', () => {
    const start = hireStart(joiner({ hireDate: '2027-02-15' }), zone('UTC'));
    expect({ start: iso(start?.startAt), preHire: iso(start?.preHireAt), local: start?.local }).toEqual({
      start: '2027-02-15T00:00:00.000Z',
      preHire: '2027-02-08T00:00:00.000Z',
      local: '2027-02-15 00:00 UTC',
    });
  });

  it('when the tenant is in Auckland and starts at 09:00, then the start is 09:00 there (20:00 UTC the day before, in summer time)', () => {
    const start = hireStart(joiner({ hireDate: '2027-01-20' }), zone('Pacific/Auckland', 9));
    expect(iso(start?.startAt)).toBe('2027-01-19T20:00:00.000Z');
    expect(start?.local).toBe('2027-01-20 09:00 Pacific/Auckland');
  });

  it('when the tenant is in Los Angeles, then the day begins at 08:00 UTC, not at UTC midnight', () => {
    expect(iso(hireStart(joiner({ hireDate: '2027-01-20' }), zone('America/Los_Angeles'))?.startAt)).toBe('2027-01-20T08:00:00.000Z');
  });

  it('when the hire date comes with a time and offset (as Entra stores employeeHireDate), then it is the day as written, not the day before in a zone west of it', () => {
    const start = hireStart(joiner({ hireDate: '2027-01-20T00:00:00Z' }), zone('America/Los_Angeles'));
    expect(start?.local).toBe('2027-01-20 00:00 America/Los_Angeles');
  });

  it('when PRE_HIRE_DAYS spans a daylight-saving change, then they are calendar days in the zone: the account is made at the same local hour', () => {
    // London moves to summer time on 2027-03-28: the start is 23:00 UTC the day before, the pre-hire 00:00 UTC.
    const start = hireStart(joiner({ hireDate: '2027-03-30' }), zone('Europe/London'));
    expect({ start: iso(start?.startAt), preHire: iso(start?.preHireAt) }).toEqual({ start: '2027-03-29T23:00:00.000Z', preHire: '2027-03-23T00:00:00.000Z' });
  });

  it('when the start hour does not exist that day (the clocks go forward through it), then the hire starts at the first hour that does', () => {
    const start = hireStart(joiner({ hireDate: '2027-03-28' }), zone('Europe/London', 1));
    expect(iso(start?.startAt)).toBe('2027-03-28T01:00:00.000Z');
    expect(start?.local).toBe('2027-03-28 02:00 Europe/London');
  });

  it('when the joiner has an effectiveAt, then it starts at that instant, whatever its hire date says', () => {
    const start = hireStart(joiner({ hireDate: '2027-01-20' }, '2027-01-20T07:30:00Z'), zone('Europe/Berlin', 9, 3));
    expect({ start: iso(start?.startAt), preHire: iso(start?.preHireAt) }).toEqual({ start: '2027-01-20T07:30:00.000Z', preHire: '2027-01-17T07:30:00.000Z' });
  });

  it('when the joiner names no start, then there is none (it starts now)', () => {
    expect(hireStart(joiner({}), zone('UTC'))).toBeUndefined();
  });
});

describe('pre-hire settings', () => {
  it('when nothing is set, then PRE_HIRE_DAYS is 7, TENANT_TIME_ZONE UTC and HIRE_START_HOUR 0', () => {
    const settings = parseSettings(base);
    expect({ days: settings.PRE_HIRE_DAYS, zone: settings.TENANT_TIME_ZONE, hour: settings.HIRE_START_HOUR }).toEqual({ days: 7, zone: 'UTC', hour: 0 });
  });

  it('when the time zone is not an IANA zone (an unknown name, or an offset with no daylight saving), then the settings are refused naming the setting, not the value', () => {
    for (const value of ['Mars/Olympus', '+01:00']) {
      let problems: readonly string[] = [];
      try {
        parseSettings({ ...base, TENANT_TIME_ZONE: value });
      } catch (error) {
        problems = error instanceof ConfigurationError ? error.problems : [];
      }
      expect(problems).toEqual(['TENANT_TIME_ZONE: must be an IANA time zone name such as Europe/Berlin or UTC']);
    }
  });

  it('when PRE_HIRE_DAYS or HIRE_START_HOUR are out of range, then the settings are refused naming each', () => {
    let problems: readonly string[] = [];
    try {
      parseSettings({ ...base, PRE_HIRE_DAYS: '181', HIRE_START_HOUR: '24' });
    } catch (error) {
      problems = error instanceof ConfigurationError ? error.problems : [];
    }
    expect(problems.map((p) => p.split(':')[0])).toEqual(['PRE_HIRE_DAYS', 'HIRE_START_HOUR']);
  });
});
