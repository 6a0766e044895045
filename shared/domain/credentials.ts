import { randomInt } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * A value that must never reach a log, telemetry, an error or a dead-letter description.
 * Only `reveal()` gives the value; every way a logger or serialiser reads an object is redacted.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
const SYMBOLS = '!@#$%^&*-_=+?';
const ALL = UPPER + LOWER + DIGITS + SYMBOLS;

/**
 * A random 24-character password meeting Entra's complexity rules (all four character classes),
 * drawn with a CSPRNG. Nobody is told it: the worker signs in with a Temporary Access Pass or
 * self-service reset.
 */
export function generateInitialPassword(length = 24): Secret {
  const pick = (set: string) => set.charAt(randomInt(set.length));
  const chars = [pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < length) chars.push(pick(ALL));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return new Secret(chars.join(''));
}
