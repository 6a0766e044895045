import { DateTime } from 'luxon';
import type { ExpressionNode } from './ast';
import { isInterval, luxonFormat } from './dates';
import { parse as parseGrammar } from './expression-parser';
import { FUNCTIONS, UNSUPPORTED, type EvalContext } from './functions';
import { compileRegex, groupNames, type CompiledRegex } from './regex';
import { MappingEvaluationError } from './values';

/**
 * Longest expression and deepest nesting accepted. Entra's longest documented example (a
 * three-rule SelectUniqueValue) is 320 characters and 6 levels deep; the limits are checked
 * before the generated parser runs, so no mapping file can make it (or the evaluator) recurse
 * without bound.
 */
export const MAX_EXPRESSION_LENGTH = 2_048;
export const MAX_EXPRESSION_DEPTH = 16;

/** An expression that cannot be used, and why; the mapping file names its source and attribute. */
export class MappingExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingExpressionError';
  }
}

export interface CompiledExpression {
  text: string;
  node: ExpressionNode;
  /** Regexes of Replace calls, compiled once when the mapping loads. */
  regexes: ReadonlyMap<ExpressionNode, CompiledRegex>;
}

export interface CompileOptions {
  /** SelectUniqueValue is allowed only at the top of the UPN's expression, as in Entra. */
  allowSelectUniqueValue?: boolean;
}

/** Nesting of calls and attribute brackets outside string literals, in one pass that cannot recurse. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '(' || ch === '[') max = Math.max(max, ++depth);
    else if (ch === ')' || ch === ']') depth = Math.max(0, depth - 1);
  }
  return max;
}

export function compileExpression(text: unknown, options: CompileOptions = {}): CompiledExpression {
  if (typeof text !== 'string') throw new MappingExpressionError('must be an expression string');
  if (text.trim() === '') throw new MappingExpressionError('is empty');
  if (text.length > MAX_EXPRESSION_LENGTH) throw new MappingExpressionError(`is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  if (nestingDepth(text) > MAX_EXPRESSION_DEPTH) throw new MappingExpressionError(`nests deeper than ${MAX_EXPRESSION_DEPTH} levels`);
  let node: ExpressionNode;
  try {
    node = parseGrammar(text) as ExpressionNode;
  } catch (error) {
    const { message, location } = error as { message: string; location?: { start: { offset: number } } };
    throw new MappingExpressionError(`syntax error at character ${(location?.start.offset ?? 0) + 1}: ${message}`);
  }
  const regexes = new Map<ExpressionNode, CompiledRegex>();
  check(node, { top: true, allowSelectUniqueValue: options.allowSelectUniqueValue ?? false, regexes });
  return { text, node, regexes };
}

interface CheckState {
  top: boolean;
  allowSelectUniqueValue: boolean;
  regexes: Map<ExpressionNode, CompiledRegex>;
}

function check(node: ExpressionNode | null, state: CheckState): void {
  if (!node) return;
  if (node.kind === 'compare') {
    check(node.left, { ...state, top: false });
    check(node.right, { ...state, top: false });
    return;
  }
  if (node.kind !== 'call') return;
  const spec = FUNCTIONS[node.name];
  if (!spec) {
    const reason = UNSUPPORTED[node.name];
    throw new MappingExpressionError(reason ? `function ${node.name} is not supported: it ${reason}` : `unknown function ${node.name} (names are case-sensitive)`);
  }
  const count = node.args.length;
  if (count < spec.min || count > spec.max) {
    const wanted = spec.min === spec.max ? `${spec.min}` : `${spec.min} to ${spec.max}`;
    throw new MappingExpressionError(`${node.name} takes ${wanted} argument(s), not ${count}`);
  }
  if (node.name === 'SelectUniqueValue' && !(state.top && state.allowSelectUniqueValue)) {
    throw new MappingExpressionError('SelectUniqueValue may only be the whole expression of userPrincipalName (its candidates are tried in order when the account is created)');
  }
  if (node.name === 'Switch' && count % 2 !== 0) throw new MappingExpressionError('Switch takes a source, a default and key/value pairs: an even number of arguments');
  for (const index of spec.literals ?? []) {
    const arg = node.args[index];
    if (arg && arg.kind !== 'string') throw new MappingExpressionError(`${node.name}'s argument ${index + 1} must be a string literal`);
  }
  checkLiterals(node);
  if (node.name === 'Replace' && node.args[2]?.kind === 'string') {
    const regex = compileChecked(node.args[2].value);
    const group = node.args[3];
    if (group?.kind === 'string' && !groupNames(regex).includes(group.value)) {
      throw new MappingExpressionError(`Replace's regexGroupName ${JSON.stringify(group.value)} is not a named group of its regexPattern`);
    }
    state.regexes.set(node, regex);
  }
  for (const arg of node.args) check(arg, { ...state, top: false });
}

function compileChecked(pattern: string): CompiledRegex {
  try {
    return compileRegex(pattern);
  } catch (error) {
    throw new MappingExpressionError(`Replace: ${(error as Error).message}`);
  }
}

/** Literal arguments that can be checked now rather than on every record. */
function checkLiterals(node: Extract<ExpressionNode, { kind: 'call' }>): void {
  const literal = (i: number) => {
    const arg = node.args[i];
    return arg?.kind === 'string' ? arg.value : undefined;
  };
  try {
    if ((node.name === 'DateAdd' || node.name === 'DateDiff') && !isInterval(literal(0) ?? '')) {
      throw new MappingExpressionError(`${node.name}'s interval must be one of yyyy, m, d, ww, h, n, s`);
    }
    if (node.name === 'FormatDateTime') {
      for (const i of [2, 3]) luxonFormat(literal(i) ?? '');
    }
    if ((node.name === 'ToLower' || node.name === 'ToUpper') && literal(1) !== undefined) Intl.getCanonicalLocales(literal(1));
    if (node.name === 'Item' && node.args[1]?.kind === 'number' && node.args[1].value < 1) {
      throw new MappingExpressionError('Item counts from 1 (the first item is 1)');
    }
  } catch (error) {
    if (error instanceof MappingExpressionError) throw error;
    if (error instanceof MappingEvaluationError) throw new MappingExpressionError(`${node.name}: ${error.message}`);
    throw new MappingExpressionError(`${node.name}: the culture is not a language tag`);
  }
}

/** The context an evaluation runs in; `now` is fixed so every record of a request sees one time. */
export function evalContext(compiled: CompiledExpression, now: Date, upnDomains: readonly string[]): EvalContext {
  return {
    now: DateTime.fromJSDate(now, { zone: 'utc' }),
    upnDomains,
    regexOf: (call) => {
      const regex = compiled.regexes.get(call);
      if (!regex) throw new MappingEvaluationError('regex was not compiled');
      return regex;
    },
  };
}
