import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import peggy from 'peggy';
import { evaluate } from '../../shared/mapping/evaluate';
import { compileExpression, evalContext, MappingExpressionError, MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH } from '../../shared/mapping/parse-expression';
import { jsonReader } from '../../shared/mapping/source-records';
import { MappingEvaluationError } from '../../shared/mapping/values';
import { NOW, run } from './support';

const refusal = (expression: string) => {
  try {
    compileExpression(expression);
  } catch (error) {
    expect(error).toBeInstanceOf(MappingExpressionError);
    return (error as Error).message;
  }
  throw new Error(`${expression} was accepted`);
};

describe('the expression parser', () => {
  it('when the grammar is generated again, then it gives the committed parser (npm run mapping:parser keeps them in step)', () => {
    const dir = path.resolve(__dirname, '../../shared/mapping');
    const generated = peggy.generate(readFileSync(path.join(dir, 'expression.peggy'), 'utf8'), { output: 'source', format: 'commonjs' });
    expect(readFileSync(path.join(dir, 'expression-parser.js'), 'utf8').trim()).toBe(String(generated).trim());
  });

  it('when an expression is longer than the limit, then it is refused before parsing', () => {
    expect(refusal(`Join("", ${Array.from({ length: 400 }, () => '"abcd"').join(', ')})`)).toContain(`longer than ${MAX_EXPRESSION_LENGTH}`);
  });

  it('when an expression nests deeper than the limit, then it is refused without recursing (even ten thousand levels)', () => {
    const deep = (n: number) => `${'ToLower('.repeat(n)}[x]${')'.repeat(n)}`;
    expect(() => compileExpression(deep(MAX_EXPRESSION_DEPTH - 1))).not.toThrow();
    expect(refusal(deep(MAX_EXPRESSION_DEPTH + 1))).toContain(`deeper than ${MAX_EXPRESSION_DEPTH}`);
    expect(refusal('('.repeat(10_000))).toMatch(/longer than|deeper than/);
  });

  it('when a function is unknown, then the error names it; an Entra function not offered here says why', () => {
    expect(refusal('Frobnicate([x])')).toContain('unknown function Frobnicate');
    expect(refusal('toLower([x])')).toContain('unknown function toLower (names are case-sensitive)');
    expect(refusal('RandomString(6,3,0,0,3)')).toContain('function RandomString is not supported');
  });

  it('when a call has the wrong number of arguments or a literal where one is needed, then the error says which', () => {
    expect(refusal('Left([x])')).toContain('Left takes 2 argument(s), not 1');
    expect(refusal('Switch([x], "d", "k")')).toContain('Switch takes');
    expect(refusal('Replace([x], , [pattern], , "", , )')).toContain("Replace's argument 3 must be a string literal");
    expect(refusal('DateAdd("q", 1, Now())')).toContain('interval');
    expect(refusal('Item(Split([x], ","), 0)')).toContain('counts from 1');
  });

  it('when a regex needs backtracking RE2 does not do, or names a group it lacks, then it is refused at load', () => {
    expect(refusal('Replace([x], , "(a)\\\\1", , "", , )')).toContain('RE2');
    expect(refusal('Replace([x], , "(?=a)b", , "", , )')).toContain('RE2');
    expect(refusal('Replace([x], , "(?<a>x)", "b", "", , )')).toContain('not a named group');
  });

  it('when SelectUniqueValue is nested or used for another attribute, then it is refused (Entra: top level only)', () => {
    expect(refusal('ToLower(SelectUniqueValue([a], [b]))')).toContain('SelectUniqueValue');
    expect(() => compileExpression('SelectUniqueValue([a], [b])', { allowSelectUniqueValue: true })).not.toThrow();
    expect(refusal('SelectUniqueValue([a], [b])')).toContain('SelectUniqueValue');
  });

  it('when the syntax is broken, then the error gives the position', () => {
    expect(refusal('Join(".", [a]')).toMatch(/syntax error at character 14/);
    expect(refusal('')).toBe('is empty');
  });
});

const FUNCTION_NAMES = ['Join', 'Coalesce', 'Switch', 'IIF', 'Replace', 'NormalizeDiacritics', 'StripSpaces', 'ToLower', 'ToUpper', 'Left', 'Mid', 'Split', 'Item', 'FormatDateTime', 'DateAdd', 'CDate', 'Word', 'InStr', 'PCase', 'Append'];

/** Any JSON value an HR system could send, including the awkward ones. */
const hostileValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('', ' ', 'a'.repeat(5_000), '9999-99-99', '2020-01-01', '-07:00', 'True', 'null', '$1${x}$$', '(a+)+$'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
);

/** Expressions built from the real functions over attributes a, b, c and literals, valid or not. */
const expression: fc.Arbitrary<string> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('[a]', '[b]', '[c]', '""', '"x"', '","', '" "', '1', '-2', '3', '"d"', '"yyyy-MM-dd"', '"^(a+)+$"', '"(?<g>\\\\d+)"', '"${g}"'),
    fc.tuple(fc.constantFrom(...FUNCTION_NAMES), fc.array(fc.option(tie('node') as fc.Arbitrary<string>, { nil: '' }), { maxLength: 7 })).map(([name, args]) => `${name}(${args.join(', ')})`),
    fc.tuple(tie('node') as fc.Arbitrary<string>, fc.constantFrom('=', '<>', '>', '<='), tie('node') as fc.Arbitrary<string>).map(([l, op, r]) => `IIF(${l} ${op} ${r}, [a], [b])`),
  ),
})).node;

describe('evaluating expressions over hostile records', () => {
  it('when any expression meets any record, then it gives a value or a mapping error — never another exception, never a hang', () => {
    fc.assert(
      fc.property(expression, fc.record({ a: hostileValue, b: hostileValue, c: hostileValue }, { requiredKeys: [] }), (text, record) => {
        let compiled;
        try {
          compiled = compileExpression(text, { allowSelectUniqueValue: true });
        } catch (error) {
          expect(error).toBeInstanceOf(MappingExpressionError);
          return;
        }
        const started = Date.now();
        try {
          evaluate(compiled, jsonReader(record), evalContext(compiled, NOW, ['contoso.com']));
        } catch (error) {
          expect(error).toBeInstanceOf(MappingEvaluationError);
          // Messages name fields and functions, never what the record holds.
          for (const value of Object.values(record)) if (typeof value === 'string' && value.length >= 12) expect((error as Error).message).not.toContain(value);
        }
        expect(Date.now() - started).toBeLessThan(1_000);
      }),
      { numRuns: 1_500, seed: 16 },
    );
  });

  it("when Replace's pattern backtracks catastrophically in a backtracking engine, then RE2 still answers at once", () => {
    const started = Date.now();
    expect(run('Replace([a], , "(a+)+$", , "x", , )', { a: `${'a'.repeat(4_000)}!` })).toBe(`${'a'.repeat(4_000)}!`);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('when a value is longer than a regex may read, then it is a mapping error naming the field, not a slow match', () => {
    expect(() => run('Replace([a], , "b", , "c", , )', { a: 'a'.repeat(5_000) })).toThrow(MappingEvaluationError);
  });
});
