import { usageLocationFor } from '../../shared/domain/usage-location';

describe('usage location from HR data', () => {
  it('when HR sends an ISO code, then it is used as is', () => {
    expect(usageLocationFor({ country: 'DE' })).toEqual({ ok: true, code: 'DE' });
  });

  it('when HR sends UK, then GB is recorded with the correction', () => {
    const result = usageLocationFor({ country: 'UK' });
    expect(result).toMatchObject({ ok: true, code: 'GB', corrected: { from: 'UK' } });
  });

  it.each([
    ['United Kingdom', 'GB'],
    ['Germany', 'DE'],
    ['united states of america', 'US'],
    ['Côte d’Ivoire', 'CI'],
    ['nl', 'NL'],
  ])('when HR sends %s, then the code is %s', (value, code) => {
    expect(usageLocationFor({ country: value })).toMatchObject({ ok: true, code });
  });

  it('when an explicit usageLocation and a country are both given, then usageLocation wins', () => {
    expect(usageLocationFor({ usageLocation: 'IE', country: 'GB' })).toEqual({ ok: true, code: 'IE' });
  });

  it('when the value is not a country, then it is refused without echoing the value', () => {
    const result = usageLocationFor({ country: 'Atlantis' });
    expect(result).toMatchObject({ ok: false });
    expect(JSON.stringify(result)).not.toContain('Atlantis');
    expect(usageLocationFor({ country: 'EU' })).toMatchObject({ ok: false });
  });

  it('when neither is given, then there is nothing to record', () => {
    expect(usageLocationFor({})).toBeUndefined();
  });
});
