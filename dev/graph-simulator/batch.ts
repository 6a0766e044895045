import { badRequest } from './errors';
import { asObject } from './odata';
import type { SimResponse } from './types';

export interface BatchItem { id: string; method: string; url: string; headers: Record<string, string>; body: unknown; dependsOn: string[] }
export type ItemDispatcher = (item: BatchItem) => SimResponse;

const MAX_REQUESTS = 20;

function parseItems(body: unknown): BatchItem[] {
  const requests = asObject(body).requests;
  if (!Array.isArray(requests)) throw badRequest("Invalid batch payload: 'requests' must be an array.", 'BadRequest');
  if (requests.length > MAX_REQUESTS) throw badRequest(`Number of batch requests exceeds the maximum of ${MAX_REQUESTS}.`, 'BadRequest');
  const ids = new Set<string>();
  return requests.map((raw: unknown) => {
    const r = asObject(raw);
    if (typeof r.id !== 'string' || !r.id) throw badRequest("Invalid batch payload: each request needs an 'id'.", 'BadRequest');
    if (ids.has(r.id)) throw badRequest(`Batch request ids must be unique; '${r.id}' repeats.`, 'BadRequest');
    ids.add(r.id);
    if (typeof r.method !== 'string' || typeof r.url !== 'string') throw badRequest(`Invalid batch payload: request '${r.id}' needs 'method' and 'url'.`, 'BadRequest');
    const dependsOn = Array.isArray(r.dependsOn) ? r.dependsOn.map(String) : [];
    for (const d of dependsOn) if (!ids.has(d)) throw badRequest(`Request '${r.id}' depends on '${d}', which is not an earlier request in the batch.`, 'BadRequest');
    const headers = (r.headers && typeof r.headers === 'object' ? r.headers : {}) as Record<string, string>;
    return { id: r.id, method: r.method.toUpperCase(), url: r.url, headers, body: r.body, dependsOn };
  });
}

/**
 * JSON batching: items run in order through the normal router (so injected faults hit single
 * items); an item whose dependency did not succeed gets 424 Failed Dependency. Throttling charges
 * every item on its own, and a refused item answers 429 with its own `Retry-After` inside the
 * 200 envelope: "Requests in a batch are evaluated individually against the applicable throttling
 * limits and if any request exceeds the limits, it fails with a status of 429"
 * (https://learn.microsoft.com/graph/json-batching, "Batch size limitations"); the client is to
 * "retry each failed request from the batch using the value provided in the retry-after response
 * header from the JSON content", and SDKs do not retry batch items
 * (https://learn.microsoft.com/graph/throttling#throttling-and-batching).
 */
export function runBatch(body: unknown, dispatch: ItemDispatcher): { responses: Array<Record<string, unknown>> } {
  const items = parseItems(body);
  const statuses = new Map<string, number>();
  const responses = items.map((item) => {
    let response: SimResponse;
    if (item.dependsOn.some((d) => { const s = statuses.get(d) ?? 0; return s < 200 || s >= 300; })) {
      response = {
        status: 424,
        headers: { 'Content-Type': 'application/json' },
        body: { error: { code: 'FailedDependency', message: 'Failed dependency.' } },
      };
    } else {
      response = dispatch(item);
    }
    statuses.set(item.id, response.status);
    const out: Record<string, unknown> = { id: item.id, status: response.status, headers: response.headers };
    if (response.body !== undefined) out.body = response.body;
    return out;
  });
  return { responses };
}
