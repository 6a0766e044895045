import { postHrEvents } from '../hr-client';
import type { Chunk, FileRecord } from './chunks';

/**
 * Posts one chunk to the HR route, signed like any HR system. The intake takes a request all or
 * nothing (shared/intake/records.ts `collect`): a 400 names every refused record by its index in
 * the request. So that one bad row does not hold back the rest of its chunk, the records it names
 * — and every other record of the same workers, so a mover never goes without its joiner — are
 * taken out and the rest is posted once more; a second refusal refuses the chunk whole. A refusal
 * that names no record (a missing header column, a body over the limit) refuses the chunk whole.
 * The host being down or answering 5xx is tried again a few times; a refused signature or tenant
 * stops the import (every other chunk would be refused the same way).
 */

export interface Target {
  baseUrl: string;
  secret: string;
  tenant?: string;
  functionKey?: string;
  contentType: string;
}

export interface AcceptedEvent {
  eventId: string;
  statusUrl: string;
  type?: string;
}

/** One problem the intake named, with the records of the file it is about. */
export interface RefusedIssue {
  field: string;
  message: string;
  records: string[];
}

export interface ChunkResult {
  chunk: number;
  records: number;
  accepted: AcceptedEvent[];
  /** Records that were queued (the intake merges a record sent twice into one event). */
  acceptedRecords: number;
  refusedRecords: number;
  refused: RefusedIssue[];
  /** The HTTP status that refused records (0: the host could not be reached). */
  status?: number;
  /** The intake said the request was too large (413, or more records than it takes): post smaller chunks. */
  tooLarge?: { maxRecords?: number };
}

export class ImportStopped extends Error {}

const RETRIES = 3;
export const ALONGSIDE = 'not posted: another record of the same worker was refused';
const TOO_MANY = /at most (\d+) are accepted per request/;

interface IntakeIssue {
  record?: number;
  field: string;
  message: string;
}

type Answer = { kind: 'accepted'; events: AcceptedEvent[] } | { kind: 'refused'; status: number; issues: IntakeIssue[] };

/** The intake's issues (`record` is the index within the chunk) as the file's record labels, one entry per field and message. */
function fileIssues(records: readonly FileRecord[], issues: readonly IntakeIssue[]): RefusedIssue[] {
  const grouped = new Map<string, RefusedIssue>();
  for (const issue of issues) {
    const key = `${issue.field}\u0000${issue.message}`;
    const entry = grouped.get(key) ?? { field: issue.field, message: issue.message, records: [] };
    const label = issue.record === undefined ? '(the whole chunk)' : (records[issue.record]?.label ?? `record ${issue.record}`);
    if (!entry.records.includes(label)) entry.records.push(label);
    grouped.set(key, entry);
  }
  return [...grouped.values()];
}

async function post(body: string, target: Target, sleep: (ms: number) => Promise<unknown>): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    let response: Response | undefined;
    try {
      response = await postHrEvents(target.baseUrl, body, {
        secret: target.secret,
        contentType: target.contentType,
        ...(target.tenant ? { tenant: target.tenant } : {}),
        ...(target.functionKey ? { functionKey: target.functionKey } : {}),
      });
    } catch (error) {
      if (attempt >= RETRIES) return { kind: 'refused', status: 0, issues: [{ field: '(host)', message: `could not be reached (${(error as { cause?: { code?: string } }).cause?.code ?? 'network error'})` }] };
    }
    if (response) {
      const answer = (await response.json().catch(() => ({}))) as { events?: AcceptedEvent[]; issues?: IntakeIssue[]; error?: string };
      if (response.status === 202) return { kind: 'accepted', events: answer.events ?? [] };
      if (response.status === 400 || response.status === 409 || response.status === 413) {
        return { kind: 'refused', status: response.status, issues: answer.issues ?? [{ field: '(body)', message: answer.error ?? `answered ${response.status}` }] };
      }
      if (response.status === 401) throw new ImportStopped("the host refused the signature (401): sign with the tenant's HR secret (HR_WEBHOOK_SECRET, or --secret-setting NAME for the app setting that holds it)");
      if (response.status === 404 || response.status === 403) throw new ImportStopped(`the host answered ${response.status}: ${answer.error ?? 'no such route or tenant'}`);
      if (attempt >= RETRIES) return { kind: 'refused', status: response.status, issues: [{ field: '(host)', message: `answered ${response.status}${answer.error ? `: ${answer.error}` : ''}` }] };
    }
    await sleep(500 * 2 ** attempt);
  }
}

function tooLarge(answer: Extract<Answer, { kind: 'refused' }>): ChunkResult['tooLarge'] {
  if (answer.status === 413) return {};
  for (const issue of answer.issues) {
    const match = issue.record === undefined ? TOO_MANY.exec(issue.message) : null;
    if (match) return { maxRecords: Number(match[1]) };
  }
  return undefined;
}

/** The records a refusal names, with every other record of the same workers; undefined when an issue names no record. */
function refusedWithWorkers(records: readonly FileRecord[], issues: readonly IntakeIssue[]): Set<number> | undefined {
  if (issues.some((i) => i.record === undefined || records[i.record] === undefined)) return undefined;
  const named = new Set(issues.map((i) => i.record as number));
  const workers = new Set([...named].map((i) => records[i]?.worker).filter((w): w is string => w !== undefined));
  return new Set(records.flatMap((r, i) => (named.has(i) || (r.worker !== undefined && workers.has(r.worker)) ? [i] : [])));
}

export async function postChunk(
  chunk: Chunk,
  index: number,
  target: Target,
  rebuild: (records: readonly FileRecord[]) => string,
  sleep: (ms: number) => Promise<unknown> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<ChunkResult> {
  const base = { chunk: index + 1, records: chunk.records.length };
  const whole = (status: number, issues: RefusedIssue[], large?: ChunkResult['tooLarge']): ChunkResult => ({
    ...base,
    accepted: [],
    acceptedRecords: 0,
    refusedRecords: chunk.records.length,
    refused: issues,
    status,
    ...(large ? { tooLarge: large } : {}),
  });
  const first = await post(chunk.body, target, sleep);
  if (first.kind === 'accepted') return { ...base, accepted: first.events, acceptedRecords: chunk.records.length, refusedRecords: 0, refused: [] };
  const large = tooLarge(first);
  const issues = fileIssues(chunk.records, first.issues);
  const out = first.status === 400 ? refusedWithWorkers(chunk.records, first.issues) : undefined;
  if (large || !out || out.size === chunk.records.length) return whole(first.status, issues, large);

  const alongside = chunk.records.filter((r, i) => out.has(i) && !first.issues.some((x) => x.record === i)).map((r) => r.label);
  if (alongside.length > 0) issues.push({ field: '(worker)', message: ALONGSIDE, records: alongside });
  const rest = chunk.records.filter((_, i) => !out.has(i));
  const second = await post(rebuild(rest), target, sleep);
  if (second.kind === 'refused') return whole(second.status, [...issues, ...fileIssues(rest, second.issues)]);
  return { ...base, accepted: second.events, acceptedRecords: rest.length, refusedRecords: out.size, refused: issues, status: first.status };
}
