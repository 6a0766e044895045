// `npm run plan -- <file> [content-type]`: a dry run. Posts an HR file (canonical JSON, SCIM bulk
// or CSV) signed to `POST /api/hr/events?dryRun=true` and prints, per event, the steps it would
// take against the tenant as it is now, with the employee as the tenant's mapping made it from the
// record (docs/mapping.md). Nothing is queued or changed.
import { readFileSync } from 'node:fs';
import { postHrEvents } from './hr-client';
import { DEV_HR_WEBHOOK_SECRET } from './local-host/local-host';

interface PlannedStep {
  name: string;
  outcome: string;
  detail?: string;
}

function contentTypeFor(file: string, explicit?: string): string {
  if (explicit) return explicit;
  if (file.endsWith('.csv')) return 'text/csv';
  return 'application/json';
}

async function main(): Promise<void> {
  const [file, explicitType] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npm run plan -- <file.json|file.csv> [content-type]');
    process.exit(2);
  }
  const hostUrl = process.env.LOCAL_HOST_URL ?? `http://localhost:${process.env.PORT ?? 7071}`;
  const secret = process.env.HR_WEBHOOK_SECRET ?? DEV_HR_WEBHOOK_SECRET;
  const body = readFileSync(file, 'utf8');
  const response = await postHrEvents(hostUrl, body, {
    secret,
    contentType: contentTypeFor(file, explicitType),
    query: '?dryRun=true',
    ...(process.env.FUNCTION_KEY ? { functionKey: process.env.FUNCTION_KEY } : {}),
  });
  const result = (await response.json().catch(() => ({}))) as { events?: { eventId: string; type: string; employeeId: string; verdict: string; problem?: string; steps: PlannedStep[]; mapped?: Record<string, unknown> }[]; issues?: unknown };
  if (response.status !== 200 || !result.events) {
    console.error(`POST /api/hr/events?dryRun=true -> ${response.status}`, JSON.stringify(result, null, 2));
    process.exit(1);
  }
  for (const event of result.events) {
    console.log(`${event.type} ${event.employeeId} (${event.eventId}): ${event.verdict}${event.problem ? ` — ${event.problem}` : ''}`);
    if (event.mapped) console.log(`  mapped: ${describeMapped(event.mapped)}`);
    for (const step of event.steps) console.log(`  ${step.name.padEnd(22)} ${step.outcome.padEnd(12)} ${step.detail ?? ''}`);
  }
}

/** `givenName=Jane surname=Doe clear=[jobTitle]`: what the mapping made of the record, one line. */
function describeMapped(mapped: Record<string, unknown>): string {
  return Object.entries(mapped)
    .map(([name, value]) => `${name}=${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}`)
    .join(' ');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
