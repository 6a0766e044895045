// The generated parser's interface, as parse-expression.ts uses it (the parser is expression-parser.js,
// from expression.peggy by `npm run mapping:parser`; its own --dts output does not pass this repo's lint).
export function parse(input: string): unknown;
export declare class SyntaxError extends Error {
  location: { start: { offset: number; line: number; column: number } };
}
