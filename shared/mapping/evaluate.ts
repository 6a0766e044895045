import type { ComparisonOperator, ExpressionNode } from './ast';
import { FUNCTIONS, type EvalContext } from './functions';
import type { CompiledExpression } from './parse-expression';
import { asText, isDate, isNothing, MappingEvaluationError, type Traced } from './values';

/** Where an expression's `[attribute]`s are read from: one source record. */
export type AttributeReader = (path: string) => Traced;

/**
 * Evaluates a compiled expression over one record. Recursion follows the expression's nesting,
 * which compileExpression bounds (MAX_EXPRESSION_DEPTH). Anything the record's data makes
 * impossible is a MappingEvaluationError; nothing else is thrown.
 */
export function evaluate(compiled: CompiledExpression, read: AttributeReader, ctx: EvalContext): Traced {
  try {
    return evaluateNode(compiled.node, read, ctx);
  } catch (error) {
    if (error instanceof MappingEvaluationError) throw error;
    // A library refusing a value (an Intl culture, a date out of range) is still the data's problem.
    throw new MappingEvaluationError(`cannot be computed for this record (${error instanceof Error ? error.name : 'error'})`);
  }
}

function evaluateNode(node: ExpressionNode, read: AttributeReader, ctx: EvalContext): Traced {
  switch (node.kind) {
    case 'string':
    case 'number':
      return { value: node.value };
    case 'attribute':
      return read(node.path);
    case 'compare':
      return { value: compare(node.op, evaluateNode(node.left, read, ctx), evaluateNode(node.right, read, ctx)) };
    case 'call': {
      const spec = FUNCTIONS[node.name];
      if (!spec) throw new MappingEvaluationError(`unknown function ${node.name}`);
      const cache = new Map<number, Traced>();
      const arg = (index: number): Traced => {
        const cached = cache.get(index);
        if (cached) return cached;
        const argNode = node.args[index];
        const result = argNode ? evaluateNode(argNode, read, ctx) : { value: undefined };
        cache.set(index, result);
        return result;
      };
      return spec.run(arg, node.args.length, ctx, node);
    }
  }
}

/** Entra: a condition on an empty or absent value fails. Numbers and dates compare by value, text by ordinal. */
function compare(op: ComparisonOperator, left: Traced, right: Traced): boolean {
  if (isNothing(left.value) || isNothing(right.value)) return false;
  let order: number;
  if (isDate(left.value) && isDate(right.value)) order = Math.sign(left.value.toMillis() - right.value.toMillis());
  else {
    const a = asText(left, 'left side');
    const b = asText(right, 'right side');
    if (a === undefined || b === undefined) return false;
    const numeric = /^-?\d+(\.\d+)?$/;
    if (numeric.test(a) && numeric.test(b)) order = Math.sign(Number(a) - Number(b));
    else if (typeof left.value === 'boolean' || typeof right.value === 'boolean') order = a.toLowerCase() === b.toLowerCase() ? 0 : a < b ? -1 : 1;
    else order = a === b ? 0 : a < b ? -1 : 1;
  }
  switch (op) {
    case '=':
      return order === 0;
    case '<>':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}
