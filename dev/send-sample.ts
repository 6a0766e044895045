// `npm run send-sample`: posts a signed joiner to the local host, waits for it to finish and
// shows the account in the simulated tenant. Same signing scheme an HR system would use.
import { postHrEvents } from './hr-client';
import { DEV_HR_WEBHOOK_SECRET } from './local-host/local-host';

const hostUrl = process.env.LOCAL_HOST_URL ?? `http://localhost:${process.env.PORT ?? 7071}`;
const graphUrl = process.env.GRAPH_BASE_URL ?? `https://localhost:${process.env.GRAPH_SIMULATOR_PORT ?? 7072}`;
const secret = process.env.HR_WEBHOOK_SECRET ?? DEV_HR_WEBHOOK_SECRET;

const event = {
  type: 'joiner',
  occurredAt: new Date().toISOString(),
  employee: {
    employeeId: process.argv[2] ?? 'E1001',
    givenName: 'José',
    surname: 'Müller',
    department: 'Sales',
    jobTitle: 'Account Executive',
    employeeType: 'Employee',
    companyName: 'Contoso',
    officeLocation: 'London',
    city: 'London',
    country: 'UK',
    hireDate: new Date().toISOString().slice(0, 10),
  },
};

async function main(): Promise<void> {
  const body = JSON.stringify(event);
  const response = await postHrEvents(hostUrl, body, { secret });
  const accepted = (await response.json()) as { events?: { eventId: string; statusUrl: string }[] };
  console.log(`POST /api/hr/events -> ${response.status}`, JSON.stringify(accepted, null, 2));
  const first = accepted.events?.[0];
  if (!first) process.exit(1);

  let status: { status?: string } = {};
  for (let i = 0; i < 60; i++) {
    status = (await (await fetch(first.statusUrl)).json()) as { status?: string };
    if (status.status && !['queued', 'processing'].includes(status.status)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`GET ${first.statusUrl}`, JSON.stringify(status, null, 2));

  const filter = encodeURIComponent(`employeeId eq '${event.employee.employeeId}'`);
  const users = await fetch(`${graphUrl}/v1.0/users?$filter=${filter}&$select=id,userPrincipalName,displayName,usageLocation,department`, {
    headers: { authorization: 'Bearer local-simulator-token' },
  });
  console.log('In the simulated tenant:', JSON.stringify(await users.json(), null, 2));
  if (status.status !== 'succeeded') {
    console.error(`The joiner ended ${status.status ?? 'without a status'}, not succeeded: see its steps above.`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
