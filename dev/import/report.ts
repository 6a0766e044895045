import type { EventOutcome } from './follow';
import type { ChunkResult } from './post-chunks';

/**
 * What the import prints: a progress line on stderr while it works (redrawn in place on a terminal,
 * a line per tenth otherwise, so a CI log stays short), and the summary table on stdout.
 */

export class Progress {
  private lastTenth = -1;

  constructor(private readonly stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'> = process.stderr) {}

  update(label: string, done: number, total: number, detail = ''): void {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const line = `${label.padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${detail ? ` ${detail}` : ''}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\x1b[K`);
      if (done >= total) this.stream.write('\n');
      return;
    }
    const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
    if (tenth === this.lastTenth && done < total) return;
    this.lastTenth = done >= total ? -1 : tenth;
    this.stream.write(`${line}\n`);
  }
}

const row = (name: string, value: string | number, indent = 2) => `${' '.repeat(indent)}${name.padEnd(24 - indent)}${String(value).padStart(6)}`;

export interface SummaryFacts {
  file: string;
  target: string;
  records: number;
  results: ChunkResult[];
  outcomes?: EventOutcome[];
  waitedMs?: number;
}

/** At most this many record labels per issue; the rest are counted. */
const LABELS = 12;

function labels(records: readonly string[]): string {
  const shown = records.slice(0, LABELS).join(', ');
  return records.length > LABELS ? `${shown} and ${records.length - LABELS} more` : shown;
}

export function summaryTable(facts: SummaryFacts): string {
  const sum = (f: (r: ChunkResult) => number) => facts.results.reduce((n, r) => n + f(r), 0);
  const lines = [`Import of ${facts.file} → ${facts.target}: ${facts.records} records in ${facts.results.length} chunk(s)`];
  lines.push(row('accepted records', sum((r) => r.acceptedRecords)), row('queued as events', sum((r) => r.accepted.length), 4));
  lines.push(row('refused records', sum((r) => r.refusedRecords)));
  const refused = facts.results.filter((r) => r.refusedRecords > 0);
  for (const chunk of refused) {
    const how = chunk.status === 0 ? 'not delivered' : `${chunk.status}`;
    const what = chunk.acceptedRecords > 0 ? `${chunk.refusedRecords} of ${chunk.records} record(s) refused, the rest queued` : `${chunk.records} record(s), none queued`;
    lines.push(`    chunk ${chunk.chunk} (${how}): ${what}:`);
    for (const issue of chunk.refused) lines.push(`      ${issue.field.padEnd(20)} ${issue.message}  — ${labels(issue.records)}`);
  }
  if (refused.length > 0) lines.push('  Fix what is named and import the file again: the records accepted now are the same events again (ids from their content), which change nothing twice.');
  if (!facts.outcomes) return lines.join('\n');
  const count = (status: string) => facts.outcomes!.filter((o) => o.status === status).length;
  lines.push(`after processing (followed for ${Math.round((facts.waitedMs ?? 0) / 1000)} s):`);
  lines.push(row('succeeded', count('succeeded')), row('dead-lettered', count('dead-lettered')));
  const reasons = new Map<string, number>();
  for (const o of facts.outcomes.filter((x) => x.status === 'dead-lettered')) reasons.set(o.reason ?? '(no reason)', (reasons.get(o.reason ?? '(no reason)') ?? 0) + 1);
  for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) lines.push(row(reason, n, 4));
  lines.push(row('failed', count('failed')), row('skipped', count('skipped')));
  lines.push(`${row('scheduled', count('scheduled'))}  (its next attempt is after the wait: a future hire, a leaver's deletion after retention, a retry)`);
  const waits = new Map<string, number>();
  for (const o of facts.outcomes.filter((x) => x.status === 'scheduled' && x.reason)) waits.set(o.reason as string, (waits.get(o.reason as string) ?? 0) + 1);
  for (const [reason, n] of [...waits].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) lines.push(row(`retry: ${reason}`, n, 4));
  lines.push(row('still queued', facts.outcomes.filter((o) => o.status.startsWith('still ')).length));
  return lines.join('\n');
}
