import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Where the receivers' examples live; each sample is the fenced block after `<!-- sample: <name> -->`. */
export const DOCS_FILE = path.join(__dirname, '..', '..', 'docs', 'tickets.md');

/** The text of the fenced block the page marks `<!-- sample: name -->`, exactly as written. */
export function documentedBlock(name: string): string {
  const page = readFileSync(DOCS_FILE, 'utf8');
  const marker = `<!-- sample: ${name} -->`;
  const at = page.indexOf(marker);
  if (at < 0) throw new Error(`${DOCS_FILE} has no ${marker}`);
  const match = /```[a-z]*\n([\s\S]*?)\n```/.exec(page.slice(at + marker.length));
  if (!match) throw new Error(`${DOCS_FILE}: no fenced block after ${marker}`);
  return match[1] as string;
}

export interface DocumentedPost {
  method: string;
  /** Header names lower-cased, as Node gives a receiver's. */
  headers: Record<string, string>;
  rawBody: string;
  result: unknown;
}

/** A documented HTTP request: `METHOD path HTTP/1.1`, `name: value` lines, a blank line, the raw body. */
export function documentedSample(name: string): DocumentedPost {
  const [head, ...rest] = documentedBlock(name).split('\n\n');
  const [requestLine, ...headerLines] = (head as string).split('\n');
  const rawBody = rest.join('\n\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { method: (requestLine as string).split(' ')[0] as string, headers, rawBody, result: JSON.parse(rawBody) as unknown };
}
