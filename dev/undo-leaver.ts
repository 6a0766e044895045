// `npm run undo-leaver -- <employeeId> [--tenant <key>]`: asks the host to undo the worker's
// leaver (POST /api/manage/workers/{employeeId}/undo-leaver), then follows the undo event to its
// end and prints each step: what was restored and what could not be. Talks to a running host
// (LOCAL_HOST_URL, default http://localhost:7071; in Azure the Function App URL, with FUNCTION_KEY
// its admin key).
const base = process.env.LOCAL_HOST_URL ?? `http://localhost:${process.env.PORT ?? 7071}`;
const headers: Record<string, string> = process.env.FUNCTION_KEY ? { 'x-functions-key': process.env.FUNCTION_KEY } : {};
const FINISHED = ['succeeded', 'failed', 'dead-lettered', 'skipped'];

interface Step {
  name: string;
  outcome: string;
  detail?: string;
}

function usage(): never {
  console.error('usage: npm run undo-leaver -- <employeeId> [--tenant <key>]');
  process.exit(2);
}

function parseArgs(args: string[]): { employeeId: string; tenant?: string } {
  const tenantAt = args.indexOf('--tenant');
  const tenant = tenantAt >= 0 ? args[tenantAt + 1] : undefined;
  if (tenantAt >= 0 && !tenant) usage();
  const employeeId = args.find((a, i) => !a.startsWith('--') && (tenantAt < 0 || i !== tenantAt + 1));
  if (!employeeId) usage();
  return { employeeId, ...(tenant ? { tenant } : {}) };
}

async function follow(statusUrl: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await fetch(statusUrl, { headers });
    const status = (await response.json()) as Record<string, unknown>;
    if (FINISHED.includes(String(status.status)) || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main(): Promise<void> {
  const { employeeId, tenant } = parseArgs(process.argv.slice(2));
  const query = tenant ? `?tenant=${encodeURIComponent(tenant)}` : '';
  const response = await fetch(`${base}/api/manage/workers/${encodeURIComponent(employeeId)}/undo-leaver${query}`, { method: 'POST', headers });
  const answer = (await response.json()) as { statusUrl?: string; error?: string };
  console.log(`${response.status}`, JSON.stringify(answer));
  if (!response.ok || !answer.statusUrl) {
    process.exitCode = 1;
    return;
  }
  const status = await follow(answer.statusUrl);
  console.log(`${String(status.eventId)}: ${String(status.status)}`);
  for (const step of (status.steps ?? []) as Step[]) console.log(`  ${step.name}: ${step.outcome}${step.detail ? ` — ${step.detail}` : ''}`);
  if (status.error) console.log(`  error: ${JSON.stringify(status.error)}`);
  if (status.status !== 'succeeded') process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
