import type { Client } from '@microsoft/microsoft-graph-client';
import { classifyGraphError, graphCall, GraphRequestError } from './errors';

/** Graph runs at most 20 requests of one `$batch`. */
export const MAX_BATCH_REQUESTS = 20;

export interface BatchGet {
  id: string;
  /** Relative to the API version, e.g. `/users/{id}/manager?$select=id`. */
  url: string;
  /** Names the read in a failure, like the operation of a single call. */
  operation: string;
}

export type BatchAnswer = { ok: true; body: unknown } | { ok: false; error: GraphRequestError };

interface BatchResponseItem {
  id?: unknown;
  status?: unknown;
  headers?: Record<string, unknown>;
  body?: { error?: { code?: string; message?: string; innerError?: Record<string, unknown> } } & Record<string, unknown>;
}

/**
 * Several independent GETs in one round trip (`POST /$batch`). Each item answers for itself with
 * its own status: a failed item becomes a `GraphRequestError` classified like a single call's, and
 * the others still count. The SDK's retry handler sees only the envelope, so a throttled item
 * is the caller's to ask again; the tenant's governor has read the items' 429s (governor
 * middleware), so a re-ask through the same client waits for their Retry-After at its gate.
 */
export async function batchGet(client: Client, gets: readonly BatchGet[]): Promise<Map<string, BatchAnswer>> {
  if (gets.length === 0) return new Map();
  if (gets.length > MAX_BATCH_REQUESTS) throw new RangeError(`at most ${MAX_BATCH_REQUESTS} requests per batch`);
  const operation = gets.map((g) => g.operation).join(', ');
  const reply = (await graphCall(operation, () =>
    client.api('/$batch').post({ requests: gets.map((g) => ({ id: g.id, method: 'GET', url: g.url })) }),
  )) as { responses?: BatchResponseItem[] };
  const byId = new Map((reply.responses ?? []).map((r) => [String(r.id), r]));
  const answers = new Map<string, BatchAnswer>();
  for (const get of gets) {
    const item = byId.get(get.id);
    const status = Number(item?.status ?? 0);
    if (item && status >= 200 && status < 300) answers.set(get.id, { ok: true, body: item.body });
    else answers.set(get.id, { ok: false, error: itemError(get.operation, item) });
  }
  return answers;
}

/** An item's headers (a plain object in the reply) as `Headers`; a header that is not one is left out. */
export function batchItemHeaders(item: { headers?: unknown } | undefined): Headers {
  const headers = new Headers();
  const raw = item?.headers;
  if (!raw || typeof raw !== 'object') return headers;
  for (const [name, value] of Object.entries(raw)) {
    try {
      headers.set(name, String(value));
    } catch {
      // not a valid header name or value
    }
  }
  return headers;
}

function itemError(operation: string, item: BatchResponseItem | undefined): GraphRequestError {
  if (!item) {
    return new GraphRequestError(operation, { kind: 'transient', status: 0, code: 'BatchItemMissing', message: 'the $batch reply had no answer for this request' });
  }
  const headers = batchItemHeaders(item);
  const error = item.body?.error ?? {};
  const requestId = headers.get('request-id') ?? (error.innerError?.['request-id'] as string | undefined);
  // The same classifier as a single call's failure, fed the item's status, code and headers.
  return new GraphRequestError(
    operation,
    classifyGraphError({ statusCode: Number(item.status), code: error.code, message: error.message ?? `status ${String(item.status)}`, requestId, headers }),
  );
}
