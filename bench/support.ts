// Small helpers shared by the joiner/mixed bench: environment numbers, percentiles, waiting, the table.

/** A non-negative integer from the environment, or the default; anything else stops the bench. */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return value;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile; undefined for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function countBy<T extends string>(values: Iterable<T>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

export const fixed = (value: number | undefined, digits = 2) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
export const pct = (part: number, whole: number, digits = 1) => (whole > 0 ? `${((part / whole) * 100).toFixed(digits)}%` : '–');

/** Rows of label + one cell per column, padded into a plain-text table. */
export function renderTable(columns: string[], rows: Array<[string, ...string[]]>): string {
  const labelWidth = Math.max(...rows.map((r) => r[0].length), 0) + 2;
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i + 1] ?? '').length)) + 2);
  const line = (label: string, cells: string[]) => `${label.padEnd(labelWidth)}${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('')}`.trimEnd();
  return [line('', columns), line('-'.repeat(labelWidth - 2), widths.map((w) => '-'.repeat(w - 2))), ...rows.map(([label, ...cells]) => line(label, cells))].join('\n');
}

/** Progress lines go to stderr so stdout holds only the results. */
export const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);
