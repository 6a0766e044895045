import { RE2JS } from 're2js';
import { MappingEvaluationError } from './values';

/**
 * Replace's regular expressions run on RE2JS, a pure-JavaScript port of RE2: matching takes time
 * linear in the input for any pattern, so a mapping's `(a+)+$` cannot be made to backtrack for
 * minutes by an HR record (node's RegExp can). RE2 has no backreferences or lookaround; a pattern
 * using them is refused when the mapping is loaded. The native `re2` package would need a compiler
 * or a download at install; RE2JS needs neither and runs wherever the bundle does.
 */

/** Longest source value a regex is applied to; HR values are far shorter (Entra's longest is 256). */
export const MAX_REGEX_INPUT = 4_096;

export interface CompiledRegex {
  pattern: string;
  re: RE2JS;
}

/** Compiles a pattern or says why RE2 refuses it (the reason names the construct, not a value). */
export function compileRegex(pattern: string): CompiledRegex {
  try {
    return { pattern, re: RE2JS.compile(pattern) };
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : 'cannot be compiled';
    throw new MappingEvaluationError(`the regex pattern is not one RE2 accepts (${reason}); backreferences and lookaround are not supported`);
  }
}

export function groupNames(regex: CompiledRegex): string[] {
  return Object.keys(regex.re.namedGroups());
}

function checkInput(input: string): void {
  if (input.length > MAX_REGEX_INPUT) throw new MappingEvaluationError(`is longer than ${MAX_REGEX_INPUT} characters for a regex`);
}

interface Match {
  start: number;
  end: number;
  group: (ref: string | number) => string | undefined;
  span: (name: string) => [number, number] | undefined;
}

function* matches(regex: CompiledRegex, input: string): Generator<Match> {
  checkInput(input);
  const m = regex.re.matcher(input);
  while (m.find()) {
    const start = m.start();
    const end = m.end();
    yield {
      start,
      end,
      group: (ref) => m.group(ref as never) ?? undefined,
      span: (name) => {
        const s = m.start(name as never);
        return s < 0 ? undefined : [s, m.end(name as never)];
      },
    };
  }
}

/** .NET substitutions: `$1`, `${name}`, `$&` (the match) and `$$` (a dollar sign). */
function expand(replacement: string, match: Match): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i] as string;
    if (ch !== '$' || i === replacement.length - 1) {
      out += ch;
      continue;
    }
    const next = replacement[i + 1] as string;
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '&') {
      out += match.group(0) ?? '';
      i++;
    } else if (next === '{') {
      const close = replacement.indexOf('}', i + 2);
      if (close === -1) {
        out += ch;
        continue;
      }
      out += match.group(replacement.slice(i + 2, close)) ?? '';
      i = close;
    } else if (/[0-9]/.test(next)) {
      let j = i + 1;
      while (j < replacement.length && /[0-9]/.test(replacement[j] as string)) j++;
      out += match.group(Number(replacement.slice(i + 1, j))) ?? '';
      i = j - 1;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Every match replaced by the expanded replacement. */
export function replaceMatches(regex: CompiledRegex, input: string, replacement: string): string {
  let out = '';
  let last = 0;
  for (const match of matches(regex, input)) {
    out += input.slice(last, match.start) + expand(replacement, match);
    last = match.end;
  }
  return out + input.slice(last);
}

/** In every match, only the named group's text replaced (Entra's regexGroupName with replacementValue). */
export function replaceGroup(regex: CompiledRegex, input: string, group: string, replacement: string): string {
  let out = '';
  let last = 0;
  for (const match of matches(regex, input)) {
    const span = match.span(group);
    if (!span) continue;
    out += input.slice(last, span[0]) + replacement;
    last = span[1];
  }
  return out + input.slice(last);
}

/** The named group's text in the first match, or undefined (Entra's replacementAttributeName). */
export function extractGroup(regex: CompiledRegex, input: string, group: string): string | undefined {
  for (const match of matches(regex, input)) {
    const text = match.group(group);
    if (text !== undefined) return text;
  }
  return undefined;
}
