/**
 * The parsed form of one mapping expression (see expression.peggy). `at` is the 0-based offset in
 * the expression text, for messages; a `null` argument is one left empty (`Replace([x], , "re", …)`).
 */
export type ExpressionNode =
  | { kind: 'call'; name: string; args: (ExpressionNode | null)[]; at: number }
  | { kind: 'attribute'; path: string; at: number }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'compare'; op: ComparisonOperator; left: ExpressionNode; right: ExpressionNode; at: number };

export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** The attribute paths an expression reads, in the order they appear. */
export function attributesOf(node: ExpressionNode | null): string[] {
  if (!node) return [];
  switch (node.kind) {
    case 'attribute':
      return [node.path];
    case 'call':
      return node.args.flatMap(attributesOf);
    case 'compare':
      return [...attributesOf(node.left), ...attributesOf(node.right)];
    default:
      return [];
  }
}
