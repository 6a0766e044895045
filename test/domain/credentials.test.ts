import { inspect } from 'node:util';
import { generateInitialPassword } from '../../shared/domain/credentials';

describe('initial password', () => {
  it('when generated, then it meets Entra complexity and differs every time', () => {
    const values = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const value = generateInitialPassword().reveal();
      expect(value).toHaveLength(24);
      expect(value).toMatch(/[A-Z]/);
      expect(value).toMatch(/[a-z]/);
      expect(value).toMatch(/[0-9]/);
      expect(value).toMatch(/[^A-Za-z0-9]/);
      values.add(value);
    }
    expect(values.size).toBe(50);
  });

  it('when logged, serialised or interpolated, then the value never appears', () => {
    const secret = generateInitialPassword();
    const value = secret.reveal();
    for (const rendering of [String(secret), `${secret}`, JSON.stringify({ secret }), inspect({ secret }), inspect(secret)]) {
      expect(rendering).not.toContain(value);
      expect(rendering).toContain('redacted');
    }
  });
});
