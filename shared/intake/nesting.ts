/**
 * The deepest nesting a request body may have. Real HR payloads stay under ten levels (a SCIM
 * BulkRequest's manager is six deep); the limit is checked before anything walks the body
 * recursively (a canonical-JSON hash, schema validation), so 10,000 nested brackets are a 400
 * and not a stack overflow.
 */
export const MAX_NESTING_DEPTH = 32;

/** Whether a parsed JSON value nests deeper than `max`; iterative, so it cannot overflow itself. */
export function nestsDeeperThan(value: unknown, max = MAX_NESTING_DEPTH): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
    if (current === null || typeof current !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(current as Record<string, unknown>)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

export const tooDeep = { field: '(body)', message: `nests deeper than ${MAX_NESTING_DEPTH} levels` } as const;
