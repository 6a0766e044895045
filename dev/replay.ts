// `npm run replay -- list [tickets]` | `npm run replay -- resubmit <messageId>|--all [--release mass-leaver] [--queue tickets]`
// Talks to a running host (LOCAL_HOST_URL, default http://localhost:7071; in Azure set it to the
// Function App URL and FUNCTION_KEY to its admin key).
import type { DeadLetterSummary } from '../shared/messaging/dead-letters';

const base = process.env.LOCAL_HOST_URL ?? `http://localhost:${process.env.PORT ?? 7071}`;
const headers: Record<string, string> = { 'content-type': 'application/json', ...(process.env.FUNCTION_KEY ? { 'x-functions-key': process.env.FUNCTION_KEY } : {}) };

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

async function list(queue: string): Promise<void> {
  const response = await fetch(`${base}/api/manage/dead-letters?queue=${queue}`, { headers });
  const result = (await response.json()) as { deadLetters?: DeadLetterSummary[]; error?: string };
  if (!response.ok || !result.deadLetters) throw new Error(`${response.status}: ${result.error ?? 'failed'}`);
  if (result.deadLetters.length === 0) return console.log(`no dead letters on ${queue}`);
  for (const d of result.deadLetters) {
    const age = d.ageSeconds === undefined ? '?' : `${Math.round(d.ageSeconds / 60)} min`;
    console.log(`${d.messageId}  ${d.eventType ?? ''} ${d.employeeId ?? ''}  ${d.reason}  (${age} old)\n    ${d.description}`);
  }
}

async function resubmit(args: string[]): Promise<void> {
  const all = args.includes('--all');
  const messageId = args.find((a, i) => !a.startsWith('--') && !['--queue', '--release'].includes(args[i - 1] ?? ''));
  if (!all && !messageId) throw new Error('resubmit needs a messageId or --all');
  const release = option(args, '--release');
  const body = { queue: option(args, '--queue') ?? 'processing', ...(all ? { all: true } : { messageId }), ...(release ? { release } : {}) };
  const response = await fetch(`${base}/api/manage/dead-letters/replay`, { method: 'POST', headers, body: JSON.stringify(body) });
  console.log(`${response.status}`, await response.text());
  if (!response.ok) process.exitCode = 1;
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'list') return list(args[0] ?? 'processing');
  if (command === 'resubmit') return resubmit(args);
  console.error('usage: npm run replay -- list [processing|tickets]\n       npm run replay -- resubmit <messageId>|--all [--release mass-leaver] [--queue tickets]');
  process.exitCode = 2;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
