/**
 * OData string literal: wrapped in single quotes, embedded quotes doubled. Every value that
 * reaches a `$filter` goes through here, so an employeeId like `x' or startswith(displayName,'`
 * stays one literal and matches nothing else.
 */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `prop in ('a','b')`, each value escaped; callers chunk to Graph's limit of 15 values. */
export function odataIn(property: string, values: readonly string[]): string {
  return `${property} in (${values.map(odataString).join(',')})`;
}
