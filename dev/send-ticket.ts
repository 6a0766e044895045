// `npm run send-ticket -- ticket.json`: puts a ticket request (README "Ticket requests") on the
// local host's ticket queue, as a ticketing tool puts it on the Service Bus queue in Azure, then
// waits for the event it becomes and prints its status — or the dead letter, if it was refused.
// The local queue lives inside the local host, so this goes through the host's loopback-only
// `POST /admin/queues/{queue}/messages`.
import { readFileSync } from 'node:fs';
import { ticketEventId } from '../shared/intake/ticket-request';

const hostUrl = process.env.LOCAL_HOST_URL ?? `http://localhost:${process.env.PORT ?? 7071}`;
const queue = process.env.TICKET_QUEUE_NAME ?? 'ticket-requests';
const FINISHED = ['succeeded', 'failed', 'dead-lettered', 'skipped'];

interface DeadLetter {
  messageId: string;
  reason: string;
  description: string;
}

function readTicket(file: string | undefined): unknown {
  if (!file) throw new Error('usage: npm run send-ticket -- <ticket.json>   (the format is in README "Ticket requests")');
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${file} is not JSON: nothing was sent`);
  }
}

async function main(): Promise<void> {
  const ticket = readTicket(process.argv[2]);
  const sent = await fetch(`${hostUrl}/admin/queues/${encodeURIComponent(queue)}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ticket),
  });
  const answer = (await sent.json()) as { messageId?: string; error?: string };
  console.log(`POST /admin/queues/${queue}/messages -> ${sent.status}`, JSON.stringify(answer));
  if (sent.status !== 201 || !answer.messageId) {
    process.exitCode = 1;
    return;
  }
  const requestId = (ticket as { requestId?: unknown }).requestId;
  const eventId = typeof requestId === 'string' ? ticketEventId(requestId.trim()) : undefined;

  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 500));
    if (eventId) {
      const response = await fetch(`${hostUrl}/api/events/${encodeURIComponent(eventId)}`);
      const status = response.status === 200 ? ((await response.json()) as { status?: string }) : undefined;
      if (status && FINISHED.includes(status.status ?? '')) {
        console.log(`GET /api/events/${eventId}`, JSON.stringify(status, null, 2));
        if (status.status !== 'succeeded') process.exitCode = 1;
        return;
      }
    }
    const deadLetter = await findDeadLetter(answer.messageId);
    if (deadLetter) {
      console.log(`The ticket was dead-lettered on ${queue}: ${deadLetter.reason}: ${deadLetter.description}`);
      process.exitCode = 1;
      return;
    }
  }
  console.log(`The ticket is on ${queue}, but ${eventId ?? 'its event'} has not finished after 30 s: see GET ${hostUrl}/api/events/${eventId ?? '<eventId>'}`);
  process.exitCode = 1;
}

async function findDeadLetter(messageId: string): Promise<DeadLetter | undefined> {
  const response = await fetch(`${hostUrl}/api/manage/dead-letters?queue=tickets`);
  if (response.status !== 200) return undefined;
  const { deadLetters } = (await response.json()) as { deadLetters: DeadLetter[] };
  return deadLetters.find((d) => d.messageId === messageId);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
