import { evaluate } from '../../shared/mapping/evaluate';
import { compileExpression, evalContext } from '../../shared/mapping/parse-expression';
import { jsonReader } from '../../shared/mapping/source-records';
import { asText, type Value } from '../../shared/mapping/values';

export const NOW = new Date('2026-11-20T10:00:00.000Z');

/** Evaluates one expression over a flat record, as a mapping would (userPrincipalName allows SelectUniqueValue). */
export function run(expression: string, record: Record<string, unknown> = {}, upnDomains: readonly string[] = ['contoso.com']): Value {
  const compiled = compileExpression(expression, { allowSelectUniqueValue: true });
  return evaluate(compiled, jsonReader(record), evalContext(compiled, NOW, upnDomains)).value;
}

/** The same, as text (dates in Entra's M/d/yyyy h:mm:ss tt). */
export function runText(expression: string, record: Record<string, unknown> = {}): string | undefined {
  return asText({ value: run(expression, record) }, 'result');
}
