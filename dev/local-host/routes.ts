/**
 * Functions host route templates: `events/{eventId}`, optional `{name?}`, constrained
 * `{id:int}` / `{id:guid}` / `{id:alpha}`. Matching is case-insensitive on literals like the host.
 */
export interface CompiledRoute {
  template: string;
  match(path: string): Record<string, string> | undefined;
}

const constraints: Record<string, RegExp> = {
  int: /^-?\d+$/,
  guid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  alpha: /^[a-z]+$/i,
  bool: /^(true|false)$/i,
};

type Segment = { literal: string } | { param: string; optional: boolean; constraint?: RegExp };

export function compileRoute(template: string): CompiledRoute {
  const segments: Segment[] = template
    .split('/')
    .filter(Boolean)
    .map((part) => {
      const m = /^\{(\*?)([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(\?)?\}$/.exec(part);
      if (!m) return { literal: part.toLowerCase() };
      const constraintName = m[3];
      const constraint = constraintName ? constraints[constraintName] : undefined;
      if (constraintName && !constraint) throw new Error(`Route ${template}: unsupported constraint :${constraintName}`);
      return { param: m[2] as string, optional: m[4] === '?', ...(constraint ? { constraint } : {}) };
    });

  return {
    template,
    match(path) {
      const parts = path.split('/').filter(Boolean);
      if (parts.length > segments.length) return undefined;
      const params: Record<string, string> = {};
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i] as Segment;
        const part = parts[i];
        if ('literal' in segment) {
          if (part === undefined || part.toLowerCase() !== segment.literal) return undefined;
          continue;
        }
        if (part === undefined) {
          if (!segment.optional) return undefined;
          continue;
        }
        const value = decodeURIComponent(part);
        if (segment.constraint && !segment.constraint.test(value)) return undefined;
        params[segment.param] = value;
      }
      return params;
    },
  };
}
