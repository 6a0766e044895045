import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import * as z from 'zod';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { readRawBody, BodyTooLargeError } from '../shared/hosting/http-body';
import { services } from '../shared/runtime/services';

// Routes live under `manage/`: the Functions host reserves `admin/` for its own API.

const QUEUES = ['processing', 'tickets'] as const;

function queueName(name: (typeof QUEUES)[number]): string {
  const { settings } = services();
  return name === 'processing' ? settings.PROCESSING_QUEUE_NAME : settings.TICKET_QUEUE_NAME;
}

/**
 * `GET /api/manage/dead-letters?queue=processing|tickets[&tenant=<key>]`: what is dead-lettered,
 * why, how old and for which tenant — one customer's view with `tenant`.
 */
export async function listDeadLetters(request: HttpRequest): Promise<HttpResponseInit> {
  const queue = z.enum(QUEUES).safeParse(request.query.get('queue') ?? 'processing');
  if (!queue.success) return { status: 400, jsonBody: { error: `queue must be one of ${QUEUES.join(', ')}` } };
  const tenant = request.query.get('tenant') ?? undefined;
  const all = await services().deadLetters.list(queueName(queue.data));
  const deadLetters = tenant === undefined ? all : all.filter((d) => d.tenantId === tenant);
  return { status: 200, jsonBody: { queue: queue.data, ...(tenant !== undefined ? { tenant } : {}), deadLetters } };
}

const replayRequestSchema = z
  .object({
    queue: z.enum(QUEUES).default('processing'),
    messageId: z.string().min(1).max(200).optional(),
    all: z.literal(true).optional(),
    /** With `all`: only this tenant's dead letters. */
    tenant: z.string().min(1).max(63).optional(),
    /** Releases a safety hold for the replayed events (the mass-leaver guard). */
    release: z.literal('mass-leaver').optional(),
  })
  .strict()
  .refine((r) => (r.messageId === undefined) !== (r.all === undefined), { message: 'give exactly one of messageId or all: true', path: ['messageId'] });

/** `POST /api/manage/dead-letters/replay`: resubmits one or all dead letters after a fix. */
export async function replayDeadLetters(request: HttpRequest): Promise<HttpResponseInit> {
  let raw: Buffer;
  try {
    raw = await readRawBody(request, 16_384);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { status: 413, jsonBody: { error: error.message } };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8') || '{}');
  } catch {
    return { status: 400, jsonBody: { error: 'body is not valid JSON' } };
  }
  const parsed = replayRequestSchema.safeParse(json);
  if (!parsed.success) {
    return { status: 400, jsonBody: { error: 'invalid replay request', issues: parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })) } };
  }
  const { queue, messageId, all, release, tenant } = parsed.data;
  const result = await services().deadLetters.resubmit(
    queueName(queue),
    { ...(messageId ? { messageId } : {}), ...(all ? { all } : {}), ...(tenant ? { tenantId: tenant } : {}) },
    { replay: true, ...(release ? { releaseHold: release } : {}) },
  );
  if (messageId && result.resubmitted.length === 0) return { status: 404, jsonBody: { error: `no dead letter ${messageId} on ${queue}` } };
  return { status: 202, jsonBody: result };
}

export const deadLettersListFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'dead-letters',
  route: 'manage/dead-letters',
  methods: ['GET'],
  authLevel: 'admin',
  handler: listDeadLetters,
};

export const deadLettersReplayFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'dead-letters-replay',
  route: 'manage/dead-letters/replay',
  methods: ['POST'],
  authLevel: 'admin',
  handler: replayDeadLetters,
};
