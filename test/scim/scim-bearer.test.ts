import crypto from 'node:crypto';
import { Secret } from '../../shared/domain/credentials';
import { checkBearer } from '../../shared/scim/bearer';

const TOKEN = new Secret('tenant-scim-token-0123456789abcdefghijkl');

describe('the SCIM bearer token check', () => {
  afterEach(() => jest.restoreAllMocks());

  it('when the tenant token is sent as "Bearer <token>" (the scheme in any case), then it passes', () => {
    expect(checkBearer(`Bearer ${TOKEN.reveal()}`, TOKEN)).toEqual({ ok: true });
    expect(checkBearer(`bearer  ${TOKEN.reveal()}`, TOKEN)).toEqual({ ok: true });
  });

  it.each([
    ['no header', 'missing', null],
    ['an empty header', 'missing', '  '],
    ['another scheme', 'malformed', `Basic ${TOKEN.reveal()}`],
    ['a token with a space in it', 'malformed', `Bearer ${TOKEN.reveal()} x`],
    ['a prefix of the token', 'mismatch', `Bearer ${TOKEN.reveal().slice(0, 10)}`],
    ['the token and more', 'mismatch', `Bearer ${TOKEN.reveal()}0`],
    ['another token of the same length', 'mismatch', `Bearer ${'x'.repeat(TOKEN.reveal().length)}`],
  ])('when %s is sent, then it is refused as %s', (_case, reason, header) => {
    expect(checkBearer(header, TOKEN)).toEqual({ ok: false, reason });
  });

  it('when any token is compared, then timingSafeEqual compares two equal-length digests, so neither the length nor the first wrong character shows in the time taken', () => {
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    for (const sent of ['a', TOKEN.reveal().slice(0, 31), `${TOKEN.reveal()}${'z'.repeat(500)}`, TOKEN.reveal()]) checkBearer(`Bearer ${sent}`, TOKEN);
    expect(compare).toHaveBeenCalledTimes(4);
    for (const [a, b] of compare.mock.calls) expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
  });
});
